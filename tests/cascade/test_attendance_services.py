"""Attendance and target-mix services, and the matching and representation reports."""

from fractions import Fraction
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cascade.models import RepresentationTarget, Sector, Workshop, WorkshopAttendance
from cascade.queries_attendance import (
    SectorRepresentation,
    cohort_follow_ups,
    follow_up,
    representation,
    sector_counts,
)
from cascade.services import attendance as service
from partnership.models import AuditEvent, OrganisationKind, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..factories import OrganisationFactory, PartnershipFactory, member
from .factories import CohortFactory, WorkshopAttendanceFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership():
    return PartnershipFactory()


@pytest.fixture
def lead(partnership):
    return member(partnership, Role.AREA_LEAD)


@pytest.fixture
def workshop(partnership):
    return WorkshopFactory(cohort__partnership=partnership)


def joined(partnership, **fields):
    organisation = OrganisationFactory(**fields)
    PartnershipOrganisation.objects.create(partnership=partnership, organisation=organisation, status="active")
    return organisation


@pytest.mark.parametrize(
    ("kind", "sector"),
    [
        (OrganisationKind.PRIMARY, Sector.EDUCATION),
        (OrganisationKind.FE_COLLEGE, Sector.EDUCATION),
        (OrganisationKind.CYPMHS, Sector.NHS_CYPMHS),
        (OrganisationKind.GP_PRACTICE, Sector.GP),
        (OrganisationKind.ICB, Sector.OTHER),
        (OrganisationKind.SOCIAL_CARE, Sector.LOCAL_AUTHORITY),
        (OrganisationKind.VCSO, Sector.VCSO),
        (OrganisationKind.OTHER, Sector.OTHER),
    ],
)
def test_default_sector_follows_the_organisation_kind(kind, sector):
    assert service.default_sector(SimpleNamespace(kind=kind)) == sector


def test_add_attendee_defaults_the_sector_and_is_audited(partnership, lead, workshop):
    clinic = joined(partnership, kind=OrganisationKind.CYPMHS, urn=None)
    row = service.add_attendee(workshop=workshop, by=lead, name="  Asha   Patel ", organisation=clinic)
    assert row.name == "Asha Patel" and row.sector == Sector.NHS_CYPMHS
    event = AuditEvent.objects.get(object_type="cascade.workshopattendance", action=AuditAction.CREATE)
    assert event.actor == lead and event.partnership_id == partnership.pk and event.detail["sector"] == "nhs_cypmhs"


def test_add_attendee_keeps_a_chosen_sector(partnership, lead, workshop):
    school = joined(partnership)
    row = service.add_attendee(workshop=workshop, by=lead, name="Ben", organisation=school, sector=Sector.OTHER)
    assert row.sector == Sector.OTHER


def test_add_attendee_refuses_a_duplicate_name_at_the_same_organisation(partnership, lead, workshop):
    school = joined(partnership, name="Hillside")
    service.add_attendee(workshop=workshop, by=lead, name="Asha Patel", organisation=school)
    with pytest.raises(ValidationError) as error:
        service.add_attendee(workshop=workshop, by=lead, name="ASHA PATEL", organisation=school)
    assert "already on this workshop's attendance list" in error.value.message_dict["name"][0]
    # the same name at another organisation is another person
    service.add_attendee(workshop=workshop, by=lead, name="Asha Patel", organisation=joined(partnership))
    assert WorkshopAttendance.objects.count() == 2


def test_add_attendee_refuses_bad_input(partnership, lead, workshop):
    school = joined(partnership)
    with pytest.raises(ValidationError) as error:
        service.add_attendee(workshop=workshop, by=lead, name=" ", organisation=school)
    assert error.value.message_dict == {"name": ["Enter the person's name"]}
    with pytest.raises(ValidationError) as error:
        service.add_attendee(workshop=workshop, by=lead, name="Ann", organisation=OrganisationFactory(name="Far"))
    assert error.value.message_dict == {"organisation": ["Not a member of this partnership: Far."]}
    with pytest.raises(ValidationError):
        service.add_attendee(workshop=workshop, by=lead, name="Ann", organisation=school, sector="pirates")
    outsider = member(PartnershipFactory(), Role.AREA_LEAD)
    with pytest.raises(ValidationError) as error:
        service.add_attendee(workshop=workshop, by=lead, name="Ann", organisation=school, user=outsider)
    assert error.value.message_dict == {"user": ["That person is not a member of this partnership."]}
    assert not WorkshopAttendance.objects.exists()


