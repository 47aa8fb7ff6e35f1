"""Gaps in required cover (Monday to Friday, 9am to 5pm UK time, for each duty role): the
boundaries, shifts across midnight, and the weeks the clocks change."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from referrals.models import RotaShift
from referrals.services import rota
from referrals.services.rota import Gap, gaps, local, required_cover, uncovered

from .factories import make_world

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)  # an ordinary week (GMT)
CLIN, LEAD = "duty_clinician", "duty_lead"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local(day, time(hour, minute))


def shift(world, role, start, end, user=None):
    user = user or (world.clinician if role == CLIN else world.duty_lead)
    return RotaShift.objects.create(spa=world.spa, role=role, user=user, starts_at=start, ends_at=end)


def day_gaps(world, day, role=CLIN):
    return [g for g in gaps(world.spa, at(day, 0), at(day + timedelta(days=1), 0)) if g.role == role]


def test_an_empty_week_has_one_gap_per_weekday_and_role():
    world = make_world()
    found = gaps(world.spa, at(MONDAY, 0), at(MONDAY + timedelta(days=7), 0))
    assert len(found) == 10
    assert found[0] == Gap(CLIN, at(MONDAY, 9), at(MONDAY, 17))
    assert found[1] == Gap(LEAD, at(MONDAY, 9), at(MONDAY, 17))
    assert {g.start.date().weekday() for g in found} == {0, 1, 2, 3, 4}  # nothing at the weekend


def test_back_to_back_shifts_leave_no_gap():
    world = make_world()
    shift(world, CLIN, at(MONDAY, 9), at(MONDAY, 13))
    shift(world, CLIN, at(MONDAY, 13), at(MONDAY, 17), user=world.second_clinician)
    assert day_gaps(world, MONDAY) == []


def test_a_morning_without_a_clinician_is_named_in_words():
    world = make_world()
    shift(world, CLIN, at(MONDAY, 13), at(MONDAY, 17))
    (gap,) = day_gaps(world, MONDAY)
    assert (gap.start, gap.end) == (at(MONDAY, 9), at(MONDAY, 13))
    assert gap.text == "No duty clinician 9am-1pm"


def test_a_shift_one_minute_short_leaves_a_one_minute_gap():
    world = make_world()
    shift(world, CLIN, at(MONDAY, 9, 1), at(MONDAY, 17))
    (gap,) = day_gaps(world, MONDAY)
    assert gap.text == "No duty clinician 9am-9:01am"


def test_cover_by_one_role_does_not_cover_the_other():
    world = make_world()
    shift(world, CLIN, at(MONDAY, 9), at(MONDAY, 17))
    assert day_gaps(world, MONDAY, CLIN) == []
    assert len(day_gaps(world, MONDAY, LEAD)) == 1


def test_a_shift_spanning_midnight_covers_both_days():
    world = make_world()
    tuesday = MONDAY + timedelta(days=1)
    shift(world, CLIN, at(MONDAY, 12), at(tuesday, 12))
    assert [(g.start, g.end) for g in day_gaps(world, MONDAY)] == [(at(MONDAY, 9), at(MONDAY, 12))]
    assert [(g.start, g.end) for g in day_gaps(world, tuesday)] == [(at(tuesday, 12), at(tuesday, 17))]


def test_a_weekend_shift_into_monday_morning_counts():
    world = make_world()
    sunday = MONDAY - timedelta(days=1)
    shift(world, CLIN, at(sunday, 20), at(MONDAY, 10))
    assert [g.text for g in day_gaps(world, MONDAY)] == ["No duty clinician 10am-5pm"]


def test_cover_follows_uk_time_in_the_week_the_clocks_go_forward():
    world = make_world()
    monday = date(2026, 3, 30)  # the clocks went forward on Sunday 29 March 2026
    assert at(monday, 9).astimezone(UTC).hour == 8  # 9am BST is 8am UTC
    # a shift typed in UTC as if nothing had changed starts an hour late in UK time
    shift(world, CLIN, datetime(2026, 3, 30, 9, tzinfo=UTC), datetime(2026, 3, 30, 16, tzinfo=UTC))
    assert [g.text for g in day_gaps(world, monday)] == ["No duty clinician 9am-10am"]
    week = gaps(world.spa, at(monday - timedelta(days=7), 0), at(monday + timedelta(days=7), 0))
    assert all(g.end - g.start == timedelta(hours=8) for g in week if g.role == LEAD)
    assert len([g for g in week if g.role == LEAD]) == 10


def test_cover_follows_uk_time_in_the_week_the_clocks_go_back():
    world = make_world()
    monday = date(2026, 10, 26)  # the clocks went back on Sunday 25 October 2026
    assert at(monday, 9).astimezone(UTC).hour == 9
    friday_before = monday - timedelta(days=3)
    assert at(friday_before, 9).astimezone(UTC).hour == 8
    # a shift across the clock change night, Saturday 10pm to Monday 9am, leaves Monday fully uncovered
    shift(world, CLIN, at(monday - timedelta(days=2), 22), at(monday, 9))
    (gap,) = day_gaps(world, monday)
    assert gap.end - gap.start == timedelta(hours=8)
    assert day_bounds_hours(monday - timedelta(days=1)) == 25


def day_bounds_hours(day: date) -> float:
    start, end = rota.day_bounds(day)
    return (end - start).total_seconds() / 3600


def test_gaps_are_clipped_to_the_range_asked_for():
    world = make_world()
    found = gaps(world.spa, at(MONDAY, 12), at(MONDAY, 14))
    assert [(g.start, g.end) for g in found] == [(at(MONDAY, 12), at(MONDAY, 14))] * 2
    assert gaps(world.spa, at(MONDAY, 17), at(MONDAY, 23)) == []


def test_another_spas_shifts_do_not_cover():
    world, other = make_world(), make_world("Other")
    shift(other, CLIN, at(MONDAY, 9), at(MONDAY, 17))
    assert len(day_gaps(world, MONDAY)) == 1


def test_uncovered_merges_overlapping_and_touching_intervals():
    window = [(1, 10)]
    assert uncovered(window, []) == [(1, 10)]
    assert uncovered(window, [(0, 3), (2, 5), (5, 6), (8, 12)]) == [(6, 8)]
    assert uncovered(window, [(0, 11)]) == []
    assert uncovered([(1, 3), (5, 9)], [(2, 6)]) == [(1, 2), (6, 9)]


def test_required_cover_is_weekdays_nine_to_five():
    windows = required_cover(at(MONDAY, 0), at(MONDAY + timedelta(days=7), 0))
    assert len(windows) == 5
    assert all(
        (rota.timezone.localtime(s).time(), rota.timezone.localtime(e).time()) == (time(9), time(17))
        for s, e in windows
    )


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [(0, 0, "midnight"), (9, 0, "9am"), (12, 0, "midday"), (13, 30, "1:30pm"), (23, 5, "11:05pm")],
)
def test_clock_writes_times_the_nhs_way(hour, minute, text):
    assert rota.clock(at(MONDAY, hour, minute)) == text
