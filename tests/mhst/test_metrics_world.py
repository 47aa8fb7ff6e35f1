"""A small world for the coverage and activity figures, with every figure worked out by hand in
the tests (no tests here: the builder is shared by test_coverage*.py and test_metrics*.py).

Schools (active members unless said otherwise; phase from the register, else from the kind):

    name             kind       phase             pupils  fsm   allocation
    Alder Secondary  secondary  (none)            600     30    North v2 approved 0.80  covered
    Birch Secondary  secondary  (none)            300     10    South v1 approved 0.00  not covered
    Ash Primary      primary    Primary           200     50    North v2 approved 0.40  covered
    Beech Primary    primary    Primary           unknown  -    North v2 approved 0.30  covered
    Cedar Special    special    Not applicable    50      40    South v1 approved 0.50  covered
    Elm Primary      primary    Primary           100     45    South v2 proposed 0.50  not covered
    Fir Secondary    secondary  Secondary         400     5     North v1 superseded     not covered
    Lapsed High      secondary  (lapsed member)   1000    90    North v2 approved 0.20  not a school

The organisations make_world's area lead and steering member act for are made non-schools (a
local authority), so only the schools above count. North MHST: qualified 1.00 + 0.50 = 1.50 WTE
(a trainee 1.00 apart); South MHST: no practitioners until the tests add some.
"""

import datetime
from decimal import Decimal

from mhst.models import AllocationLine, AllocationStatus
from partnership.models import Membership, Organisation, OrganisationKind, PartnershipOrganisation

from ..factories import OrganisationFactory, PartnershipOrganisationFactory
from .factories import add_practitioner, approved, log_activity, make_world


def school(partnership, name, kind=OrganisationKind.PRIMARY, phase="", pupils=None, fsm=None, status=None):
    org = OrganisationFactory(name=name, kind=kind, phase=phase, pupil_count=pupils, fsm_percent=fsm)
    PartnershipOrganisationFactory(
        partnership=partnership, organisation=org, status=status or PartnershipOrganisation.Status.ACTIVE
    )
    return org


def metrics_world():
    w = make_world()
    p = w.partnership
    Organisation.objects.filter(
        pk__in=Membership.objects.filter(user__in=[w.area_lead, w.steering]).values("organisation_id")
    ).update(kind=OrganisationKind.LOCAL_AUTHORITY)
    Organisation.objects.filter(pk=w.school.pk).update(name="Alder Secondary")
    Organisation.objects.filter(pk=w.other_school.pk).update(name="Birch Secondary")
    w.school.refresh_from_db()
    w.other_school.refresh_from_db()
    w.ash = school(p, "Ash Primary", phase="Primary", pupils=200, fsm=Decimal("50"))
    w.beech = school(p, "Beech Primary", phase="Primary", pupils=None)
    w.cedar = school(p, "Cedar Special", OrganisationKind.SPECIAL, "Not applicable", 50, Decimal("40"))
    w.elm = school(p, "Elm Primary", phase="Primary", pupils=100, fsm=Decimal("45"))
    w.fir = school(p, "Fir Secondary", OrganisationKind.SECONDARY, "Secondary", 400, Decimal("5"))
    lapsed = PartnershipOrganisation.Status.LAPSED
    w.lapsed = school(p, "Lapsed High", OrganisationKind.SECONDARY, "Secondary", 1000, Decimal("90"), lapsed)
    w.north_v1 = approved(w.team, {w.fir: "0.50"}, by=w.area_lead, status=AllocationStatus.SUPERSEDED)
    w.north_v2 = approved(w.team, {w.school: "0.80", w.ash: "0.40", w.beech: "0.30", w.lapsed: "0.20"}, by=w.area_lead)
    w.south_v1 = approved(w.other_team, {w.cedar: "0.50", w.other_school: "0.00"}, by=w.area_lead)
    w.south_v2 = approved(w.other_team, {w.elm: "0.50"}, by=w.area_lead, status=AllocationStatus.PROPOSED)
    return w


def adjust(allocation, school, wte):
    AllocationLine.objects.filter(allocation=allocation, school=school).update(
        adjusted_wte=Decimal(wte), adjustment_reason="Changed by hand."
    )


def log_quarter(w):
    """Four activity records in January to March 2026 (one of them South's), and two outside it, either side."""
    south = add_practitioner(w.other_team, name="South EMHP")
    by = w.manager
    log_activity(w.team, w.school, w.practitioner, by, date=datetime.date(2026, 1, 15), function=1, duration_minutes=50)
    log_activity(
        w.team,
        w.school,
        w.practitioner,
        by,
        date=datetime.date(2026, 1, 20),
        function=2,
        type="staff_training",
        duration_minutes=90,
        children_reached=30,
        adults_reached=2,
    )
    log_activity(
        w.team,
        w.ash,
        w.practitioner,
        by,
        date=datetime.date(2026, 3, 2),
        function=1,
        duration_minutes=60,
        children_reached=6,
    )
    log_activity(
        w.other_team,
        w.cedar,
        south,
        by,
        date=datetime.date(2026, 3, 31),
        function=3,
        type="consultation",
        duration_minutes=30,
        children_reached=0,
        adults_reached=3,
    )
    log_activity(w.team, w.school, w.practitioner, by, date=datetime.date(2025, 12, 31), duration_minutes=600)
    log_activity(w.team, w.school, w.practitioner, by, date=datetime.date(2026, 4, 1), duration_minutes=600)
