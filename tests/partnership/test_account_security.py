"""Regression tests for the account-security review: each test names the hole it keeps closed."""

from datetime import timedelta
from io import StringIO

import pyotp
import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..conftest import current_totp, sign_in
from ..factories import TEST_PASSWORD, TEST_TOTP_SECRET, PartnershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_email_addresses_cannot_be_added_by_the_user(client, cast):
    sign_in(client, cast.lead)
    response = client.post("/accounts/email/", {"action_add": "", "email": "attacker@evil.example"})
    assert response.status_code == 404
    assert not EmailAddress.objects.filter(email="attacker@evil.example").exists()


def test_two_factor_pages_render_for_an_enrolled_user(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    RecoveryCodes.activate(user)
    sign_in(client, user)
    index = client.get(reverse("mfa_index"))
    assert index.status_code == 200
    assert "You have 10 unused recovery codes" in index.content.decode()
    assert client.get(reverse("mfa_view_recovery_codes")).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert "There are 10 of 10 codes left" in codes.content.decode()
    assert "no-store" in codes["Cache-Control"]


def test_an_enrolled_user_must_reauthenticate_before_removing_two_factor(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    sign_in(client, user)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_the_lockout_cannot_be_side_stepped_with_another_host_port(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, HTTP_HOST="testserver:1"
    )
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_LOCKED_OUT).get()
    assert event.object_id == str(user.pk)


def test_wrong_second_factor_codes_are_audited(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    for _ in range(3):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED, object_id=str(user.pk)).count() == 3


def test_a_used_code_cannot_be_replayed_while_it_is_still_valid(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        code = current_totp()
        client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
        assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        client.post(reverse("account_logout"))
        traveller.shift(timedelta(seconds=31))  # allauth forgets a used code after 30 s
        client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
        replay = client.post(reverse("mfa_authenticate"), {"code": code})
        assert replay.status_code == 200
        assert "This code has already been used" in replay.content.decode()
        fresh = pyotp.TOTP(TEST_TOTP_SECRET).at(timezone.now() + timedelta(seconds=30))
        assert client.post(reverse("mfa_authenticate"), {"code": fresh}).status_code == 302


def test_changing_password_is_audited_and_revokes_api_tokens(client):
    user = member(PartnershipFactory(), Role.DUTY_LEAD, totp=True)
    AuthToken.objects.create(user=user)
    sign_in(client, user)
    new = "a much longer new passphrase 2026"
    response = client.post(
        reverse("account_change_password"), {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, actor=user).count() == 1
    assert not AuthToken.objects.filter(user=user).exists()


def test_an_admin_setting_a_password_is_audited(client):
    admin = UserFactory(is_staff=True, is_superuser=True, totp=True)
    target = UserFactory()
    sign_in(client, admin)
    url = reverse("admin:auth_user_password_change", args=[target.pk])
    new = "an administrator chose this 2026"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert (event.actor, event.object_id, event.detail) == (admin, str(target.pk), {"via": "admin"})


def test_an_admin_resetting_two_factor_is_audited_and_revokes_tokens(client):
    admin = UserFactory(is_staff=True, is_superuser=True, totp=True)
    user = member(PartnershipFactory(), Role.DUTY_LEAD, totp=True)
    AuthToken.objects.create(user=user)
    sign_in(client, admin)
    authenticator = Authenticator.objects.get(user=user)
    url = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, actor=admin, object_type="mfa.authenticator").exists()
    assert not AuthToken.objects.filter(user=user).exists()
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403


def test_no_token_for_a_child_detail_role_without_two_factor():
    member(PartnershipFactory(), Role.DUTY_CLINICIAN, email="nomfa@nhs.example", totp=False)
    with pytest.raises(CommandError, match="two-factor"):
        call_command("issue_api_token", "nomfa@nhs.example", stdout=StringIO(), stderr=StringIO())


def test_signed_in_pages_are_never_cached(client, cast):
    assert "no-store" not in client.get(reverse("accessibility")).get("Cache-Control", "")
    sign_in(client, cast.lead)
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]
