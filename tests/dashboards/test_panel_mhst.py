"""The MHST dashboard panel against hand calculations on tests/mhst/test_metrics_world.py's world:
coverage by phase, capacity against allocation, activity by function; the same figures as the
MHST coverage and activity pages; commissioner and national scopes; filters; fixed query count."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mhst import dashboard, metrics
from mhst.models import PractitionerRole
from partnership.dashboards.service import shown_panel
from partnership.figures import Count, Filters, Level, Number, Percent, Scope, Statistic, Text
from partnership.models import Membership, Organisation, OrganisationKind
from partnership.registry import dashboard_panel
from partnership.roles import Permission

from ..factories import PartnershipFactory, PartnershipOrganisationFactory
from ..mhst.factories import add_practitioner, approved, log_activity, make_team, make_world, today
from ..mhst.test_metrics_world import log_quarter, metrics_world, school

pytestmark = pytest.mark.django_db
D = Decimal
JAN, MAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)
#: a period ending after today: coverage and capacity are taken today, when the allocations are in effect
NOW = Filters(start=today().replace(day=1), end=today() + datetime.timedelta(days=31))
Q1 = Filters(start=JAN, end=MAR_END)


def raw(cell):
    if isinstance(cell, Count):
        return cell.n
    if isinstance(cell, Percent):
        return (cell.part, cell.whole)
    if isinstance(cell, Number | Statistic | Text):
        return cell.value
    raise TypeError(cell)


def rows(figures, key) -> dict:
    table = next(t for t in figures.tables if t.key == key)
    found = {r.label: tuple(raw(c) for c in r.cells) for r in table.rows}
    if table.total:
        found[table.total.label] = tuple(raw(c) for c in table.total.cells)
    return found


def scope(*partnerships, level=Level.COMMISSIONER):
    return Scope(level, tuple(p.pk for p in partnerships), "test")


def no_school_members(world):
    """make_world's area lead and steering member act for schools: make them a local authority."""
    Organisation.objects.filter(
        pk__in=Membership.objects.filter(user__in=[world.area_lead, world.steering]).values("organisation_id")
    ).update(kind=OrganisationKind.LOCAL_AUTHORITY)


@pytest.fixture
def w():
    return metrics_world()


def test_the_panel_is_registered_for_dashboard_readers():
    panel = dashboard_panel("mhst")
    assert (panel.title, panel.permission, panel.order) == (
        "Mental Health Support Teams",
        Permission.VIEW_DASHBOARDS,
        30,
    )


def test_coverage_by_phase_by_hand(w):
    coverage = rows(dashboard.compute(scope(w.partnership, level=Level.PARTNERSHIP), NOW), "coverage")
    # columns: schools, covered, % schools covered, pupils, pupils covered, pupil share, pupils unknown
    assert coverage == {
        # Ash (200, covered), Beech (unknown, covered), Elm (100, only proposed)
        "Primary": (3, 2, D("66.7"), 300, 200, (200, 300), 1),
        # Alder (no phase, kind secondary; 600 covered), Birch (300, a share of 0), Fir (400, superseded)
        "Secondary": (3, 1, D("33.3"), 1300, 600, (600, 1300), 0),
        "Special school": (1, 1, D("100.0"), 50, 50, (50, 50), 0),
        "All schools": (7, 4, D("57.1"), 1650, 850, (850, 1650), 1),
    }


def test_coverage_is_the_coverage_page_figure(w):
    page = metrics.coverage(w.partnership, today())
    coverage = rows(dashboard.compute(scope(w.partnership, level=Level.PARTNERSHIP), NOW), "coverage")
    for row in [*page.phases, page.total]:
        assert coverage[row.label][:5] == (row.schools, row.covered, row.school_share, row.pupils, row.pupils_covered)


def test_capacity_against_allocation_by_hand(w):
    capacity = rows(dashboard.compute(scope(w.partnership, level=Level.PARTNERSHIP), NOW), "capacity")
    # North: EMHP 1.00 + senior 0.50 qualified, trainee 1.00 apart; v2 allocates 0.80 + 0.40 + 0.30 + 0.20
    # South: nobody yet; v1 allocates 0.50 + 0.00 (the proposal v2 does not count)
    assert capacity == {
        "North MHST": (
            D("1.50"),
            D("1.00"),
            D("1.70"),
            D("0.20"),
            4,
            "Over-allocated by 0.20 WTE (2.00 sessions a week)",
        ),
        "South MHST": (D("0"), D("0"), D("0.50"), D("0.50"), 1, "Over-allocated by 0.50 WTE (5.00 sessions a week)"),
        "All teams": (
            D("1.50"),
            D("1.00"),
            D("2.20"),
            D("0.70"),
            5,
            "Over-allocated by 0.70 WTE (7.00 sessions a week)",
        ),
    }
    page = {r.team.name: r for r in metrics.capacity_vs_allocation(w.partnership, today())}
    for name, row in page.items():
        assert capacity[name][:5] == (
            row.qualified_wte,
            row.trainee_wte,
            row.allocated_wte,
            row.difference_wte,
            row.schools,
        )
        assert capacity[name][5] == row.status


