"""Coverage, capacity against allocation, unmet need and holiday cover, against hand calculations
on the world of test_metrics_world.py."""

import datetime
import itertools
from decimal import Decimal

import pytest

from mhst import metrics
from mhst.models import HolidayOffer, PractitionerRole
from mhst.services.allocation import candidate_inputs, current_method
from partnership.models import OrganisationKind
from referrals.models import Referral
from referrals.states import Status

from ..factories import PartnershipFactory
from ..referrals.factories import spa_in
from .factories import add_practitioner, approved, make_world, publish_method, today
from .test_metrics_world import adjust, metrics_world, school

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def w():
    return metrics_world()


def names(orgs):
    return sorted(o.name for o in orgs)


# --- the partnership's schools and coverage ------------------------------------------------------


def test_schools_are_active_education_members_only(w):
    assert names(metrics.schools(w.partnership)) == [
        "Alder Secondary",
        "Ash Primary",
        "Beech Primary",
        "Birch Secondary",
        "Cedar Special",
        "Elm Primary",
        "Fir Secondary",
    ]  # not Lapsed High, not the providers, the ICB or the local authority


def test_covered_means_a_share_above_zero_in_an_approved_allocation_in_effect(w):
    covered = metrics.covered_ids(w.partnership, today())
    # Alder, Ash, Beech (North v2), Cedar (South v1); Lapsed High's line is there but it is no school
    assert covered == {w.school.pk, w.ash.pk, w.beech.pk, w.cedar.pk, w.lapsed.pk}
    assert w.elm.pk not in covered  # only proposed
    assert w.fir.pk not in covered  # only in the superseded version
    assert w.other_school.pk not in covered  # a share of 0.00


def test_an_allocation_not_yet_in_effect_does_not_cover(w):
    yesterday = today() - datetime.timedelta(days=1)
    assert metrics.covered_ids(w.partnership, yesterday) == set()
    assert metrics.coverage(w.partnership, yesterday).total.covered == 0


def test_an_adjusted_share_counts_not_the_calculated_one(w):
    adjust(w.north_v2, w.ash, "0.00")
    adjust(w.south_v1, w.other_school, "0.25")
    covered = metrics.covered_ids(w.partnership, today())
    assert w.ash.pk not in covered
    assert w.other_school.pk in covered


def test_coverage_overall_by_hand(w):
    total = metrics.coverage(w.partnership, today()).total
    # 7 schools, 4 covered (Alder, Ash, Beech, Cedar): 4/7 = 57.14% -> 57.1
    assert (total.schools, total.covered, total.school_share) == (7, 4, D("57.1"))
    # known pupils 600 + 300 + 200 + 50 + 100 + 400 = 1650; covered 600 + 200 + 50 = 850; 850/1650 = 51.5%
    assert (total.pupils, total.pupils_covered, total.pupil_share) == (1650, 850, D("51.5"))
    # Beech's pupils are unknown, and it is covered
    assert (total.pupils_unknown, total.pupils_unknown_covered) == (1, 1)


def test_coverage_by_phase_by_hand(w):
    rows = {r.label: r for r in metrics.coverage(w.partnership, today()).phases}
    assert list(rows) == ["Primary", "Secondary", "Special school"]
    primary, secondary, special = rows["Primary"], rows["Secondary"], rows["Special school"]
    # Primary: Ash (200, covered), Beech (unknown, covered), Elm (100, proposed only)
    assert (primary.schools, primary.covered, primary.school_share) == (3, 2, D("66.7"))
    assert (primary.pupils, primary.pupils_covered, primary.pupil_share) == (300, 200, D("66.7"))
    assert (primary.pupils_unknown, primary.pupils_unknown_covered) == (1, 1)
    # Secondary: Alder (no phase, kind secondary; 600 covered), Birch (300, share 0), Fir (400, superseded only)
    assert (secondary.schools, secondary.covered, secondary.school_share) == (3, 1, D("33.3"))
    assert (secondary.pupils, secondary.pupils_covered, secondary.pupil_share) == (1300, 600, D("46.2"))
    # Special school: phase "Not applicable", so grouped by its kind
    assert (special.schools, special.covered, special.pupils, special.pupil_share) == (1, 1, 50, D("100.0"))


@pytest.mark.parametrize(
    ("phase", "kind", "expected"),
    [
        ("Nursery", OrganisationKind.PRIMARY, "Primary"),
        ("Middle deemed secondary", OrganisationKind.SECONDARY, "Secondary"),
        ("16 plus", OrganisationKind.FE_COLLEGE, "16 plus"),
        ("", OrganisationKind.FE_COLLEGE, "16 plus"),
        ("Not applicable", OrganisationKind.ALTERNATIVE_PROVISION, "Pupil referral unit or alternative provision"),
        ("All-through", OrganisationKind.INDEPENDENT, "All-through"),
    ],
)
def test_phase_of(phase, kind, expected):
    from partnership.models import Organisation

    assert metrics.phase_of(Organisation(kind=kind, phase=phase)) == expected