def test_attendance_cannot_change_on_a_closed_workshop(partnership, lead):
    workshop = WorkshopFactory(cohort__partnership=partnership, status=Workshop.Status.CLOSED)
    row = WorkshopAttendanceFactory(workshop=workshop)
    with pytest.raises(ValidationError):
        service.add_attendee(workshop=workshop, by=lead, name="Ann", organisation=joined(partnership))
    with pytest.raises(ValidationError):
        service.remove_attendee(attendance=row, by=lead)
    assert WorkshopAttendance.objects.count() == 1


def test_a_steering_member_and_a_commissioner_cannot_record_attendance(partnership, workshop):
    school = joined(partnership)
    for role in (Role.STEERING_MEMBER, Role.COMMISSIONER):
        with pytest.raises(PermissionDenied):
            service.add_attendee(workshop=workshop, by=member(partnership, role), name="Ann", organisation=school)
    assert not WorkshopAttendance.objects.exists()


def test_update_and_remove_are_audited(partnership, lead, workshop):
    school = joined(partnership)
    row = service.add_attendee(workshop=workshop, by=lead, name="Ann", organisation=school)
    service.update_attendee(attendance=row, by=lead, name="Anne", organisation=school, sector=Sector.GP)
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="cascade.workshopattendance")
    assert update.detail["name"] == ["Ann", "Anne"] and update.detail["sector"] == ["education", "gp"]
    pk = row.pk
    service.remove_attendee(attendance=row, by=lead)
    assert not WorkshopAttendance.objects.exists()
    removal = AuditEvent.objects.get(action=AuditAction.DELETE, object_id=str(pk))
    assert removal.detail["name"] == "Anne" and removal.partnership_id == partnership.pk


def test_targets_are_set_replaced_and_audited(partnership, lead):
    service.set_representation_targets(partnership=partnership, by=lead, percents={"education": 50, "gp": "10"})
    assert dict(RepresentationTarget.objects.values_list("sector", "percent")) == {"education": 50, "gp": 10}
    service.set_representation_targets(partnership=partnership, by=lead, percents={"education": 60, "gp": None})
    assert dict(RepresentationTarget.objects.values_list("sector", "percent")) == {"education": 60}
    events = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="partnership.partnership")
    assert events.count() == 2
    assert events.order_by("pk").last().detail["representation_targets"] == {
        "before": {"education": 50, "gp": 10},
        "after": {"education": 60},
    }


@pytest.mark.parametrize(
    "percents",
    [{"education": 101}, {"education": -1}, {"education": "12.5"}, {"education": 60, "gp": 41}, {"pirates": 5}],
)
def test_targets_must_be_whole_numbers_0_to_100_adding_up_to_100_at_most(partnership, lead, percents):
    with pytest.raises(ValidationError):
        service.set_representation_targets(partnership=partnership, by=lead, percents=percents)
    assert not RepresentationTarget.objects.exists()


def test_targets_total_of_exactly_100_is_allowed(partnership, lead):
    service.set_representation_targets(partnership=partnership, by=lead, percents={"education": 60, "gp": 40})
    assert RepresentationTarget.objects.count() == 2


def test_only_the_area_lead_sets_targets(partnership):
    facilitator = member(partnership, Role.FACILITATOR)
    with pytest.raises(PermissionDenied):
        service.set_representation_targets(partnership=partnership, by=facilitator, percents={"education": 50})


def person(name, organisation, user=None):
    return SimpleNamespace(name=name, organisation_id=organisation, user_id=user)