def test_capacity_before_any_allocation_is_in_effect(w):
    add_practitioner(w.other_team, PractitionerRole.EMHP, "1.00")
    yesterday = today() - datetime.timedelta(days=1)
    capacity = rows(
        dashboard.compute(scope(w.partnership), Filters(start=yesterday.replace(day=1), end=yesterday)), "capacity"
    )
    assert capacity["North MHST"] == (D("1.50"), D("1.00"), D("0"), D("-1.50"), 0, "No approved allocation")
    assert capacity["South MHST"][5] == "No approved allocation"
    assert rows(dashboard.compute(scope(w.partnership), Filters(start=yesterday, end=yesterday)), "coverage")[
        "All schools"
    ][:2] == (7, 0)


def test_activity_by_function_by_hand(w):
    log_quarter(w)
    activity = rows(dashboard.compute(scope(w.partnership, level=Level.PARTNERSHIP), Q1), "activity")
    # sessions, hours (on the sessions), children reached, adults reached
    assert activity == {
        "1. Evidence-based interventions": (2, D("1.8"), 7, 0),  # 50 + 60 minutes
        "2. Whole-school approach": (1, D("1.5"), 30, 2),
        "3. Advice and liaison": (1, D("0.5"), 0, 3),
        "All activity": (4, D("3.8"), 37, 5),  # 230 minutes
    }
    page = metrics.activity_summary(w.partnership, JAN, MAR_END)
    for row in [*page.by_function, page.total]:
        assert activity[row.label] == (row.sessions, row.hours, row.children, row.adults)


def test_the_phase_filter_narrows_coverage_and_activity_not_capacity(w):
    log_quarter(w)
    primary = Filters(start=JAN, end=today(), phase="Primary")
    figures = dashboard.compute(scope(w.partnership, level=Level.PARTNERSHIP), primary)
    assert rows(figures, "coverage") == {
        "Primary": (3, 2, D("66.7"), 300, 200, (200, 300), 1),
        "All Primary schools": (3, 2, D("66.7"), 300, 200, (200, 300), 1),
    }
    activity = rows(figures, "activity")
    assert activity["All activity"][0] == 1  # Ash Primary's session in March (Alder, Cedar are not primary)
    assert activity["1. Evidence-based interventions"] == (1, D("1.0"), 6, 0)
    # every team's capacity (log_quarter adds South's EMHP, 1.00), whatever the phase
    assert rows(figures, "capacity")["All teams"][:3] == (D("2.50"), D("1.00"), D("2.20"))
    assert dashboard.CAPACITY_NOTE in figures.notes


def test_the_school_filter_narrows_coverage_and_activity(w):
    log_quarter(w)
    one = Filters(start=JAN, end=today(), school_id=w.school.pk)
    figures = dashboard.compute(scope(w.partnership, level=Level.PARTNERSHIP), one)
    assert rows(figures, "coverage")["All schools"] == (1, 1, D("100.0"), 600, 600, (600, 600), 0)
    # Alder: January's two sessions and April's 600 minutes (the period runs to today)
    assert rows(figures, "activity")["All activity"] == (3, D("12.3"), 32, 2)
    assert dashboard.CAPACITY_NOTE in figures.notes


def test_without_filters_there_is_no_capacity_note(w):
    assert dashboard.CAPACITY_NOTE not in dashboard.compute(scope(w.partnership), NOW).notes


@pytest.fixture
def two(w):
    """`w` and a second partnership: four secondary schools (pupils 600, 300, 200, 100), one team
    with an EMHP at 0.60 WTE and a share of 0.50 for its first school; one session in March 2026."""
    other = make_world()
    no_school_members(other)
    Organisation.objects.filter(pk=other.school.pk).update(pupil_count=600)
    third = school(other.partnership, "Third High", OrganisationKind.SECONDARY, "Secondary", 200)
    school(other.partnership, "Fourth High", OrganisationKind.SECONDARY, "Secondary", 100)
    other.team.practitioners.all().delete()
    emhp = add_practitioner(other.team, PractitionerRole.EMHP, "0.60")
    approved(other.team, {other.school: "0.50", third: "0.00"}, by=other.area_lead)
    log_activity(
        other.team, other.school, emhp, other.manager, date=datetime.date(2026, 3, 10), function=1, children_reached=4
    )
    return w, other


