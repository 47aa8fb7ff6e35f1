"""Referral rollups (referrals/rollups.py): rebuilt from source they agree with straightforward
aggregates over the referrals; the SQL phase mapping agrees with phase_of; refreshing is idempotent;
changes mark a partnership stale and the sweep refreshes it; the rebuild command."""

import datetime
import itertools
import random
import uuid
import zoneinfo
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from partnership.models import Organisation, OrganisationKind
from partnership.phases import phase_of
from referrals import rollups
from referrals.models import NotAcceptedReason, Referral
from referrals.models.rollup import WAIT_CAP, ReferralMonth, ReferralOpen, RollupState
from referrals.states import OPEN, Status
from referrals.tasks import refresh_referral_rollups
from referrals.waiting import clock_for, days_waited

from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, UserFactory
from ..mhst import test_coverage
from .factories import act, details_for, draft, make_world, spa_in

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = datetime.UTC
TODAY = datetime.date(2025, 3, 10)
THRIVES = ["thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support"]
#: (phase on the register, kind) of the schools the varied world refers from
SCHOOLS = [
    ("Primary", OrganisationKind.PRIMARY),
    ("Nursery", OrganisationKind.PRIMARY),
    ("Middle deemed secondary", OrganisationKind.SECONDARY),
    ("", OrganisationKind.SECONDARY),
    ("Not applicable", OrganisationKind.SPECIAL),
    ("16 plus", OrganisationKind.FE_COLLEGE),
    ("", OrganisationKind.ALTERNATIVE_PROVISION),
    ("All-through", OrganisationKind.INDEPENDENT),
]
#: submission moments that test the local day and month: around midnight in BST and GMT, clock changes
MOMENTS = [
    datetime.datetime(2024, 6, 30, 23, 30, tzinfo=UTC),  # 00:30 on 1 July in London
    datetime.datetime(2024, 7, 31, 22, 59, tzinfo=UTC),  # 23:59 on 31 July in London
    datetime.datetime(2024, 12, 31, 23, 59, tzinfo=UTC),  # still 31 December in London (GMT)
    datetime.datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
    datetime.datetime(2024, 3, 31, 0, 30, tzinfo=UTC),  # the night the clocks go forward
    datetime.datetime(2024, 10, 26, 23, 30, tzinfo=UTC),  # 00:30 BST on the day they go back
    datetime.datetime(2025, 2, 28, 23, 59, tzinfo=UTC),
    datetime.datetime(2025, 3, 9, 12, 0, tzinfo=UTC),
]
WAITS = [0, 1, 13, 14, 28, 29, 100, WAIT_CAP - 1, WAIT_CAP, WAIT_CAP + 1, 400, 1000]


def add_referral(partnership, spa, school, by, *, status, submitted_at, urgency="routine", **fields) -> Referral:
    """A referral row as it stands after its history (no services: the rollups only read it)."""
    number = next(_numbers)
    return Referral(
        partnership=partnership,
        spa=spa,
        school=school,
        created_by=by,
        idempotency_key=str(uuid.uuid4()),
        year=None if status == Status.DRAFT else 2024,
        number=None if status == Status.DRAFT else number,
        status=status,
        urgency=urgency,
        submitted_at=None if status == Status.DRAFT else submitted_at,
        **fields,
    )


_numbers = itertools.count(1)


def varied_world(seed=7, count=240):
    """A partnership with schools of every phase rule and referrals of every status, THRIVE grouping,
    reason, urgency and wait (to beyond a year), submitted around midnight and the clock changes;
    plus drafts, and another partnership's referrals."""
    rng = random.Random(seed)
    partnership = PartnershipFactory()
    spa = spa_in(partnership)
    reasons = list(NotAcceptedReason.objects.filter(spa=spa))
    by = UserFactory()
    schools = []
    for phase, kind in SCHOOLS:
        school = OrganisationFactory(phase=phase, kind=kind)
        PartnershipOrganisationFactory(partnership=partnership, organisation=school)
        schools.append(school)
    statuses = [s for s in Status if s != Status.DRAFT]
    rows = []
    for i in range(count):
        status = statuses[i % len(statuses)] if i < 200 else Status.DRAFT if i % 5 == 0 else rng.choice(statuses)
        if i < len(MOMENTS) * 3:
            submitted = MOMENTS[i % len(MOMENTS)]
        else:
            submitted = datetime.datetime(2024, 1, 1, tzinfo=UTC) + datetime.timedelta(
                minutes=rng.randrange(0, 60 * 24 * 430)
            )
        fields = {}
        if status in (Status.ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED):
            fields["thrive"] = rng.choice(THRIVES)
        if status == Status.NOT_ACCEPTED:
            fields["not_accepted_reason"] = rng.choice([*reasons, None])
        if status in (Status.FIRST_CONTACT, Status.CLOSED):
            fields["first_contact_on"] = submitted.astimezone(LONDON).date() + datetime.timedelta(
                days=rng.choice(WAITS)
            )
        rows.append(
            add_referral(
                partnership,
                spa,
                schools[i % len(schools)] if i % 11 else rng.choice(schools),
                by,
                status=status,
                submitted_at=submitted,
                urgency="urgent" if i % 7 == 0 else "routine",
                **fields,
            )
        )
    Referral.objects.bulk_create(rows)
    other = PartnershipFactory()
    other_spa = spa_in(other)
    other_school = OrganisationFactory(phase="Primary")
    Referral.objects.bulk_create(
        [
            add_referral(other, other_spa, other_school, by, status=Status.SUBMITTED, submitted_at=MOMENTS[0])
            for _ in range(3)
        ]
    )
    return partnership, other


