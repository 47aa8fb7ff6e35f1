"""The issue's "done when", with the demo personas in headless Chromium: the demo school member
(Riverside Primary) sends an SBARD referral, the demo duty clinician claims it and decides in the
browser, the school sees the decision and the reason; another school's member (Hillcrest Academy)
gets 404 on it. Two browser contexts, one per person, as two people at two desks."""

import pytest

from demo.personas import persona_email
from demo.seed import seed_demo
from referrals.models import Referral, Status

from .conftest import axe_violations
from .test_personas import sign_in
from .test_referral_school import fill_child, fill_remaining_sections

EXPLANATION = "Below our threshold: the school nurse drop-in on Thursdays is the right next step."


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def test_a_demo_school_refers_the_duty_clinician_decides_and_the_school_sees_why(browser, live_server, demo):
    base, slug = live_server.url, demo.slug
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True) for _ in range(3)]
    try:
        school, duty, other_school = (context.new_page() for context in contexts)
        for page in (school, duty, other_school):
            page.set_default_timeout(15_000)
        journey(base, slug, school, duty, other_school)
    finally:
        for context in contexts:
            context.close()


def journey(base, slug, school, duty, other_school):
    # the school refers, fixing a mistyped NHS number on the way
    sign_in(school, base, persona_email("school.staff"))
    school.goto(f"{base}/partnerships/{slug}/referrals/")
    school.get_by_role("link", name="Start a referral").first.click()
    school.get_by_role("button", name="Start a referral").click()
    school.wait_for_url("**/edit/child/")
    fill_child(school, nhs_number="999 000 0019", first_name="Ottoline", last_name="Journeytest")
    assert "Enter a valid NHS number" in school.locator(".nhsuk-error-summary").inner_text()
    school.get_by_label("NHS number (optional)").fill("999 000 0018")
    school.get_by_role("button", name="Save and continue").click()
    fill_remaining_sections(school)
    school.wait_for_url("**/check/")
    school.get_by_role("button", name="Send the referral").click()
    school.wait_for_url("**/submitted/")
    reference = school.get_by_test_id("reference").inner_text()
    referral = Referral.objects.get(child_last_name="Journeytest")
    assert (referral.reference, referral.status) == (reference, Status.SUBMITTED)

    # the duty clinician finds it in the queue, claims it and does not accept it, with a reason
    sign_in(duty, base, persona_email("duty.clinician"))
    duty.goto(f"{base}/partnerships/{slug}/referrals/triage/?claimed_by=nobody&ordering=-submitted")
    duty.get_by_role("link", name=reference).click()
    assert "Ottoline Journeytest" in duty.locator("main").inner_text()
    duty.get_by_role("button", name="Claim this referral").click()
    assert duty.get_by_test_id("status").inner_text().startswith("In triage")
    duty.get_by_text("Not accept", exact=True).click()
    duty.get_by_label("Below the threshold for this service: advice given").check()
    duty.get_by_label("Explanation for the school").fill(EXPLANATION)
    duty.get_by_role("button", name="Do not accept").click()
    assert duty.get_by_test_id("status").inner_text().startswith("Not accepted")
    assert axe_violations(duty) == []

    # the school sees the decision and the reason
    school.goto(f"{base}/partnerships/{slug}/referrals/school/{referral.pk}/")
    main = school.locator("main").inner_text()
    assert "Not accepted" in main
    assert "Below the threshold for this service: advice given" in main
    assert EXPLANATION in main
    assert "In triage to Not accepted" in main
    assert axe_violations(school) == []

    # another school's member gets 404, and never the child's name
    sign_in(other_school, base, persona_email("school.lead"))
    response = other_school.goto(f"{base}/partnerships/{slug}/referrals/school/{referral.pk}/")
    assert response.status == 404
    assert "Journeytest" not in other_school.content()
    response = other_school.goto(f"{base}/partnerships/{slug}/referrals/triage/{referral.pk}/")
    assert response.status in (403, 404)
    assert "Journeytest" not in other_school.content()
