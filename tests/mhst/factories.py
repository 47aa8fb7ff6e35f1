"""A small MHST world: a partnership with a CYPMHS provider running one team (a manager, a
practitioner and staff of various roles), another provider's team, two schools each with a senior
mental health lead, an area lead, a steering member, a commissioner, a held steering group meeting,
and an allocation method. `approved(...)` makes an approved allocation the short way."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from mhst.models import (
    Activity,
    Allocation,
    AllocationLine,
    AllocationMethod,
    AllocationStatus,
    Practitioner,
    PractitionerRole,
    Team,
)
from partnership.models import Decision, Group, Meeting, Organisation, Partnership, PartnershipOrganisation, User
from partnership.roles import Role

from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, member
from ..governance.factories import DirectoryServiceFactory, GroupFactory, MeetingFactory


def today():
    return timezone.localdate()


def make_team(partnership, provider=None, name=None, **kw) -> Team:
    provider = provider or OrganisationFactory(cypmhs=True)
    PartnershipOrganisation.objects.get_or_create(
        partnership=partnership, organisation=provider, defaults={"status": PartnershipOrganisation.Status.ACTIVE}
    )
    service = DirectoryServiceFactory(partnership=partnership, provider=provider, name=f"{name or 'MHST'} service")
    return Team.objects.create(
        partnership=partnership,
        provider=provider,
        name=name or f"{provider.name} MHST",
        wave=kw.pop("wave", "Wave 5"),
        started_on=kw.pop("started_on", today() - datetime.timedelta(days=400)),
        service=service,
        **kw,
    )


def add_practitioner(team, role=PractitionerRole.EMHP, wte="1.00", user=None, **kw) -> Practitioner:
    return Practitioner.objects.create(
        team=team,
        user=user,
        name=kw.pop("name", user.full_name if user else f"{role} {Practitioner.objects.count() + 1}"),
        role=role,
        wte=Decimal(wte),
        started_on=kw.pop("started_on", today() - datetime.timedelta(days=365)),
        **kw,
    )


def held_steering_meeting(partnership, days_ago=1) -> Meeting:
    group = Group.objects.filter(partnership=partnership, kind=Group.Kind.STEERING).first() or GroupFactory(
        partnership=partnership, name="Steering group", kind=Group.Kind.STEERING
    )
    return MeetingFactory(
        group=group, starts_at=timezone.now() - datetime.timedelta(days=days_ago), status=Meeting.Status.HELD
    )


def publish_method(partnership, by, **weights) -> AllocationMethod:
    number = AllocationMethod.objects.filter(partnership=partnership).count() + 1
    return AllocationMethod.objects.create(
        partnership=partnership,
        number=number,
        explanation="Need first: deprivation and free school meals count most.",
        published_by=by,
        published_at=timezone.now(),
        **weights,
    )


@dataclass
class World:
    partnership: Partnership
    provider: Organisation
    team: Team
    other_team: Team
    school: Organisation
    other_school: Organisation
    manager: User
    practitioner_user: User
    practitioner: Practitioner
    other_manager: User
    school_lead: User
    other_school_lead: User
    area_lead: User
    steering: User
    commissioner: User
    meeting: Meeting
    method: AllocationMethod


def make_world() -> World:
    partnership = PartnershipFactory()
    provider = OrganisationFactory(cypmhs=True)
    team = make_team(partnership, provider, name="North MHST")
    other_team = make_team(partnership, name="South MHST")
    school = OrganisationFactory(pupil_count=600, fsm_percent=Decimal("30.0"), deprivation_decile=2)
    other_school = OrganisationFactory(pupil_count=300, fsm_percent=Decimal("10.0"), deprivation_decile=8)
    for org in (school, other_school):
        PartnershipOrganisationFactory(partnership=partnership, organisation=org)
    manager = member(partnership, Role.MHST_MANAGER, organisation=provider, totp=True)
    practitioner_user = member(partnership, Role.MHST_PRACTITIONER, organisation=provider, totp=True)
    area_lead = member(partnership, Role.AREA_LEAD)
    other_manager = member(partnership, Role.MHST_MANAGER, organisation=other_team.provider, totp=True)
    # A team's staff: its service lead (the manager here) and practitioners with a post in it.
    Team.objects.filter(pk=team.pk).update(service_lead=manager)
    Team.objects.filter(pk=other_team.pk).update(service_lead=other_manager)
    team.service_lead, other_team.service_lead = manager, other_manager
    practitioner = add_practitioner(team, PractitionerRole.EMHP, "1.00", user=practitioner_user)
    add_practitioner(team, PractitionerRole.SENIOR, "0.50", name="Sam Senior")
    add_practitioner(team, PractitionerRole.TRAINEE, "1.00", name="Tia Trainee")
    add_practitioner(team, PractitionerRole.ADMINISTRATOR, "0.60", name="Ade Admin")
    return World(
        partnership=partnership,
        provider=provider,
        team=team,
        other_team=other_team,
        school=school,
        other_school=other_school,
        manager=manager,
        practitioner_user=practitioner_user,
        practitioner=practitioner,
        other_manager=other_manager,
        school_lead=member(partnership, Role.SCHOOL_MH_LEAD, organisation=school, totp=True),
        other_school_lead=member(partnership, Role.SCHOOL_MH_LEAD, organisation=other_school, totp=True),
        area_lead=area_lead,
        steering=member(partnership, Role.STEERING_MEMBER),
        commissioner=member(partnership, Role.COMMISSIONER, organisation=OrganisationFactory(icb=True)),
        meeting=held_steering_meeting(partnership),
        method=publish_method(partnership, area_lead, readiness_weight=Decimal("0")),
    )


def approved(team, shares: dict, *, by, meeting=None, method=None, status=AllocationStatus.APPROVED) -> Allocation:
    """An allocation of `shares` ({school: "0.50"}) approved at a held steering meeting, the short way
    (tests of the approval path itself go through mhst.services.allocation)."""
    partnership = team.partnership
    meeting = meeting or held_steering_meeting(partnership)
    method = method or AllocationMethod.objects.filter(partnership=partnership).first()
    method = method or publish_method(partnership, by)
    number = Allocation.objects.filter(team=team).count() + 1
    decision = Decision.objects.create(
        meeting=meeting,
        partnership=partnership,
        number=Decision.objects.filter(partnership=partnership).count() + 1,
        text=f"Approved {team} allocation version {number}.",
        created_by=by,
    )
    allocation = Allocation.objects.create(
        team=team,
        number=number,
        status=status,
        method=method,
        capacity_on=today(),
        capacity_wte=sum((Decimal(v) for v in shares.values()), Decimal("0")),
        effective_from=today(),
        rationale="Shared by need.",
        proposed_by=by,
        proposed_at=timezone.now(),
        meeting=meeting,
        decision=decision,
        decided_by=by,
        decided_at=timezone.now(),
    )
    for rank, (school, wte) in enumerate(shares.items(), start=1):
        AllocationLine.objects.create(
            allocation=allocation, school=school, rank=rank, need_score=Decimal("50"), calculated_wte=Decimal(wte)
        )
    return allocation


def log_activity(team, school, practitioner, by, **kw) -> Activity:
    return Activity.objects.create(
        team=team,
        school=school,
        practitioner=practitioner,
        date=kw.pop("date", today()),
        function=kw.pop("function", 1),
        type=kw.pop("type", "individual"),
        duration_minutes=kw.pop("duration_minutes", 50),
        children_reached=kw.pop("children_reached", 1),
        adults_reached=kw.pop("adults_reached", 0),
        recorded_by=by,
        **kw,
    )


def proposal(team, shares: dict, *, by, method=None) -> Allocation:
    """A proposed (not yet decided) allocation of `shares`, the short way."""
    partnership = team.partnership
    method = (
        method or AllocationMethod.objects.filter(partnership=partnership).first() or publish_method(partnership, by)
    )
    allocation = Allocation.objects.create(
        team=team,
        number=Allocation.objects.filter(team=team).count() + 1,
        method=method,
        capacity_on=today(),
        capacity_wte=sum((Decimal(v) for v in shares.values()), Decimal("0")),
        effective_from=today(),
        rationale="Proposed by need.",
        proposed_by=by,
        proposed_at=timezone.now(),
    )
    for rank, (school, wte) in enumerate(shares.items(), start=1):
        AllocationLine.objects.create(
            allocation=allocation, school=school, rank=rank, need_score=Decimal("50"), calculated_wte=Decimal(wte)
        )
    return allocation
