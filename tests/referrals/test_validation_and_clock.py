"""The checks on a child's details, and the waiting-time clock across month ends, year ends and
clock changes."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from referrals import validation
from referrals.waiting import Clock, clock_for, days_left, days_waited

LONDON = zoneinfo.ZoneInfo("Europe/London")


def with_check_digit(nine: str) -> str | None:
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return None if check == 10 else nine + str(check)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_number_with_its_check_digit_is_accepted_and_any_other_last_digit_refused(nine):
    valid = with_check_digit(nine)
    if valid is None:  # no valid check digit exists: every completion is refused
        for last in "0123456789":
            with pytest.raises(ValidationError):
                validation.nhs_number(nine + last)
        return
    assert validation.nhs_number(f"{valid[:3]} {valid[3:6]} {valid[6:]}") == valid
    for last in "0123456789":
        if last != valid[-1]:
            with pytest.raises(ValidationError):
                validation.nhs_number(nine + last)


@pytest.mark.parametrize("value", ["943476591", "94347659190", "943-476-5919", "abcdefghij", "943 476 5918"])
def test_malformed_nhs_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validation.nhs_number(value)


def test_an_nhs_number_is_optional():
    assert validation.nhs_number("") == "" and validation.nhs_number("   ") == ""


TODAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("born", "ok"),
    [
        (datetime.date(2022, 11, 22), True),  # 4 today
        (datetime.date(2022, 11, 23), False),  # 4 tomorrow: 3 today
        (datetime.date(2001, 11, 22), True),  # 25 today
        (datetime.date(2000, 11, 23), True),  # 25 until tomorrow
        (datetime.date(2000, 11, 22), False),  # 26 today
        (datetime.date(2026, 11, 23), False),  # in the future
        (datetime.date(2012, 2, 29), True),  # a leap-day birthday
    ],
)
def test_date_of_birth_gives_an_age_from_4_to_25(born, ok):
    if ok:
        assert validation.date_of_birth(born, today=TODAY) == born
    else:
        with pytest.raises(ValidationError):
            validation.date_of_birth(born, today=TODAY)


@pytest.mark.parametrize(
    ("value", "cleaned"), [("ns1 2ab", "NS1 2AB"), ("SW1A1AA", "SW1A 1AA"), (" m1  1ae ", "M1 1AE")]
)
def test_postcodes_are_normalised(value, cleaned):
    assert validation.postcode(value) == cleaned


@pytest.mark.parametrize("value", ["", "NS1", "12345", "NS1 2A", "NS1 2ABC", "N$1 2AB"])
def test_bad_postcodes_are_refused(value):
    with pytest.raises(ValidationError):
        validation.postcode(value)


def at(y, m, d, h=10, minute=0):
    return datetime.datetime(y, m, d, h, minute, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("submitted", "until", "days"),
    [
        (at(2026, 3, 1), datetime.date(2026, 3, 29), 28),
        (at(2026, 1, 31), datetime.date(2026, 2, 28), 28),  # month end
        (at(2025, 12, 20), datetime.date(2026, 1, 17), 28),  # year end
        (at(2026, 3, 28, 23, 30), datetime.date(2026, 3, 29), 1),  # the clocks go forward that night
        (at(2026, 10, 24, 23, 30), datetime.date(2026, 10, 25), 1),  # and back
        (at(2026, 3, 29, 0, 30), at(2026, 3, 29, 23, 59), 0),  # the same day, across the change
        (at(2024, 2, 28), datetime.date(2024, 3, 1), 2),  # a leap year
    ],
)
def test_days_waited_are_calendar_days_in_england(submitted, until, days):
    assert days_waited(submitted, until) == days


def test_a_late_evening_submission_counts_from_its_local_day_not_utc():
    # 00:30 BST on 1 June is still 31 May in UTC: the clock starts on 1 June
    submitted = at(2026, 6, 1, 0, 30).astimezone(datetime.UTC)
    assert days_waited(submitted, datetime.date(2026, 6, 29)) == 28


@pytest.mark.parametrize(
    ("days", "clock"),
    [(0, Clock.GREEN), (14, Clock.GREEN), (15, Clock.AMBER), (21, Clock.AMBER), (22, Clock.RED), (28, Clock.RED),
     (29, Clock.BREACHED), (400, Clock.BREACHED)],
)  # fmt: skip
def test_the_clock_rag_at_its_boundaries(days, clock):
    assert clock_for(days) == clock


def test_days_left_goes_negative_once_breached():
    assert (days_left(0), days_left(28), days_left(30)) == (28, 0, -2)