def test_coverage_with_no_schools():
    cov = metrics.coverage(PartnershipFactory(), today())
    assert (cov.total.schools, cov.total.school_share, cov.total.pupil_share, cov.phases) == (0, None, None, [])


def test_coverage_ignores_another_partnership(w):
    other = make_world()
    approved(other.team, {other.school: "1.00"}, by=other.area_lead)
    assert metrics.coverage(w.partnership, today()).total.covered == 4


# --- capacity against allocation -----------------------------------------------------------------


def test_capacity_against_allocation_by_hand(w):
    rows = {r.team.name: r for r in metrics.capacity_vs_allocation(w.partnership, today())}
    north, south = rows["North MHST"], rows["South MHST"]
    # North: EMHP 1.00 + senior 0.50 qualified (trainee 1.00 apart, the administrator not counted);
    # v2 allocates 0.80 + 0.40 + 0.30 + 0.20 = 1.70 WTE: over by 0.20 WTE = 2 sessions
    assert (north.qualified_wte, north.trainee_wte, north.allocated_wte) == (D("1.50"), D("1.00"), D("1.70"))
    assert (north.capacity_sessions, north.allocated_sessions, north.difference_wte) == (D("15"), D("17"), D("0.20"))
    assert north.allocation == w.north_v2 and north.schools == 4
    assert north.status == "Over-allocated by 0.20 WTE (2.00 sessions a week)"
    # South: no practitioners, v1 allocates 0.50 + 0.00 (the proposal v2 does not count)
    assert (south.qualified_wte, south.allocated_wte, south.schools) == (D("0"), D("0.50"), 1)
    assert south.status.startswith("Over-allocated by 0.50 WTE")


def test_under_allocated_and_no_allocation(w):
    add_practitioner(w.other_team, PractitionerRole.EMHP, "1.00")
    add_practitioner(w.other_team, PractitionerRole.SUPERVISOR, "0.80", ended_on=today() - datetime.timedelta(days=1))
    rows = {r.team.name: r for r in metrics.capacity_vs_allocation(w.partnership, today())}
    south = rows["South MHST"]
    assert (south.qualified_wte, south.difference_wte) == (D("1.00"), D("-0.50"))
    assert south.status == "Under-allocated by 0.50 WTE (5.00 sessions a week)"
    yesterday = today() - datetime.timedelta(days=1)
    rows = {r.team.name: r for r in metrics.capacity_vs_allocation(w.partnership, yesterday)}
    assert rows["North MHST"].allocation is None
    assert rows["North MHST"].status == "No approved allocation"


def test_allocated_to_capacity(w):
    adjust(w.north_v2, w.school, "0.60")
    north = next(r for r in metrics.capacity_vs_allocation(w.partnership, today()) if r.team == w.team)
    assert (north.allocated_wte, north.status) == (D("1.50"), "Allocated to capacity")


# --- unmet need ----------------------------------------------------------------------------------


def fsm_only(w):
    return publish_method(
        w.partnership,
        w.area_lead,
        pupils_weight=D("0"),
        fsm_weight=D("1"),
        deprivation_weight=D("0"),
        referral_rate_weight=D("0"),
        readiness_weight=D("0"),
    )


def test_unmet_need_by_hand(w):
    fsm_only(w)
    need = metrics.unmet_need(w.partnership, today())
    assert need.method.number == 2  # the latest published
    # free school meals only: the score is the percentage. Scored: Ash 50, Elm 45, Cedar 40, Alder 30,
    # Birch 10, Fir 5 (Beech has no figure). A quarter of 6, rounded up, is 2: the threshold is Elm's 45.
    assert (need.scored, need.unscored, need.threshold, need.top) == (6, 1, D("45.00"), 2)
    # Ash is covered; Elm (only proposed) is not
    assert [(r.school.name, r.score, r.rank) for r in need.rows] == [("Elm Primary", D("45.00"), 2)]


def test_unmet_need_includes_ties_at_the_threshold(w):
    fsm_only(w)
    type(w.fir).objects.filter(pk=w.fir.pk).update(fsm_percent=D("45"))
    need = metrics.unmet_need(w.partnership, today())
    assert need.top == 3
    assert [(r.school.name, r.score, r.tied) for r in need.rows] == [
        ("Elm Primary", D("45.00"), True),
        ("Fir Secondary", D("45.00"), True),
    ]


def test_unmet_need_without_a_method():
    need = metrics.unmet_need(PartnershipFactory(), today())
    assert need.method is None and need.rows == []


