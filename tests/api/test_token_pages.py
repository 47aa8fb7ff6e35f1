import pytest
from django.urls import reverse
from knox.models import AuthToken

from partnership.roles import Role

from ..conftest import sign_in
from ..factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db


def test_tokens_are_issued_only_after_two_factor_sign_in(client):
    user = member(PartnershipFactory(), Role.COMMISSIONER, totp=False)
    sign_in(client, user)
    page = client.get(reverse("api_tokens"))
    assert page.status_code == 200
    assert "Sign in with two-factor authentication first" in page.content.decode()
    assert client.post(reverse("api_tokens"), {"days": "30"}).status_code == 403
    assert not AuthToken.objects.exists()


def test_a_token_issued_on_the_page_is_shown_once_and_works(client):
    user = member(PartnershipFactory(), Role.DUTY_LEAD, totp=True)
    sign_in(client, user)
    response = client.post(reverse("api_tokens"), {"days": "7"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    html = response.content.decode()
    token = html.split('data-testid="new-token"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert token.startswith("cyp_")
    assert token not in client.get(reverse("api_tokens")).content.decode()
    api = client.__class__()
    assert api.get(reverse("api_me"), headers={"Authorization": f"Token {token}"}).status_code == 200


def test_issuing_requires_a_valid_choice(client):
    user = member(PartnershipFactory(), Role.DUTY_LEAD, totp=True)
    sign_in(client, user)
    response = client.post(reverse("api_tokens"), {"days": "9999"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not AuthToken.objects.exists()


def test_revoking_asks_for_confirmation_then_revokes(client):
    user = member(PartnershipFactory(), Role.DUTY_LEAD, totp=True)
    sign_in(client, user)
    client.post(reverse("api_tokens"), {"days": "7"})
    key = AuthToken.objects.get(user=user).token_key
    confirm = client.get(reverse("api_token_revoke", args=[key]))
    assert "Revoke the token starting" in confirm.content.decode()
    assert AuthToken.objects.filter(token_key=key).exists()
    response = client.post(reverse("api_token_revoke", args=[key]))
    assert response.url == reverse("api_tokens")
    assert not AuthToken.objects.filter(token_key=key).exists()
