"""The CASCADE journey of issue 4, end to end in headless Chromium at tablet size (768 px), as the
demo area lead: add a cohort and its round 1 workshop, add tables, score all seven domains of each,
close the workshop, see the partnership's results with their band, plan an action against a domain,
and see round-2 progress with each domain's actions and their RAG status.
"""

import datetime

import pytest
from playwright.sync_api import expect

from cascade.models import DomainScore, PlannedAction, Workshop
from cascade.queries import partnership_result
from cascade.services.framework import current_framework
from demo.personas import persona_email
from demo.seed import seed_demo

from .conftest import axe_violations
from .test_personas import sign_in

pytestmark = pytest.mark.browser

COHORT = "Cohort 4: Test Valley"
TABLES = {
    "Red": {"clarity": 2, "agreed_contact": 1, "structures": 1, "common_outcomes": 0,
            "ability_to_learn": 1, "integrated_working": 2, "evidence_based": 1},
    "Green": {"clarity": 3, "agreed_contact": 2, "structures": 1, "common_outcomes": 1,
              "ability_to_learn": 0, "integrated_working": 1, "evidence_based": 2},
}  # fmt: skip


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def add_table(page, label, organisations):
    page.get_by_role("link", name="Add a table").click()
    page.get_by_label("Table label").fill(label)
    for name in organisations:
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Add table").click()
    expect(page.get_by_role("link", name=f"Score table {label}")).to_be_visible()


def score_table(page, label, scores):
    page.get_by_role("link", name=f"Score table {label}").click()
    for code, score in scores.items():
        page.locator(f"input[name='{code}'][value='{score}']").check()
    expect(page.locator("[data-scoring-summary]")).to_contain_text("All changes saved", timeout=20_000)
    expect(page.locator("[data-scoring-summary]")).to_contain_text("7 of 7 domains scored")
    assert axe_violations(page) == []
    page.go_back()


def test_area_lead_runs_a_workshop_end_to_end_on_a_tablet(tablet, live_server, demo):
    page, base = tablet, live_server.url
    sign_in(page, base, persona_email("area.lead"))
    page.goto(f"{base}/partnerships/northshire/")
    page.get_by_role("link", name="CASCADE self-assessment").click()

    # a new cohort and its round 1 workshop
    page.get_by_role("link", name="Add a cohort").click()
    page.get_by_label("Cohort name").fill(COHORT)
    page.get_by_role("button", name="Add cohort").click()
    page.get_by_label("Date of the workshop").fill(datetime.date.today().isoformat())
    page.get_by_label("Venue (optional)").fill("Test Valley Academy hall")
    page.get_by_role("button", name="Add workshop").click()
    workshop = Workshop.objects.get(cohort__name=COHORT, round=1)
    expect(page.get_by_role("heading", level=1)).to_contain_text(COHORT)

    # two tables, each scored on all seven domains
    add_table(page, "Red", ["Riverside Primary School", "Hillcrest Academy"])
    add_table(page, "Green", [])
    workshop_url = page.url
    for label, scores in TABLES.items():
        score_table(page, label, scores)
        page.goto(workshop_url)
    saved = {(s.table.label, s.domain.code): s.score for s in DomainScore.objects.filter(table__workshop=workshop)}
    assert saved == {(label, code): score for label, scores in TABLES.items() for code, score in scores.items()}

    # close it: scores are final
    page.get_by_role("link", name="Close workshop").click()
    page.get_by_role("button", name="Close workshop").click()
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED
    expect(page.get_by_text("closed", exact=False).first).to_be_visible()

    # the partnership's round 1 results, with its band, match the computation
    result = partnership_result(DomainScore.objects.all(), partnership=demo, framework=current_framework(), round=1)
    page.goto(f"{base}/partnerships/northshire/cascade/results/?round=1")
    headline = page.locator("p.nhsuk-body-l", has_text="Total").first
    expect(headline).to_contain_text(f"Total {result.total_rounded} out of 21")
    expect(headline).to_contain_text(f"Band: {result.band.value}")
    expect(page.get_by_role("img").first).to_be_visible()  # the chart, beside its table
    assert axe_violations(page) == []

    # an action agreed at the workshop, for a domain, goes into the action log
    page.goto(workshop_url)
    page.get_by_role("link", name="Plan an action").click()
    page.get_by_label("Which domain does the action target?").select_option(value="common_outcomes")
    page.get_by_label("What will be done").fill("Agree one shared outcome measure for school referrals")
    owner = page.get_by_label("Owner")
    owner.select_option(index=1)
    page.get_by_label("Due date").fill((datetime.date.today() + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Add to the action log").click()
    planned = PlannedAction.objects.get(workshop=workshop)
    assert planned.domain.code == "common_outcomes" and planned.action.source == "cascade_domain"
    expect(page.get_by_role("cell", name=f"Reference {planned.action.reference}")).to_be_visible()

    # round 2 of the demo cohorts: progress since round 1 and each domain's actions with RAG
    page.goto(f"{base}/partnerships/northshire/cascade/results/?round=2")
    expect(page.get_by_role("heading", name="Progress", exact=False).first).to_be_visible()
    demo_plan = PlannedAction.objects.exclude(workshop=workshop).select_related("action").first()
    expect(page.get_by_text(demo_plan.action.title).first).to_be_visible()
    expect(page.locator(".nhsuk-tag", has_text="Red").first).to_be_visible()
    assert axe_violations(page) == []
