"""Every persona signs in with password and second factor, reaches home, and sees only its role."""

import pyotp
import pytest
from django.conf import settings

from demo.personas import DEMO_TOTP_SECRET, PERSONAS, persona_email
from demo.seed import seed_demo
from partnership.roles import Permission, Role

from .conftest import axe_violations, sign_in_with_code


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def sign_in(page, base_url, email):
    page.goto(f"{base_url}/")
    assert page.url.startswith(f"{base_url}/accounts/login/")
    sign_in_with_code(page, base_url, email, password=settings.DEMO_PASSWORD, totp_secret=DEMO_TOTP_SECRET)


@pytest.mark.parametrize(("local_part", "role"), [(p[0], p[2]) for p in PERSONAS], ids=[p[0] for p in PERSONAS])
def test_persona_signs_in_with_two_factor_and_sees_their_role(page, live_server, demo, local_part, role):
    sign_in(page, live_server.url, persona_email(local_part))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    body = page.locator("main").inner_text()
    assert role.label in body
    permissions = page.get_by_test_id("permissions").first.inner_text()  # the commissioner has two partnerships
    for permission in Permission:
        assert (permission.label in permissions) == (permission in role.info.permissions), permission
    nav = page.get_by_role("navigation", name="Menu").inner_text()
    assert ("API tokens" in nav) == (Permission.USE_API in role.info.permissions)
    assert axe_violations(page) == []


def test_sign_in_page_is_accessible_and_errors_are_announced(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []


def test_a_referrer_without_two_factor_is_made_to_set_it_up(page, live_server, demo):
    from allauth.mfa.models import Authenticator

    email = persona_email("school.staff")
    Authenticator.objects.filter(user__email=email).delete()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    assert "you must set up two-factor authentication" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.wait_for_url("**/recovery-codes/**")
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
    page.get_by_role("link", name="Continue to the service").click()
    page.wait_for_url(f"{live_server.url}/")
    assert Role.SCHOOL_STAFF.label in page.locator("main").inner_text()
