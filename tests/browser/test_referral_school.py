"""A school member refers a child in headless Chromium: reads the SPA and the emergency warning,
fills the SBARD form section by section, types an invalid NHS number, sees the error, fixes it,
checks the answers, sends the referral and sees its reference. Another school's member gets 404."""

import re

import pytest
from django.utils import timezone

from referrals.models import Referral, Status, StatusChange

from ..factories import TEST_PASSWORD, TEST_TOTP_SECRET
from ..referrals.factories import make_world
from .conftest import axe_violations, sign_in_with_code


@pytest.fixture
def world(transactional_db):
    return make_world()


def sign_in(page, base, user):
    sign_in_with_code(page, base, user.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def save_and_continue(page):
    page.get_by_role("button", name=re.compile(r"^Save and (continue|check your answers)$")).click()


def fill_child(page, *, nhs_number: str, first_name: str = "Zebedee", last_name: str = "Quagmire"):
    """The child's page of the SBARD form, then Save and continue."""
    today = timezone.localdate()
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Last name").fill(last_name)
    page.get_by_label("Date of birth").fill(today.replace(year=today.year - 12, day=1).isoformat())
    page.get_by_label("NHS number (optional)").fill(nhs_number)
    page.get_by_label("Girl or young woman").check()
    page.get_by_label("Year group").select_option("Year 7")
    page.get_by_label("Home postcode").fill("ns1 2ab")
    save_and_continue(page)


def fill_remaining_sections(page):
    """Urgency to consent, each with Save and continue; ends on check your answers."""
    today = timezone.localdate()
    page.wait_for_url("**/edit/urgency/")
    page.get_by_label("Routine").check()
    save_and_continue(page)

    page.wait_for_url("**/edit/situation/")
    page.get_by_label("What is happening now?").fill("Panic attacks in class most days.")
    page.get_by_label("Why are you referring now?").fill("Attendance has dropped.")
    save_and_continue(page)

    page.wait_for_url("**/edit/background/")
    page.get_by_label("What support has the school already tried?").fill("Weekly pastoral check-ins.")
    save_and_continue(page)

    page.wait_for_url("**/edit/assessment/")
    page.get_by_label("Your assessment").fill("Anxiety is stopping learning.")
    for name in ("risk_self_harm", "risk_suicidal_thoughts", "risk_harm_to_others", "safeguarding_concern"):
        page.locator(f"input[name={name}][value=no]").check()
    page.get_by_label("No safeguarding concern").check()
    save_and_continue(page)

    page.wait_for_url("**/edit/recommendation/")
    page.get_by_label("Assessment").check()
    save_and_continue(page)

    page.wait_for_url("**/edit/consent/")
    page.get_by_label("A parent or carer", exact=True).check()
    page.locator("input[name=consent_share_outcome][value=yes]").check()
    page.get_by_label("Date consent was given").fill(today.isoformat())
    save_and_continue(page)


def test_a_school_member_submits_a_referral_after_fixing_an_invalid_nhs_number(page, live_server, world):
    base = live_server.url
    slug = world.partnership.slug
    sign_in(page, base, world.referrer)

    page.goto(f"{base}/partnerships/{slug}/referrals/school/")
    assert "Your school has not sent any referrals yet." in page.locator("main").inner_text()
    page.get_by_role("link", name="Start a referral").click()
    main = page.locator("main").inner_text()
    assert "An emergency is not a referral" in main and "999" in main
    assert world.spa.acceptance_criteria in main
    assert_accessible(page)
    page.get_by_role("button", name="Start a referral").click()

    # About the child, with a mistyped NHS number
    page.wait_for_url("**/edit/child/")
    fill_child(page, nhs_number="943 476 5918")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible()
    assert "Enter a valid NHS number: this one has a typing error" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert_accessible(page)
    summary.get_by_role("link", name="Enter a valid NHS number").click()
    assert page.evaluate("document.activeElement.id") == "id_nhs_number"
    page.get_by_label("NHS number (optional)").fill("943 476 5919")
    save_and_continue(page)

    fill_remaining_sections(page)

    page.wait_for_url("**/check/")
    main = page.locator("main").inner_text()
    assert "943 476 5919" in main and "NS1 2AB" in main
    assert_accessible(page)
    page.get_by_role("button", name="Send the referral").click()

    page.wait_for_url("**/submitted/")
    referral = Referral.objects.get(created_by=world.referrer)
    assert referral.status == Status.SUBMITTED
    assert re.fullmatch(r"SPA-\d{4}-\d{6}", referral.reference)
    assert page.get_by_test_id("reference").inner_text() == referral.reference
    assert StatusChange.objects.filter(referral=referral, to_status=Status.SUBMITTED).count() == 1
    assert_accessible(page)

    page.get_by_role("link", name=f"View the referral {referral.reference}").click()
    assert "Draft to Submitted" in page.locator("main").inner_text()
    assert_accessible(page)

    # another school's member gets 404 on it
    page.context.clear_cookies()
    sign_in(page, base, world.other_referrer)
    response = page.goto(f"{base}/partnerships/{slug}/referrals/school/{referral.pk}/")
    assert response.status == 404
    assert "Zebedee" not in page.content()