def test_unmet_need_when_nothing_can_be_scored(w):
    fsm_only(w)
    type(w.fir).objects.filter(pk__in=[s.pk for s in metrics.schools(w.partnership)]).update(fsm_percent=None)
    need = metrics.unmet_need(w.partnership, today())
    assert (need.scored, need.unscored, need.threshold, need.rows) == (0, 7, None, [])


COUNTER = itertools.count(1)


def referral(w, school_org, *, days_ago, status=Status.SUBMITTED):
    n = next(COUNTER)
    submitted = None if status == Status.DRAFT else _now() - datetime.timedelta(days=days_ago)
    return Referral.objects.create(
        partnership=w.partnership,
        spa=spa_in(w.partnership),
        school=school_org,
        created_by=w.school_lead,
        idempotency_key=f"key-{n}",
        status=status,
        year=None if status == Status.DRAFT else 2026,
        number=None if status == Status.DRAFT else n,
        submitted_at=submitted,
    )


def _now():
    from django.utils import timezone

    return timezone.now()


def test_referral_rate_counts_submitted_referrals_of_the_last_365_days(w):
    for _ in range(3):
        referral(w, w.school, days_ago=10)
    referral(w, w.school, days_ago=0, status=Status.DRAFT)  # a draft never counts
    referral(w, w.school, days_ago=400)  # too old
    referral(w, w.other_school, days_ago=300, status=Status.CLOSED)  # closed since, still counts
    inputs = {i.name: i for i in candidate_inputs(w.partnership, metrics.schools(w.partnership), today())}
    assert inputs["Alder Secondary"].referral_rate == D("5.00")  # 3 per 600 pupils = 5 per 1,000
    assert inputs["Birch Secondary"].referral_rate == D("3.33")  # 1 per 300 = 3.33 per 1,000
    assert inputs["Ash Primary"].referral_rate == D("0.00")
    assert inputs["Beech Primary"].referral_rate is None  # pupils unknown
    method = publish_method(
        w.partnership,
        w.area_lead,
        pupils_weight=D("0"),
        fsm_weight=D("0"),
        deprivation_weight=D("0"),
        referral_rate_weight=D("1"),
    )
    assert current_method(w.partnership) == method
    need = metrics.unmet_need(w.partnership, today())
    # rates 5.00 (Alder, the highest: 100), 3.33 (Birch: 3.33/5 = 66.60), the rest 0; 6 scored,
    # threshold the 2nd highest (66.60): Alder is covered, Birch is not
    assert [(r.school.name, r.score) for r in need.rows] == [("Birch Secondary", D("66.60"))]


# --- holiday cover -------------------------------------------------------------------------------


def offer(team, name, starts_in, ends_in, schools):
    holiday = HolidayOffer.objects.create(
        team=team,
        name=name,
        starts_on=today() + datetime.timedelta(days=starts_in),
        ends_on=today() + datetime.timedelta(days=ends_in),
        offer="Drop-in sessions.",
    )
    holiday.schools.set(schools)
    return holiday


def test_holiday_gaps_by_hand(w):
    offer(w.team, "Half term (past)", -20, -1, [w.ash, w.beech, w.school])  # ended: ignored
    spring = offer(w.team, "Spring holiday", 10, 20, [w.school])  # North's next holiday period
    offer(w.team, "Summer holiday", 60, 100, [w.ash, w.beech])  # later: not the next one
    gaps = metrics.holiday_gaps(w.partnership, today())
    # North covers Alder, Ash, Beech: only Alder is in Spring; South (Cedar) has no offer at all.
    # Lapsed High is in North's allocation but is no school of the partnership.
    assert [(g.school.name, [(t.name, o) for t, o in g.teams]) for g in gaps] == [
        ("Ash Primary", [("North MHST", spring)]),
        ("Beech Primary", [("North MHST", spring)]),
        ("Cedar Special", [("South MHST", None)]),
    ]


def test_a_current_holiday_period_is_the_next_one(w):
    offer(w.team, "This week", -2, 3, [w.school, w.ash, w.beech])
    offer(w.team, "Later", 10, 20, [])
    offer(w.other_team, "South summer", 30, 60, [w.cedar])
    assert metrics.holiday_gaps(w.partnership, today()) == []


def test_a_school_of_two_teams_has_cover_if_either_includes_it(w):
    w.south_v1.lines.create(school=w.ash, calculated_wte=D("0.10"))
    offer(w.other_team, "South spring", 5, 10, [w.ash, w.cedar])
    offer(w.team, "North spring", 5, 10, [w.school])
    gaps = metrics.holiday_gaps(w.partnership, today())
    assert [g.school.name for g in gaps] == ["Beech Primary"]


def test_no_gaps_without_coverage():
    assert metrics.holiday_gaps(PartnershipFactory(), today()) == []


def test_new_school_helper_respects_status(w):
    left = school(w.partnership, "Gone Primary", phase="Primary", pupils=10, status="left")
    assert left not in metrics.schools(w.partnership)
