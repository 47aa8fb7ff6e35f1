"""Live table scoring on a tablet (768 px wide), with the keyboard alone, through a dropped connection.

The area lead scores all seven domains of a table with Tab, Space and the arrow keys; the network
drops half-way (Playwright's offline mode) and the page says which changes are waiting; when it
comes back, the page sends them and says everything is saved, and the database holds every score.
"""

import re

import pytest
from playwright.sync_api import expect

from cascade.models import DomainScore
from partnership.roles import Role

from ..cascade.factories import DOMAIN_CODES as CODES
from ..cascade.factories_scoring import make_table
from ..factories import TEST_PASSWORD, PartnershipFactory, member
from .conftest import axe_violations

pytestmark = pytest.mark.browser

SCORES = dict(zip(CODES, [1, 3, 0, 2, 2, 1, 3], strict=True))


@pytest.fixture
def scene(transactional_db):
    partnership = PartnershipFactory(slug="westshire", name="Westshire CYP Mental Health Partnership")
    lead = member(partnership, Role.AREA_LEAD, email="lead@westshire.example", full_name="Alex Lead")
    return make_table(partnership, label="Blue"), lead


def sign_in(page, base, email):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").press("Enter")
    page.wait_for_url(f"{base}/")


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def tab_to(page, element_id: str, limit: int = 80):
    for _ in range(limit):
        if focused_id(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id} (stuck on #{focused_id(page)})")


def choose_level(page, code: str, score: int):
    """On the domain's first radio (an unscored group): Space picks level 0, each ArrowDown the next."""
    assert focused_id(page) == code
    page.keyboard.press("Space")
    for _ in range(score):
        page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name='{code}']:checked")).to_have_value(str(score))


def status(page, code):
    return page.locator(f"#status-{code}")


def test_area_lead_scores_a_table_by_keyboard_through_a_dropped_connection(tablet, live_server, scene):
    table, lead = scene
    page = tablet
    sign_in(page, live_server.url, lead.email)
    page.goto(f"{live_server.url}/partnerships/westshire/cascade/tables/{table.pk}/score/")
    summary = page.locator("[data-scoring-summary]")
    expect(summary).to_contain_text("0 of 7 domains scored. Each change is saved as you make it.")
    assert axe_violations(page) == [], page.url

    # Domain 1 with a note: level, then Tab to the notes' summary, Enter opens it, type in "What works".
    tab_to(page, CODES[0])
    choose_level(page, CODES[0], SCORES[CODES[0]])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_id(page) == f"id_{CODES[0]}-what_works"
    page.keyboard.type("A shared map of services")
    page.keyboard.press("Tab")  # leaving the note sends it
    expect(status(page, CODES[0])).to_have_text("Saved")

    # Domains 2 and 3 online.
    for code in CODES[1:3]:
        tab_to(page, code)
        choose_level(page, code, SCORES[code])
        expect(status(page, code)).to_have_text("Saved")
    assert DomainScore.objects.filter(table=table).count() == 3

    # The connection drops: the next four are queued, and the page says so.
    page.context.set_offline(True)
    for code in CODES[3:]:
        tab_to(page, code)
        choose_level(page, code, SCORES[code])
        expect(status(page, code)).to_have_text("Waiting to send: you are offline")
    expect(summary).to_contain_text("7 of 7 domains scored.")
    expect(summary).to_contain_text(re.compile(r"\d+ changes saved, 4 waiting to send: you are offline\."))
    assert DomainScore.objects.filter(table=table).count() == 3
    queued = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cascade-score:')).sort()")
    assert queued == sorted(f"cascade-score:table-{table.pk}:{code}" for code in CODES[3:])

    # Back online: everything waiting is sent, and the page says all is saved.
    page.context.set_offline(False)
    expect(summary).to_contain_text("All changes saved", timeout=20_000)
    for code in CODES:
        expect(status(page, code)).to_have_text("Saved")
    saved = {s.domain.code: s.score for s in DomainScore.objects.filter(table=table).select_related("domain")}
    assert saved == SCORES
    assert DomainScore.objects.get(table=table, domain__code=CODES[0]).what_works == "A shared map of services"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cascade-score:')).length") == 0
    assert axe_violations(page) == [], page.url


def test_changes_still_queued_are_shown_as_waiting_after_a_reload_and_resent(tablet, live_server, scene):
    table, lead = scene
    page = tablet
    sign_in(page, live_server.url, lead.email)
    url = f"{live_server.url}/partnerships/westshire/cascade/tables/{table.pk}/score/"
    page.goto(url)
    # The API cannot be reached (the connection is up but requests fail).
    page.route("**/api/v1/cascade/**", lambda route: route.abort())
    tab_to(page, "structures")
    choose_level(page, "structures", 2)
    expect(status(page, "structures")).to_have_text("Waiting to send: you are offline")

    page.reload()
    expect(page.locator("input[name='structures']:checked")).to_have_value("2")
    expect(status(page, "structures")).to_contain_text("Waiting to send")
    expect(page.locator("[data-scoring-summary]")).to_contain_text("1 waiting to send")
    assert not DomainScore.objects.exists()

    page.unroute("**/api/v1/cascade/**")
    expect(page.locator("[data-scoring-summary]")).to_contain_text("All changes saved", timeout=20_000)
    assert DomainScore.objects.get(table=table, domain__code="structures").score == 2


def test_a_refused_change_is_shown_and_not_retried(tablet, live_server, scene):
    table, lead = scene
    page = tablet
    sign_in(page, live_server.url, lead.email)
    page.goto(f"{live_server.url}/partnerships/westshire/cascade/tables/{table.pk}/score/")
    # Another facilitator closes the workshop while this page is open.
    from cascade.services.workshops import close_workshop

    close_workshop(workshop=table.workshop, by=lead)
    tab_to(page, "clarity")
    choose_level(page, "clarity", 1)
    expect(status(page, "clarity")).to_have_text(
        "Not saved: This workshop is closed, so its scores can't be changed. Ask the area lead to reopen it."
    )
    expect(page.locator("[data-scoring-summary]")).to_contain_text("1 not saved")
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('cascade-score:')).length") == 0
    assert not DomainScore.objects.exists()
