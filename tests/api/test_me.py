from datetime import timedelta
from io import StringIO

import pytest
import time_machine
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from openapi_spec_validator import validate

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import audit
from partnership.services.tokens import revoke_token

from ..factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db


def issue(email, *args) -> str:
    out = StringIO()
    call_command("issue_api_token", email, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.fixture
def duty_clinician():
    return member(
        PartnershipFactory(slug="northshire", name="Northshire"),
        Role.DUTY_CLINICIAN,
        email="duty@nhs.example",
        totp=True,
    )


def test_issue_api_token_prints_a_token_that_opens_me(client, duty_clinician):
    token = issue("DUTY@nhs.example")
    assert token.startswith("cyp_")
    response = client.get(reverse("api_me"), headers={"Authorization": f"Token {token}"})
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "duty@nhs.example"
    assert body["memberships"] == [
        {
            "partnership": {"slug": "northshire", "name": "Northshire"},
            "organisation": {
                "id": duty_clinician.memberships.get().organisation_id,
                "name": duty_clinician.memberships.get().organisation.name,
                "kind": "secondary",
            },
            "roles": [{"code": "duty_clinician", "label": "Duty clinician"}],
        }
    ]


def test_only_a_digest_of_the_token_is_stored(duty_clinician):
    token = issue(duty_clinician.email)
    stored = AuthToken.objects.get(user=duty_clinician)
    assert token not in stored.digest and stored.digest != token
    assert token.startswith(stored.token_key)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUED)
    assert token not in str(event.detail)


def test_me_without_a_token_is_401(client):
    response = client.get(reverse("api_me"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_me_with_a_wrong_token_is_401(client, duty_clinician):
    issue(duty_clinician.email)
    assert client.get(reverse("api_me"), headers={"Authorization": "Token cyp_not-a-real-token"}).status_code == 401


def test_a_revoked_token_is_401(client, duty_clinician):
    token = issue(duty_clinician.email)
    revoke_token(token=AuthToken.objects.get(user=duty_clinician), by=duty_clinician)
    assert client.get(reverse("api_me"), headers={"Authorization": f"Token {token}"}).status_code == 401
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1


def test_an_expired_token_is_401(client, duty_clinician):
    token = issue(duty_clinician.email, "--days", "7")
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert client.get(reverse("api_me"), headers={"Authorization": f"Token {token}"}).status_code == 401


def test_a_deactivated_users_token_is_401(client, duty_clinician):
    token = issue(duty_clinician.email)
    duty_clinician.is_active = False
    duty_clinician.save()
    assert client.get(reverse("api_me"), headers={"Authorization": f"Token {token}"}).status_code == 401


def test_issue_api_token_refuses_unknown_users_and_roles_without_api_access():
    member(PartnershipFactory(), Role.STEERING_MEMBER, email="steer@example.org")
    with pytest.raises(CommandError, match="No user"):
        issue("nobody@example.org")
    with pytest.raises(CommandError, match="may use the API"):
        issue("steer@example.org")
    assert not AuthToken.objects.exists()


def test_the_schema_is_a_valid_openapi_3_document(client):
    response = client.get(reverse("api_schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/v1/me/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_the_api_docs_page_is_served(client):
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_api_views_deny_by_default():
    from rest_framework.settings import api_settings

    from partnership.api.permissions import DenyAll

    assert api_settings.DEFAULT_PERMISSION_CLASSES == [DenyAll]


def test_audit_records_system_issue_via_command(duty_clinician):
    issue(duty_clinician.email)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUED)
    assert event.actor_label == audit.SYSTEM.label
    assert event.detail["via"] == "manage.py issue_api_token"


def test_a_token_stops_working_when_its_user_loses_api_access(client, duty_clinician):
    token = issue(duty_clinician.email)
    duty_clinician.memberships.update(roles=[Role.STEERING_MEMBER.value])
    assert client.get(reverse("api_me"), headers={"Authorization": f"Token {token}"}).status_code == 401