def test_a_commissioners_two_partnerships_add_up(two):
    w, other = two
    figures = dashboard.compute(scope(w.partnership, other.partnership), NOW)
    coverage = rows(figures, "coverage")
    # Secondary: w's 3 (1 covered, 1300 pupils, 600 covered) and the other's 4 (1 covered, 1200, 600)
    assert coverage["Secondary"] == (7, 2, D("28.6"), 2500, 1200, (1200, 2500), 0)
    assert coverage["All schools"] == (11, 5, D("45.5"), 2850, 1450, (1450, 2850), 1)
    capacity = rows(figures, "capacity")
    name = other.partnership.name
    assert capacity[f"{name}: North MHST"][:5] == (D("0.60"), D("0"), D("0.50"), D("-0.10"), 1)
    assert capacity[f"{name}: South MHST"][5] == "No approved allocation"
    assert capacity["All teams"][:5] == (D("2.10"), D("1.00"), D("2.70"), D("0.60"), 6)
    log_quarter(w)
    activity = rows(dashboard.compute(scope(w.partnership, other.partnership), Q1), "activity")
    assert activity["1. Evidence-based interventions"] == (3, D("2.7"), 11, 0)  # 160 minutes, 7 + 4 children
    assert activity["All activity"] == (5, D("4.7"), 41, 5)  # 280 minutes


def test_a_school_in_two_partnerships_of_the_scope_counts_once(two):
    w, other = two
    PartnershipOrganisationFactory(partnership=other.partnership, organisation=w.elm)  # only proposed in w
    approved(other.other_team, {w.elm: "0.20"}, by=other.area_lead)
    coverage = rows(dashboard.compute(scope(w.partnership, other.partnership), NOW), "coverage")
    assert coverage["All schools"][:2] == (11, 6)
    assert coverage["Primary"][:5] == (3, 3, D("100.0"), 300, 300)
    # for w alone Elm is still not covered: the other partnership's team does not cover w's schools
    assert rows(dashboard.compute(scope(w.partnership), NOW), "coverage")["Primary"][:2] == (3, 2)


def test_small_numbers_are_suppressed_below_national_level_only(w):
    log_quarter(w)
    panel = dashboard_panel("mhst")
    local = shown_panel(panel, scope(w.partnership, level=Level.PARTNERSHIP), Q1).table("activity").as_rows()
    assert local[1] == ["1. Evidence-based interventions", "*", "*", "*", 0]
    assert local[2] == ["2. Whole-school approach", "*", "*", 30, "*"]
    national = shown_panel(panel, scope(w.partnership, level=Level.NATIONAL), Q1).table("activity").as_rows()
    assert national[1] == ["1. Evidence-based interventions", 2, D("1.8"), 7, 0]
    coverage = shown_panel(panel, scope(w.partnership), NOW).table("coverage").as_rows()
    assert coverage[-1] == ["All schools", 7, 4, D("57.1"), 1650, 850, D("51.5"), 1]


def _queries(the_scope, filters) -> int:
    with CaptureQueriesContext(connection) as captured:
        dashboard.compute(the_scope, filters)
    return len(captured)


@pytest.mark.parametrize("filters", [NOW, Filters(start=JAN, end=today(), phase="Primary")], ids=["all", "phase"])
def test_query_count_does_not_grow_with_rows_or_partnerships(two, filters):
    w, other = two
    log_quarter(w)
    few = _queries(scope(w.partnership, level=Level.PARTNERSHIP), filters)
    for n in range(5):
        extra = school(w.partnership, f"Extra Primary {n}", phase="Primary", pupils=100 + n)
        team = make_team(w.partnership, name=f"Extra MHST {n}")
        emhp = add_practitioner(team, PractitionerRole.EMHP, "1.00")
        add_practitioner(team, PractitionerRole.TRAINEE, "0.50")
        approved(team, {extra: "0.50", w.elm: "0.10"}, by=w.area_lead)
        for day in range(1, 4):
            log_activity(team, extra, emhp, w.manager, date=today() - datetime.timedelta(days=day), function=1 + n % 3)
    assert _queries(scope(w.partnership, level=Level.PARTNERSHIP), filters) == few
    many = [make_world().partnership for _ in range(2)]
    assert _queries(scope(w.partnership, other.partnership, *many), filters) == few
    assert _queries(scope(w.partnership, other.partnership, *many, level=Level.NATIONAL), filters) == few


def test_an_area_without_schools_or_teams():
    empty = PartnershipFactory()
    figures = dashboard.compute(scope(empty), NOW)
    assert rows(figures, "coverage") == {"All schools": (0, 0, None, 0, 0, (0, 0), 0)}
    assert rows(figures, "capacity") == {"All teams": (D("0"), D("0"), D("0"), D("0"), 0, "No approved allocation")}
    assert rows(figures, "activity")["All activity"] == (0, D("0.0"), 0, 0)
