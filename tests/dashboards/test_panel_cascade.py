"""The CASCADE dashboard panel: hand-calculated totals, bands and changes; the same results as the
CASCADE results pages; commissioner and national scopes; filters; a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cascade import metrics
from cascade.models import DomainScore
from cascade.queries import partnership_result
from cascade.services.framework import current_framework
from partnership.dashboards.service import shown_panel
from partnership.figures import Filters, Level, Number, Scope, Text
from partnership.registry import dashboard_panel
from partnership.roles import Permission

from ..cascade.factories_results import make_workshop, score_table
from ..factories import PartnershipFactory

pytestmark = pytest.mark.django_db
PERIOD = Filters(start=datetime.date(2025, 4, 1), end=datetime.date(2026, 3, 31))


def scope(*partnerships, level=Level.COMMISSIONER):
    return Scope(level, tuple(p.pk for p in partnerships), "test")


def cells(table, label):
    row = next(r for r in (*table.rows, table.total) if r is not None and r.label == label)
    return tuple(c.value for c in row.cells)


def table(figures, key):
    return next(t for t in figures.tables if t.key == key)


@pytest.fixture
def areas():
    """A: round 1 total 4.0 (Low), round 2 total 9.5 (High). B: round 1 total 3.0 (Very low),
    round 2 total 6.0 (High). C: no workshops."""
    a = PartnershipFactory(name="Ashby")
    b = PartnershipFactory(name="Brent")
    c = PartnershipFactory(name="Corby")
    one = make_workshop(a, "North", 1)
    score_table(one, "1", [0, 1, 0, 1, 0, 1, 0])
    score_table(one, "2", [1, 1, 0, 0, 1, 1, 1])
    two = make_workshop(a, "North", 2)
    score_table(two, "1", [1, 2, 1, 1, 1, 2, 1])
    score_table(two, "2", [2, 2, 1, 1, 1, 1, 2])
    score_table(make_workshop(b, "East", 1), "1", [0, 0, 1, 1, 0, 1, 0])
    score_table(make_workshop(b, "East", 2), "1", [1, 1, 1, 1, 1, 1, 0])
    return a, b, c


def test_the_panel_is_registered_for_dashboard_readers():
    panel = dashboard_panel("cascade")
    assert panel.title == "CASCADE self-assessment"
    assert panel.permission == Permission.VIEW_DASHBOARDS
    assert panel.order == 10


def test_one_partnership_latest_total_band_and_change(areas):
    a, _, _ = areas
    figures = metrics.compute(scope(a, level=Level.PARTNERSHIP), PERIOD)
    assert [t.key for t in figures.tables] == ["latest", "change"]
    assert cells(table(figures, "latest"), "Ashby") == ("Round 2", Decimal("9.5"), "High")
    change = table(figures, "change")
    # clarity 0.5 -> 1.5; agreed contact 1 -> 2; structures 0 -> 1; common outcomes 0.5 -> 1
    assert cells(change, "C: Clarity on roles and remit") == (Decimal("0.5"), Decimal("1.5"), Decimal("1.0"), 1)
    assert cells(change, "A: Named contacts in schools and services") == (
        Decimal("1.0"),
        Decimal("2.0"),
        Decimal("1.0"),
        1,
    )
    assert cells(change, "C: Shared outcome measures") == (Decimal("0.5"), Decimal("1.0"), Decimal("0.5"), 1)
    assert cells(change, "Total (0 to 21)") == (Decimal("4.0"), Decimal("9.5"), Decimal("5.5"), 1)
    assert change.chart.kind == "grouped" and change.chart.series == (1, 2)


def test_the_latest_result_is_what_the_results_page_computes(areas):
    framework = current_framework()
    figures = metrics.compute(scope(*areas), PERIOD)
    for partnership in areas[:2]:
        page = partnership_result(DomainScore.objects.all(), partnership=partnership, framework=framework, round=2)
        assert cells(table(figures, "latest"), partnership.name) == (
            "Round 2",
            page.total_rounded,
            page.band.value,
        )


def test_round_one_only_and_unscored_partnerships():
    only_first = PartnershipFactory(name="Derby")
    score_table(make_workshop(only_first, "West", 1), "1", [3, 3, 3, 0, 0, 0, 0])
    figures = metrics.compute(scope(only_first, PartnershipFactory(name="Ealing")), PERIOD)
    latest = table(figures, "latest")
    assert cells(latest, "Derby") == ("Round 1", Decimal("9.0"), "High")
    assert cells(latest, "Ealing") == ("Not scored yet", None, "No total yet")
    change = table(figures, "change")
    assert cells(change, "Total (0 to 21)") == (None, None, None, 0)


def test_a_round_missing_a_domain_has_no_total_or_band():
    area = PartnershipFactory(name="Fenland")
    score_table(make_workshop(area, "South", 1), "1", [1, 1, 1, 1, 1, 1, None])
    figures = metrics.compute(scope(area, level=Level.PARTNERSHIP), PERIOD)
    assert cells(table(figures, "latest"), "Fenland") == ("Round 1", None, "No total yet")


def test_commissioner_scope_averages_partnerships_scored_in_both_rounds(areas):
    figures = metrics.compute(scope(*areas), PERIOD)
    latest = table(figures, "latest")
    assert [r.label for r in latest.rows] == ["Ashby", "Brent", "Corby"]
    assert cells(latest, "Brent") == ("Round 2", Decimal("6.0"), "High")
    assert cells(latest, "Corby") == ("Not scored yet", None, "No total yet")
    bands = table(figures, "bands")
    assert cells(bands, "High") == (2,)
    assert cells(bands, "No total yet") == (1,)
    assert cells(bands, "All partnerships") == (3,)
    change = table(figures, "change")
    # clarity: A 0.5 -> 1.5, B 0 -> 1: averages 0.25 -> 1.25 (shown 0.3 and 1.3, halves up), change 1.0
    assert cells(change, "C: Clarity on roles and remit") == (Decimal("0.3"), Decimal("1.3"), Decimal("1.0"), 2)
    # evidence based: A 0.5 -> 1.5, B 0 -> 0: averages 0.25 -> 0.75, change 0.5
    assert cells(change, "E: Evidence-based training and support") == (
        Decimal("0.3"),
        Decimal("0.8"),
        Decimal("0.5"),
        2,
    )
    # totals: A 4.0 -> 9.5, B 3.0 -> 6.0: 3.5 -> 7.75, change 4.25
    assert cells(change, "Total (0 to 21)") == (Decimal("3.5"), Decimal("7.8"), Decimal("4.3"), 2)


def test_national_scope_is_published_as_computed(areas):
    national = scope(*areas, level=Level.NATIONAL)
    shown = shown_panel(dashboard_panel("cascade"), national, PERIOD)
    assert shown.table("bands").as_rows()[1:] == [
        ["High", 2],
        ["Fair", 0],
        ["Low", 0],
        ["Very low", 0],
        ["No total yet", 1],
        ["All partnerships", 3],
    ]


def test_every_cell_is_a_number_or_words_so_nothing_is_suppressed(areas):
    figures = metrics.compute(scope(*areas), PERIOD)
    for t in figures.tables:
        for row in (*t.rows, *((t.total,) if t.total else ())):
            assert all(isinstance(c, Number | Text) for c in row.cells)
    shown = shown_panel(dashboard_panel("cascade"), scope(*areas), PERIOD)
    assert not any(c.suppressed for t in shown.tables for r in t.all_rows for c in r.cells)


def test_filters_do_not_change_the_figures_and_a_note_says_so(areas):
    everything = metrics.compute(scope(*areas), PERIOD)
    narrowed = metrics.compute(
        scope(*areas), Filters(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 1, 31), phase="Primary")
    )
    assert narrowed.tables == everything.tables
    assert any("phase and school filters do not apply" in note for note in narrowed.notes)


def _queries(the_scope) -> int:
    with CaptureQueriesContext(connection) as captured:
        metrics.compute(the_scope, PERIOD)
    return len(captured)


def test_query_count_does_not_grow_with_scores_or_partnerships(areas):
    a, b, c = areas
    few = _queries(scope(a, level=Level.PARTNERSHIP))
    for n in range(6):
        score_table(make_workshop(a, f"Cohort {n}", 1), "1", [n % 4] * 7)
        second = make_workshop(a, f"Cohort {n}", 2)
        score_table(second, "1", [(n + 1) % 4] * 7)
        score_table(second, "2", [3] * 7)
    assert _queries(scope(a, level=Level.PARTNERSHIP)) == few
    assert _queries(scope(a, b, c)) == few
    assert _queries(scope(a, b, c, *[PartnershipFactory() for _ in range(4)], level=Level.NATIONAL)) == few