def test_follow_up_matches_by_account_first_then_name_and_organisation():
    by_account_1, by_account_2 = person("Asha Patel", 1, user=7), person("Asha P.", 2, user=7)
    by_name_1, by_name_2 = person("Ben  Jones", 1), person("ben jones", 1, user=8)
    other_org_1, other_org_2 = person("Cara", 1), person("Cara", 2)
    two_accounts_1, two_accounts_2 = person("Dev", 1, user=9), person("Dev", 1, user=10)
    result = follow_up(
        [by_account_1, by_name_1, other_org_1, two_accounts_1],
        [by_account_2, by_name_2, other_org_2, two_accounts_2],
    )
    assert result.both == [(by_account_1, by_account_2), (by_name_1, by_name_2)]
    assert result.dropped_out == [other_org_1, two_accounts_1]
    assert result.joined == [other_org_2, two_accounts_2]


def test_follow_up_prefers_the_account_match_over_a_name_match():
    first = person("Sam", 1, user=5)
    namesake, same_account = person("Sam", 1), person("Samuel", 1, user=5)
    result = follow_up([first], [namesake, same_account])
    assert result.both == [(first, same_account)] and result.joined == [namesake]


def test_cohort_follow_ups_from_the_database(partnership):
    cohort = CohortFactory(partnership=partnership, name="North")
    first = WorkshopFactory(cohort=cohort)
    second = WorkshopFactory(cohort=cohort, round=2, held_on=first.held_on.replace(year=first.held_on.year + 1))
    school = joined(partnership)
    WorkshopAttendanceFactory(workshop=first, name="Ann", organisation=school)
    WorkshopAttendanceFactory(workshop=second, name="ANN", organisation=school)
    WorkshopAttendanceFactory(workshop=first, name="Bo", organisation=school)
    WorkshopAttendanceFactory(workshop=second, name="Cy", organisation=school)
    WorkshopAttendanceFactory(workshop__cohort__partnership=PartnershipFactory(), name="Elsewhere")
    [item] = cohort_follow_ups(
        WorkshopAttendance.objects.filter(workshop__partnership=partnership),
        Workshop.objects.filter(partnership=partnership),
    )
    assert item.cohort == cohort and item.round_one == first and item.round_two == second
    assert [(a.name, b.name) for a, b in item.lists.both] == [("Ann", "ANN")]
    assert [p.name for p in item.lists.dropped_out] == ["Bo"]
    assert [p.name for p in item.lists.joined] == ["Cy"]


def test_representation_against_targets():
    rows = {
        row.sector: row for row in representation({"education": 3, "gp": 1}, {"education": 80, "gp": 20, "vcso": 5})
    }
    education, gp, vcso, other = rows[Sector.EDUCATION], rows[Sector.GP], rows[Sector.VCSO], rows[Sector.OTHER]
    assert (education.count, education.percent, education.target) == (3, 75, 80)
    assert education.difference == Fraction(-5) and education.difference_text == "5 points below target"
    assert gp.difference_text == "5 points above target"
    assert vcso.difference_text == "5 points below target" and vcso.percent == 0
    assert other.difference_text == "No target set"


def test_representation_wording_on_target_one_point_and_nobody():
    assert SectorRepresentation(Sector.GP, 1, Fraction(1, 4), 25).difference_text == "On target"
    assert SectorRepresentation(Sector.GP, 1, Fraction(1, 4), 24).difference_text == "1 point above target"
    assert SectorRepresentation(Sector.GP, 1, Fraction(1, 8), 12).percent == 13  # 12.5 rounds up
    nobody = representation({}, {"gp": 10})
    assert {row.difference_text for row in nobody} == {"No attendance yet", "No target set"}


def test_sector_counts(partnership, workshop):
    WorkshopAttendanceFactory(workshop=workshop, sector=Sector.GP)
    WorkshopAttendanceFactory(workshop=workshop, sector=Sector.GP)
    WorkshopAttendanceFactory(workshop=workshop, sector=Sector.VCSO)
    assert sector_counts(WorkshopAttendance.objects.all()) == {"gp": 2, "vcso": 1}