# --- what the rollups should hold, straight from the referrals in Python --------------------------


def expected_months(partnership_ids):
    found = defaultdict(
        lambda: {
            "referrals": 0,
            "urgent": 0,
            "waiting": 0,
            "accepted": 0,
            "signposted": 0,
            "not_accepted": 0,
            "thrive": Counter(),
            "reasons": Counter(),
            "waits": Counter(),
        }
    )
    referrals = Referral.objects.filter(partnership_id__in=partnership_ids).exclude(status=Status.DRAFT)
    for r in referrals.select_related("school", "not_accepted_reason"):
        day = timezone.localdate(r.submitted_at)
        phase = phase_of(r.school)
        for school in (None, r.school_id):
            row = found[(r.partnership_id, school, phase, day.replace(day=1))]
            row["referrals"] += 1
            row["urgent"] += r.urgency == "urgent"
            row["waiting"] += r.status in OPEN
            row["accepted"] += r.status in (Status.ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED)
            row["signposted"] += r.status == Status.SIGNPOSTED
            row["not_accepted"] += r.status == Status.NOT_ACCEPTED
            if r.status in (Status.ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED) and r.thrive:
                row["thrive"][r.thrive] += 1
            if r.status == Status.NOT_ACCEPTED:
                row["reasons"][r.not_accepted_reason.code if r.not_accepted_reason else ""] += 1
            if r.first_contact_on:
                row["waits"][min(max((r.first_contact_on - day).days, 0), WAIT_CAP)] += 1
    out = {}
    for key, row in found.items():
        waits = row.pop("waits")
        out[key] = {
            **row,
            "thrive": dict(row["thrive"]),
            "reasons": dict(row["reasons"]),
            "waits": [waits[d] for d in range(max(waits) + 1)] if waits else [],
        }
    return out


def stored_months(partnership_ids):
    return {
        (m.partnership_id, m.school_id, m.phase, m.month): {
            "referrals": m.referrals,
            "urgent": m.urgent,
            "waiting": m.waiting,
            "accepted": m.accepted,
            "signposted": m.signposted,
            "not_accepted": m.not_accepted,
            "thrive": m.thrive,
            "reasons": m.reasons,
            "waits": m.waits,
        }
        for m in ReferralMonth.objects.filter(partnership_id__in=partnership_ids)
    }


def expected_open(partnership_ids, today):
    found = Counter()
    urgent = Counter()
    referrals = Referral.objects.filter(partnership_id__in=partnership_ids, status__in=list(OPEN))
    for r in referrals.select_related("school"):
        rag = clock_for(days_waited(r.submitted_at, today)).value
        for school in (None, r.school_id):
            key = (r.partnership_id, school, phase_of(r.school), rag)
            found[key] += 1
            urgent[key] += r.urgency == "urgent"
    return {key: (n, urgent[key]) for key, n in found.items()}


def stored_open(partnership_ids):
    return {
        (o.partnership_id, o.school_id, o.phase, o.rag): (o.referrals, o.urgent)
        for o in ReferralOpen.objects.filter(partnership_id__in=partnership_ids)
    }


# --- the tests -----------------------------------------------------------------------------------


