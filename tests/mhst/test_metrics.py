"""Activity and readiness figures against hand calculations (world: test_metrics_world.py)."""

import datetime
from decimal import Decimal

import pytest

from mhst import metrics
from mhst.models import ReadinessCode, ReadinessItem, ReadinessStatus
from partnership.models import PartnershipOrganisation

from .factories import log_activity, make_world, today
from .test_metrics_world import log_quarter, metrics_world

pytestmark = pytest.mark.django_db
D = Decimal
JAN, MAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


@pytest.fixture
def w():
    w = metrics_world()
    log_quarter(w)
    # another partnership's activity in the period
    other = make_world()
    log_activity(other.team, other.school, other.practitioner, other.manager, date=datetime.date(2026, 2, 1))
    return w


def figures(row):
    return (row.sessions, row.hours, row.children, row.adults)


def test_activity_totals_by_hand(w):
    summary = metrics.activity_summary(w.partnership, JAN, MAR_END)
    # 4 sessions in the period; 50 + 90 + 60 + 30 = 230 minutes = 3.83 h -> 3.8; children 1 + 30 + 6 + 0
    assert figures(summary.total) == (4, D("3.8"), 37, 5)


def test_activity_by_function_by_hand(w):
    rows = metrics.activity_summary(w.partnership, JAN, MAR_END).by_function
    assert [r.key for r in rows] == [1, 2, 3]
    # function 1: 50 + 60 minutes = 1.83 h -> 1.8, children 1 + 6
    assert figures(rows[0]) == (2, D("1.8"), 7, 0)
    assert figures(rows[1]) == (1, D("1.5"), 30, 2)
    assert figures(rows[2]) == (1, D("0.5"), 0, 3)


def test_activity_by_school_by_hand(w):
    rows = {r.label: figures(r) for r in metrics.activity_summary(w.partnership, JAN, MAR_END).by_school}
    assert rows == {
        "Alder Secondary": (2, D("2.3"), 31, 2),  # 140 minutes = 2.33 h
        "Ash Primary": (1, D("1.0"), 6, 0),
        "Cedar Special": (1, D("0.5"), 0, 3),
    }


def test_activity_by_month_includes_empty_months(w):
    rows = metrics.activity_summary(w.partnership, JAN, MAR_END).by_month
    assert [(r.label, figures(r)) for r in rows] == [
        ("January 2026", (2, D("2.3"), 31, 2)),
        ("February 2026", (0, D("0.0"), 0, 0)),
        ("March 2026", (2, D("1.5"), 6, 3)),
    ]


def test_activity_for_one_team(w):
    summary = metrics.activity_summary(w.partnership, JAN, MAR_END, team=w.other_team)
    assert figures(summary.total) == (1, D("0.5"), 0, 3)
    assert [r.label for r in summary.by_school] == ["Cedar Special"]
    assert [r.sessions for r in summary.by_function] == [0, 0, 1]


def test_the_period_includes_both_ends(w):
    summary = metrics.activity_summary(w.partnership, MAR_END, MAR_END)
    assert figures(summary.total) == (1, D("0.5"), 0, 3)
    assert [r.label for r in summary.by_month] == ["March 2026"]


def test_default_period_is_six_calendar_months():
    assert metrics.default_period(datetime.date(2026, 3, 31)) == (
        datetime.date(2025, 10, 1),
        datetime.date(2026, 3, 31),
    )
    assert metrics.default_period(datetime.date(2026, 7, 1)) == (datetime.date(2026, 2, 1), datetime.date(2026, 7, 1))


def test_months_between_crosses_the_year():
    months = metrics.months_between(datetime.date(2025, 11, 30), datetime.date(2026, 2, 1))
    assert months == [
        datetime.date(2025, 11, 1),
        datetime.date(2025, 12, 1),
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
    ]


# --- readiness progress --------------------------------------------------------------------------


def readiness(w, school, met=0, in_progress=0):
    codes = list(ReadinessCode)
    for code in codes[:met]:
        ReadinessItem.objects.create(
            partnership=w.partnership,
            school=school,
            code=code,
            status=ReadinessStatus.MET,
            evidence="Seen in the school's plan.",
            confirmed_by=w.school_lead,
        )
    for code in codes[met : met + in_progress]:
        ReadinessItem.objects.create(
            partnership=w.partnership, school=school, code=code, status=ReadinessStatus.IN_PROGRESS
        )


def test_readiness_progress_by_hand():
    w = metrics_world()
    readiness(w, w.school, met=10)  # ready
    readiness(w, w.ash, met=3, in_progress=2)  # in progress items are not met
    readiness(w, w.cedar, in_progress=4)
    readiness(w, w.lapsed, met=10)  # not one of the partnership's schools
    readiness(w, w.elm, met=10)  # not covered (only proposed)
    progress = metrics.readiness_progress(w.partnership, today())
    # covered: Alder (10), Ash (3), Beech (no rows: 0), Cedar (0)
    assert (progress.schools, progress.ready, progress.ready_share) == (4, 1, D("25.0"))
    assert dict(progress.distribution) == {0: 2, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0, 10: 1}


def test_readiness_progress_drops_a_school_whose_membership_lapses():
    w = metrics_world()
    readiness(w, w.school, met=10)
    PartnershipOrganisation.objects.filter(partnership=w.partnership, organisation=w.school).update(status="lapsed")
    progress = metrics.readiness_progress(w.partnership, today())
    assert (progress.schools, progress.ready) == (3, 0)


def test_readiness_progress_with_nothing_covered():
    w = make_world()
    progress = metrics.readiness_progress(w.partnership, today())
    assert (progress.schools, progress.ready, progress.ready_share) == (0, 0, None)
