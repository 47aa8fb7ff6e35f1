"""The issue's "done when", with the demo personas in headless Chromium: the demo MHST manager
proposes a new allocation for MHST North with visible reasoning and adjusts one share with a
reason; the demo area lead records the steering group's approval at a held meeting; the demo
school lead (Hillcrest Academy) sees the school's new share and its readiness checklist.
Three browser contexts, one per person."""

import re

import pytest

from demo.personas import persona_email
from demo.seed import seed_demo
from mhst.models import Allocation, AllocationStatus, Team

from .conftest import axe_violations
from .test_personas import sign_in


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def test_the_manager_proposes_the_area_lead_approves_and_the_school_sees_it(browser, live_server, demo):
    base, slug = live_server.url, demo.slug
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True) for _ in range(3)]
    try:
        manager, lead, school = (context.new_page() for context in contexts)
        for page in (manager, lead, school):
            page.set_default_timeout(15_000)
        journey(base, slug, manager, lead, school)
    finally:
        for context in contexts:
            context.close()


def journey(base, slug, manager, lead, school):
    north = Team.objects.get(name="Northshire MHST North")

    # The manager proposes version 2: the current six schools plus Northshire Grammar School.
    sign_in(manager, base, persona_email("mhst.manager"))
    manager.goto(f"{base}/partnerships/{slug}/mhst/")
    manager.get_by_role("link", name="Northshire MHST North").click()
    manager.get_by_role("link", name="Propose an allocation to schools").click()
    assert "Qualified capacity today: 3.70 WTE" in manager.locator("main").inner_text()
    assert manager.get_by_label("Hillcrest Academy").is_checked()  # the current allocation, ready to change
    manager.get_by_label("Northshire Grammar School").check()
    manager.get_by_role("button", name="Calculate and propose").click()
    assert "Explain the proposal" in manager.locator(".nhsuk-error-summary").inner_text()
    manager.get_by_label("Rationale").fill("Add Northshire Grammar School: its first year with the team.")
    manager.get_by_role("button", name="Calculate and propose").click()
    manager.wait_for_url(re.compile(r".*/mhst/allocations/\d+/$"))
    proposal = Allocation.objects.get(team=north, number=2)
    assert proposal.status == AllocationStatus.PROPOSED
    main = manager.locator("main")
    assert "Proposed: not active" in main.inner_text()
    assert manager.get_by_test_id("lines").get_by_text("Northshire Grammar School").is_visible()
    # The workings of one school, opened: every indicator with its weight and points.
    manager.get_by_text(re.compile(r"^Hillcrest Academy: need score")).click()
    workings = manager.get_by_test_id("workings").filter(has_text="Hillcrest Academy")
    assert (
        "Free school meals (%)" in workings.inner_text()
        and "Need score = the sum of the points" in workings.inner_text()
    )
    assert axe_violations(manager) == []
    # Adjust the grammar school's share, with a reason.
    manager.get_by_text(re.compile(r"^Northshire Grammar School: need score")).click()
    manager.get_by_role("link", name="Adjust the share for Northshire Grammar School").click()
    manager.get_by_label("Share (whole-time equivalent)").fill("0.20")
    manager.get_by_label("Reason for the change").fill("Two sessions a week to start; review at Easter.")
    manager.get_by_role("button", name="Save the adjustment").click()
    assert "Two sessions a week to start" in manager.locator("main").inner_text()

    # The area lead records the steering group's approval at its last held meeting.
    sign_in(lead, base, persona_email("area.lead"))
    lead.goto(f"{base}/partnerships/{slug}/mhst/allocations/{proposal.pk}/")
    assert "Add Northshire Grammar School" in lead.get_by_test_id("rationale").inner_text()
    lead.get_by_role("button", name="Record the steering group's decision").click()
    lead.get_by_label("Approved: it becomes the team's active allocation").check()
    lead.get_by_role("button", name="Record the decision").click()
    lead.wait_for_url(f"**/mhst/allocations/{proposal.pk}/")
    assert "Approved: active" in lead.get_by_test_id("status").inner_text()
    proposal.refresh_from_db()
    assert proposal.status == AllocationStatus.APPROVED and proposal.decision.meeting.group.kind == "steering"
    assert proposal.decision.reference in lead.locator("main").inner_text()
    assert Allocation.objects.get(team=north, number=1).status == AllocationStatus.SUPERSEDED

    # The school's lead sees the school's share in version 2 and its checklist.
    share = proposal.lines.get(school__name="Hillcrest Academy").share_wte
    sign_in(school, base, persona_email("school.lead"))
    school.goto(f"{base}/partnerships/{slug}/mhst/")
    school.get_by_role("link", name="Hillcrest Academy: allocation, readiness and agreement").click()
    text = school.locator("main").inner_text()
    assert "Northshire MHST North" in text and str(share) in text and "Version 2, with its rationale" in text
    assert "7 of 10 items met" in text and "Not ready" in text
    assert "Named lead or contact to work with the local commissioner and the incoming MHST" in text
    assert axe_violations(school) == []