def test_rollups_agree_with_the_referrals():
    partnership, other = varied_world()
    done = rollups.refresh([partnership.pk], today=TODAY)
    expected = expected_months([partnership.pk])
    assert stored_months([partnership.pk]) == expected
    assert stored_open([partnership.pk]) == expected_open([partnership.pk], TODAY)
    assert done.partnerships == 1 and done.months == len(expected)
    # the world is as varied as it says
    assert {phase for (_, _, phase, _) in expected} == {
        "Primary",
        "Secondary",
        "Special school",
        "16 plus",
        "Pupil referral unit or alternative provision",
        "All-through",
    }
    assert {rag for (_, _, _, rag) in stored_open([partnership.pk])} == {"green", "amber", "red", "breached"}
    capped = ReferralMonth.objects.filter(partnership=partnership, school__isnull=True)
    assert any(len(m.waits) == WAIT_CAP + 1 and m.waits[WAIT_CAP] for m in capped)
    assert any("" in m.reasons for m in capped) and any(len(m.reasons) > 1 for m in capped)
    # the other partnership was not refreshed
    assert not ReferralMonth.objects.filter(partnership=other).exists()
    state = RollupState.objects.get(partnership=partnership)
    assert state.refreshed_at is not None and state.stale_since is None


def test_months_and_days_are_local_time():
    partnership, _ = varied_world()
    rollups.refresh([partnership.pk], today=TODAY)
    months = set(ReferralMonth.objects.filter(partnership=partnership).values_list("month", flat=True))
    # 23:30 UTC on 30 June 2024 is July in London; 23:59 UTC on 31 December is still December
    assert datetime.date(2024, 7, 1) in months and datetime.date(2024, 12, 1) in months
    assert datetime.date(2024, 6, 1) in months  # others in June
    assert timezone.localdate(MOMENTS[0]).month == 7


def test_refreshing_everything_covers_every_partnership_and_is_idempotent():
    partnership, other = varied_world()
    rollups.refresh(today=TODAY)
    first = stored_months([partnership.pk, other.pk]), stored_open([partnership.pk, other.pk])
    assert first[0] == expected_months([partnership.pk, other.pk])
    rollups.refresh(today=TODAY)
    refresh_referral_rollups(everything=True)  # the task, on today's date: months are the same
    assert stored_months([partnership.pk, other.pk]) == first[0]
    rollups.refresh(today=TODAY)
    assert stored_open([partnership.pk, other.pk]) == first[1]
    assert ReferralMonth.objects.filter(partnership=other, school__isnull=True).get().referrals == 3


def test_a_refresh_removes_rows_that_no_longer_hold():
    partnership, _ = varied_world()
    rollups.refresh([partnership.pk], today=TODAY)
    Referral.objects.filter(partnership=partnership).delete()
    rollups.refresh([partnership.pk], today=TODAY)
    assert not ReferralMonth.objects.filter(partnership=partnership).exists()
    assert not ReferralOpen.objects.filter(partnership=partnership).exists()


def test_an_unknown_partnership_refreshes_nothing():
    assert rollups.refresh([2**31 - 1]).partnerships == 0
    assert refresh_referral_rollups(partnership_id=2**31 - 1) == 0
    assert not RollupState.objects.exists()


PHASE_CASES = [
    *test_coverage.test_phase_of.pytestmark[0].args[1],  # every case of tests/mhst/test_coverage.py
    *[("", kind) for kind in OrganisationKind.values],
    *[("Not applicable", kind) for kind in OrganisationKind.values],
    *[(alias.upper(), OrganisationKind.OTHER) for alias in ("Nursery", "Middle deemed primary", "all through")],
    ("  Secondary  ", OrganisationKind.PRIMARY),
    (" not applicable ", OrganisationKind.PRIMARY),
    ("Something new", OrganisationKind.SPECIAL),
    ("\tPrimary\n", OrganisationKind.SPECIAL),
    ("", "a_kind_that_does_not_exist"),
]


@pytest.mark.parametrize("case", PHASE_CASES, ids=lambda case: f"{case[0]!r}-{case[1]}")
def test_the_sql_phase_agrees_with_phase_of(case):
    phase, kind = case[0], case[1]
    sql, params = rollups.phase_case("o.phase", "o.kind")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM (VALUES (%s, %s)) AS o(phase, kind)", [*params, phase, kind])  # noqa: S608
        (found,) = cursor.fetchone()
    assert found == phase_of(Organisation(phase=phase, kind=kind))
    if len(case) == 3:
        assert found == case[2]


def test_the_phase_cases_include_every_case_of_test_phase_of():
    cases = test_coverage.test_phase_of.pytestmark[0].args[1]
    assert len(cases) >= 6 and all(case in PHASE_CASES for case in cases)


# --- staleness ------------------------------------------------------------------------------------


@pytest.fixture
def queued(published):
    """The rollup refreshes queued so far (their kwargs), out of everything handed to the broker."""
    return lambda: [kwargs for task, _, kwargs in published if task == refresh_referral_rollups.name]


