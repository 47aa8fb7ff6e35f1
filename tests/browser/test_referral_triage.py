"""Triage in headless Chromium: a duty clinician finds a submitted referral in the queue, claims
it, accepts it with a THRIVE grouping and a service from the directory, and sees the status change."""

import pytest

from referrals.models import Referral, Status

from ..factories import TEST_PASSWORD, TEST_TOTP_SECRET
from ..referrals.factories import make_world, referral_in
from .conftest import axe_violations, sign_in_with_code


@pytest.fixture
def world(transactional_db):
    return make_world()


def sign_in(page, base, user):
    sign_in_with_code(page, base, user.email, password=TEST_PASSWORD, totp_secret=TEST_TOTP_SECRET)


def test_a_duty_clinician_claims_and_accepts_a_referral(page, live_server, world):
    referral = referral_in(world, Status.SUBMITTED)
    base = live_server.url
    sign_in(page, base, world.clinician)

    page.goto(f"{base}/partnerships/{world.partnership.slug}/referrals/triage/")
    assert page.get_by_role("heading", level=1).inner_text() == "Triage queue"
    assert "Zebedee" not in page.locator("main").inner_text()  # the queue shows references only
    assert axe_violations(page) == []
    page.get_by_role("link", name=referral.reference).click()

    assert "Zebedee Quagmire" in page.locator("main").inner_text()
    assert page.get_by_test_id("status").inner_text().startswith("Submitted")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Claim this referral").click()
    assert "You claimed" in page.locator(".nhsuk-notification-banner").inner_text()
    assert page.get_by_test_id("status").inner_text().startswith("In triage")

    # a mistake first: no THRIVE grouping
    page.get_by_text("Accept", exact=True).click()
    page.get_by_role("button", name="Accept the referral").click()
    summary = page.locator(".nhsuk-error-summary")
    assert "Select the THRIVE grouping" in summary.inner_text()
    assert page.title().startswith("Error:")
    assert axe_violations(page) == []

    page.get_by_label("Getting Help", exact=True).check()
    page.get_by_label("Allocated service").select_option(str(world.service.pk))
    page.get_by_label("Note for the school (optional)").fill("The MHST will contact you this week.")
    page.get_by_role("button", name="Accept the referral").click()

    assert "accepted" in page.locator(".nhsuk-notification-banner").inner_text()
    assert page.get_by_test_id("status").inner_text().startswith("Accepted")
    main = page.locator("main").inner_text()
    assert "Getting Help" in main and world.service.name in main
    assert "In triage to Accepted" in main
    referral.refresh_from_db()
    assert (referral.status, referral.thrive, referral.allocated_service_id) == (
        Status.ACCEPTED,
        "getting_help",
        world.service.pk,
    )
    assert Referral.objects.get(pk=referral.pk).decided_by == world.clinician
