"""The governance journey of issue 3, in headless Chromium, as the demo area lead and two signatories.

Approve a membership application, publish a new version of the steering group's terms of
reference, get an MOU signed by two parties, hold a meeting with quorum, raise an action from it,
and see the action turn red once it is overdue.
"""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from demo.personas import persona_email
from demo.seed import seed_demo
from partnership.models import Action, Meeting, Mou, PartnershipOrganisation, TermsOfReference

from .conftest import axe_violations
from .test_personas import sign_in

STEERING = "Northshire CYP Mental Health Steering Group"
APPLICANT = "Northshire Bereavement Support for Young People"


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def sign_out(page):
    page.context.clear_cookies()


def open_section(page, base, heading):
    page.goto(f"{base}/partnerships/northshire/")
    page.get_by_role("link", name=heading).click()


def choose(select, containing: str):
    """Select the option whose text contains `containing`."""
    option = select.locator("option", has_text=containing).first
    select.select_option(value=option.get_attribute("value"))


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_area_lead_runs_the_partnership_governance(page, live_server, demo):
    base = live_server.url
    sign_in(page, base, persona_email("area.lead"))

    # 1. Approve a membership application.
    open_section(page, base, "Members")
    assert_accessible(page)
    page.get_by_role("link", name=f"Approve {APPLICANT}").click()
    assert_accessible(page)
    page.locator("main form button").click()
    assert "approved" in page.locator(".nhsuk-notification-banner, .app-messages, main").first.inner_text().lower()
    applicant = PartnershipOrganisation.objects.get(partnership=demo, organisation__name=APPLICANT)
    assert applicant.status == PartnershipOrganisation.Status.ACTIVE
    assert applicant.approved_by.email == persona_email("area.lead")

    # 2. Approve and publish the draft version 3 of the steering group's terms of reference.
    open_section(page, base, "Groups and terms of reference")
    page.get_by_role("link", name=STEERING).first.click()
    page.get_by_role("link", name="Version 3").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve this version").click()
    page.get_by_role("button", name="Approve this version").click()
    page.get_by_role("button", name="Publish this version").click()
    page.get_by_role("button", name="Publish this version").click()
    published = TermsOfReference.objects.get(group__name=STEERING, status=TermsOfReference.Status.PUBLISHED)
    assert published.version == 3
    # Version 3 needs the local authority at quorum: give the council's representative a seat.
    page.goto(f"{base}/partnerships/northshire/groups/{published.group_id}/")
    page.get_by_role("button", name="Add a seat").click()
    choose(page.get_by_label("Person", exact=True), "Frankie Facilitator")
    page.get_by_label("Member", exact=True).check()
    page.get_by_role("button", name=re.compile("Add")).click()
    assert "Frankie Facilitator" in page.locator("main").inner_text()
    # The public page shows the published version.
    page.goto(f"{base}/public/northshire/groups/{published.group_id}/terms/")
    assert "Version 3" in page.locator("main").inner_text()

    # 3. An MOU signed by two parties.
    open_section(page, base, "Memoranda of understanding")
    page.get_by_role("link", name="Create a memorandum").click()
    today = timezone.localdate()
    page.get_by_label("Title").fill("Emotional wellbeing pathway agreement")
    page.get_by_label("Purpose").fill("How schools and CYPMHS work together on the wellbeing pathway.")
    page.get_by_label("Agreed areas of joint working").fill("Consultation clinics, joint training.")
    page.get_by_label("Roles and responsibilities").fill("Schools name a lead; CYPMHS names a link.")
    page.get_by_label("What information schools and CYPMHS share").fill("Referral outcomes and advice.")
    page.get_by_label("When information is shared").fill("Within five working days.")
    page.get_by_label("How information is shared").fill("Through the platform.")
    page.get_by_label("Start date").fill(today.isoformat())
    page.get_by_label("Review date").fill((today + datetime.timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Create draft").click()
    for signatory in ("Morgan Duty-Lead", "Jordan Mental-Health-Lead"):
        page.get_by_role("link", name="Add a party").click()
        choose(page.get_by_label("Organisation and signatory"), signatory)
        page.get_by_role("button", name="Add party").click()
    page.get_by_role("link", name="Send for signature").click()
    page.get_by_role("button", name="Send for signature").click()
    mou = Mou.objects.get(title="Emotional wellbeing pathway agreement")
    assert mou.status == Mou.Status.IN_SIGNATURE
    sign_out(page)
    for local_part in ("duty.lead", "school.lead"):
        sign_in(page, base, persona_email(local_part))
        page.goto(f"{base}/partnerships/northshire/mous/{mou.pk}/")
        page.get_by_role("link", name="Sign this memorandum").click()
        assert_accessible(page)
        page.get_by_role("checkbox").check()
        page.get_by_role("button", name="Sign this memorandum").click()
        sign_out(page)
    mou.refresh_from_db()
    assert mou.status == Mou.Status.SIGNED
    assert mou.parties.filter(signed_at__isnull=True).count() == 0

    # 4. On the day of the next steering group meeting: hold it with quorum and raise an action.
    meeting = Meeting.objects.filter(group__name=STEERING, status=Meeting.Status.SCHEDULED).earliest("starts_at")
    meeting_day = timezone.localtime(meeting.starts_at).replace(hour=17, minute=0)
    with time_machine.travel(meeting_day, tick=True):
        sign_in(page, base, persona_email("area.lead"))
        page.goto(f"{base}/partnerships/northshire/meetings/{meeting.pk}/")
        page.get_by_role("link", name="Record attendance").click()
        assert_accessible(page)
        for fieldset in page.locator("main fieldset").all():
            legend = fieldset.locator("legend").inner_text()
            if legend.startswith("Other people"):
                continue
            choice = "Sent apologies" if "Sam Steering" in legend else "Present"
            fieldset.get_by_label(choice, exact=True).check()
        page.get_by_role("button", name=re.compile("Save|Record")).click()
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.HELD
        assert meeting.quorate is True, meeting.quorum_note
        assert "Quorate" in page.locator("main").inner_text()

        page.get_by_role("link", name="Raise an action").click()
        page.get_by_label("Action", exact=True).fill("Write to every school about the new pathway")
        choose(page.get_by_label("Owner", exact=True), "Sam Steering")
        due = timezone.localdate() + datetime.timedelta(days=7)
        page.get_by_label("Due date").fill(due.isoformat())
        page.get_by_role("button", name="Raise an action").click()
        action = Action.objects.get(title="Write to every school about the new pathway")
        assert action.source_meeting == meeting
        page.goto(f"{base}/partnerships/northshire/actions/{action.pk}/")
        assert "Amber" in page.locator("main").inner_text()
        sign_out(page)

    # 5. The day after it was due, the action is red on the log (RAG written as text).
    overdue_day = timezone.make_aware(datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(12)))
    with time_machine.travel(overdue_day, tick=True):
        sign_in(page, base, persona_email("area.lead"))
        page.goto(f"{base}/partnerships/northshire/actions/?rag=red")
        assert_accessible(page)
        row = page.locator("tr", has_text=action.reference)
        assert "Red" in row.inner_text()