def test_a_transition_marks_the_partnership_stale_and_queues_a_refresh(queued, django_capture_on_commit_callbacks):
    world = make_world()
    referral = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "submit")
    state = RollupState.objects.get(partnership=world.partnership)
    assert state.stale_since is not None and state.refreshed_at is None
    assert queued() == [{"partnership_id": world.partnership.pk}]
    first = state.stale_since
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "claim")
    assert RollupState.objects.get(partnership=world.partnership).stale_since == first  # kept: stale since then
    assert len(queued()) == 2
    # the queued task refreshes it
    assert refresh_referral_rollups(**queued()[0]) == 1
    state.refresh_from_db()
    assert state.stale_since is None and state.refreshed_at is not None
    assert ReferralOpen.objects.get(partnership=world.partnership, school__isnull=True).referrals == 1


def test_a_queued_refresh_already_covered_does_nothing(queued, django_capture_on_commit_callbacks):
    """Each change queues a refresh; once one has run, the others queued before it are no-ops (a
    burst of changes is one rebuild), and the next change is refreshed again."""
    world = make_world()
    referral = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "claim")
    assert len(queued()) == 2
    assert refresh_referral_rollups(**queued()[0]) == 1
    refreshed = RollupState.objects.get(partnership=world.partnership).refreshed_at
    assert refresh_referral_rollups(**queued()[1]) == 0
    assert RollupState.objects.get(partnership=world.partnership).refreshed_at == refreshed
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "release")
    assert refresh_referral_rollups(**queued()[2]) == 1
    assert RollupState.objects.get(partnership=world.partnership).refreshed_at > refreshed


def test_every_transition_marks_stale(queued, django_capture_on_commit_callbacks):
    world = make_world()
    referral = draft(world)
    for name in ["submit", "claim", "request_information", "answer", "accept", "first_contact", "close"]:
        RollupState.objects.filter(partnership=world.partnership).update(stale_since=None)
        with django_capture_on_commit_callbacks(execute=True):
            act(world, referral, name, **details_for(world, name))
        assert RollupState.objects.get(partnership=world.partnership).stale_since is not None, name
    assert len(queued()) == 7


def test_a_draft_does_not_mark_stale(queued, django_capture_on_commit_callbacks):
    world = make_world()
    with django_capture_on_commit_callbacks(execute=True):
        draft(world)
    assert not RollupState.objects.exists() and queued() == []


def test_the_sweep_refreshes_every_stale_partnership_and_only_those(queued):
    partnership, other = varied_world()
    rollups.refresh(today=TODAY)
    RollupState.objects.filter(partnership=partnership).update(stale_since=timezone.now())
    before = RollupState.objects.get(partnership=other).refreshed_at
    assert refresh_referral_rollups() == 1
    assert not RollupState.objects.filter(stale_since__isnull=False).exists()
    assert RollupState.objects.get(partnership=other).refreshed_at == before
    assert refresh_referral_rollups() == 0  # nothing stale: nothing to do


def test_a_change_during_a_refresh_leaves_the_partnership_stale(queued):
    """The state row changed after the refresh read its version (a transition committed while the
    referrals were read): stale_since is kept for the next sweep."""
    partnership, _ = varied_world()
    rollups.refresh([partnership.pk], today=TODAY)
    real = rollups._source_sql

    def during(ids, today):
        sql, params = real(ids, today)
        rollups.mark_stale(partnership.pk)  # as if committed while the refresh ran
        return sql, params

    rollups._source_sql = during
    try:
        rollups.refresh([partnership.pk], today=TODAY)
    finally:
        rollups._source_sql = real
    assert RollupState.objects.get(partnership=partnership).stale_since is not None


def test_the_broker_being_down_does_not_break_a_transition(broker_down, caplog, django_capture_on_commit_callbacks):
    world = make_world()
    referral = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "submit")
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert RollupState.objects.get(partnership=world.partnership).stale_since is not None  # the sweep's cue
    # the first failure opened the breaker, so the refresh was not even tried: nothing waited on Redis
    assert caplog.text.count("The broker is unavailable") == 1 and "Zebedee" not in caplog.text


# --- the command ----------------------------------------------------------------------------------


def test_the_rebuild_command_rebuilds_everything_or_one(capsys):
    partnership, other = varied_world()
    call_command("rebuild_rollups")
    out = capsys.readouterr().out
    assert "2 partnership(s)" in out and "seconds" in out
    assert stored_months([partnership.pk]) == expected_months([partnership.pk])
    ReferralMonth.objects.all().delete()
    call_command("rebuild_rollups", "--partnership", other.slug)
    assert "1 partnership(s)" in capsys.readouterr().out
    assert ReferralMonth.objects.filter(partnership=other).exists()
    assert not ReferralMonth.objects.filter(partnership=partnership).exists()


def test_the_rebuild_command_refuses_an_unknown_slug():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No partnership"):
        call_command("rebuild_rollups", "--partnership", "nowhere")
