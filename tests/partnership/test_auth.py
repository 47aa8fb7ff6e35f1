from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..conftest import current_totp, sign_in
from ..factories import TEST_PASSWORD, PartnershipFactory, UserFactory, member

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next=/"


def test_sign_in_with_password_and_second_factor_reaches_home(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    response = client.post(reverse("account_login"), {"login": user.email.upper(), "password": TEST_PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not signed in until the second factor
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Incorrect code" in wrong.content.decode()
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp()})
    assert response.url == reverse("home")
    assert "Duty clinician" in client.get(reverse("home")).content.decode()


def test_roles_that_see_child_details_must_set_up_two_factor_first(client):
    user = member(PartnershipFactory(), Role.SCHOOL_STAFF, totp=False)
    sign_in(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_setting_up_two_factor_is_audited_and_unlocks_the_service(client, django_capture_on_commit_callbacks):
    import pyotp

    user = member(PartnershipFactory(), Role.SCHOOL_STAFF, totp=False)
    sign_in(client, user)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ACTIVATED, actor=user).exists()
    assert client.get(reverse("home")).status_code == 200


def test_roles_without_child_details_are_not_forced_to_set_up_two_factor(client):
    user = member(PartnershipFactory(), Role.COMMISSIONER)
    sign_in(client, user)
    assert client.get(reverse("home")).status_code == 200


def test_repeated_failed_sign_ins_lock_the_account_out(client):
    user = UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert 'href="#id_login"' in response.content.decode()  # the summary links to the first field
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "Accounts are created by your partnership" in response.content.decode()
    client.post(reverse("account_signup"), {"email": "new@example.org", "password1": "x" * 20, "password2": "x" * 20})
    assert not UserFactory._meta.model.objects.filter(email="new@example.org").exists()


def test_idle_sessions_expire_after_30_minutes(client):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    user = member(PartnershipFactory(), Role.COMMISSIONER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, user)
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert client.get(reverse("home")).status_code == 302


def test_sessions_end_12_hours_after_sign_in_however_active(client):
    user = member(PartnershipFactory(), Role.COMMISSIONER)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, user)
        for _ in range(24):  # active every 29 minutes for 11h36m
            traveller.shift(timedelta(minutes=29))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=29))  # 12h05m after sign-in
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED, actor=user).count() == 1


def test_the_admin_sign_in_goes_through_two_factor(client):
    admin = UserFactory(is_staff=True, is_superuser=True, totp=True)
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    client.post(reverse("account_login"), {"login": admin.email, "password": TEST_PASSWORD})
    assert client.get(reverse("admin:index")).status_code == 302
    client.post(reverse("mfa_authenticate"), {"code": current_totp()})
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_must_set_up_two_factor(client):
    admin = UserFactory(is_staff=True, is_superuser=True, totp=False)
    sign_in(client, admin)
    assert client.get(reverse("admin:index")).url == reverse("mfa_activate_totp")


def test_totp_secrets_are_encrypted_at_rest():
    from allauth.mfa.models import Authenticator

    from ..factories import TEST_TOTP_SECRET

    user = UserFactory(totp=True)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert TEST_TOTP_SECRET not in stored
    assert stored.startswith("gAAAA")  # a Fernet token


def test_a_code_from_the_previous_30_seconds_is_accepted_but_not_older(client):
    import pyotp

    from ..factories import TEST_TOTP_SECRET

    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    totp = pyotp.TOTP(TEST_TOTP_SECRET)
    now = timezone.now()
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    too_old = client.post(reverse("mfa_authenticate"), {"code": totp.at(now - timedelta(seconds=61))})
    assert too_old.status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": totp.at(now - timedelta(seconds=30))})
    assert response.status_code == 302


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, mailoutbox):
    UserFactory(email="known@example.org")
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    assert [m.to for m in mailoutbox] == [["known@example.org"]]
