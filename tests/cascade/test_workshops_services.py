"""Cohort, workshop and table services: rules, refusals and the audit events they write."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cascade.models import Cohort, ScoringTable, Workshop
from cascade.services import workshops as service
from partnership.models import AuditEvent, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..factories import OrganisationFactory, PartnershipFactory, member
from .factories import CohortFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
START = datetime.date(2026, 3, 2)


@pytest.fixture
def partnership():
    return PartnershipFactory()


@pytest.fixture
def lead(partnership):
    return member(partnership, Role.AREA_LEAD)


@pytest.fixture
def facilitator(partnership):
    return member(partnership, Role.FACILITATOR)


def events(obj, action):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def test_create_cohort_is_audited(partnership, lead):
    cohort = service.create_cohort(partnership=partnership, by=lead, name="  North schools ")
    assert cohort.name == "North schools"
    assert events(cohort, AuditAction.CREATE).get().actor == lead


def test_create_cohort_refuses_a_duplicate_name_in_any_case(partnership, lead):
    service.create_cohort(partnership=partnership, by=lead, name="North")
    with pytest.raises(ValidationError) as error:
        service.create_cohort(partnership=partnership, by=lead, name="north")
    assert error.value.message_dict == {"name": ["There is already a cohort called north"]}


def test_create_cohort_refuses_a_steering_member_and_writes_nothing(partnership):
    reader = member(partnership, Role.STEERING_MEMBER)
    with pytest.raises(PermissionDenied):
        service.create_cohort(partnership=partnership, by=reader, name="North")
    assert not Cohort.objects.exists() and not AuditEvent.objects.filter(object_type="cascade.cohort").exists()


def test_create_workshop_is_audited_with_its_facilitators(partnership, lead, facilitator):
    cohort = CohortFactory(partnership=partnership)
    workshop = service.create_workshop(
        partnership=partnership,
        by=lead,
        cohort=cohort,
        round=1,
        held_on=START,
        venue="Hall",
        facilitators=[facilitator],
    )
    assert list(workshop.facilitators.all()) == [facilitator]
    assert workshop.is_open
    assert events(workshop, AuditAction.CREATE).get().detail["held_on"] == "2026-03-02"


def test_create_workshop_refuses_a_second_workshop_for_the_same_round(partnership, lead):
    cohort = CohortFactory(partnership=partnership)
    service.create_workshop(partnership=partnership, by=lead, cohort=cohort, round=1, held_on=START)
    with pytest.raises(ValidationError) as error:
        service.create_workshop(partnership=partnership, by=lead, cohort=cohort, round=1, held_on=START + DAY)
    assert "already has a round 1 workshop" in error.value.message_dict["round"][0]


@pytest.mark.parametrize("days", [0, -7])
def test_create_workshop_refuses_round_2_on_or_before_round_1(partnership, lead, days):
    cohort = CohortFactory(partnership=partnership)
    service.create_workshop(partnership=partnership, by=lead, cohort=cohort, round=1, held_on=START)
    with pytest.raises(ValidationError) as error:
        service.create_workshop(
            partnership=partnership, by=lead, cohort=cohort, round=2, held_on=START + datetime.timedelta(days=days)
        )
    assert error.value.message_dict == {"held_on": ["Round 2 must be after round 1 (2 March 2026)"]}
    assert not Workshop.objects.filter(round=2).exists()


def test_create_workshop_refuses_a_facilitator_who_cannot_run_workshops(partnership, lead):
    reader = member(partnership, Role.STEERING_MEMBER, full_name="Sam Reader")
    cohort = CohortFactory(partnership=partnership)
    with pytest.raises(ValidationError) as error:
        service.create_workshop(
            partnership=partnership, by=lead, cohort=cohort, round=1, held_on=START, facilitators=[reader]
        )
    assert "Sam Reader" in error.value.message_dict["facilitators"][0]


def test_create_workshop_refuses_a_commissioner(partnership):
    commissioner = member(partnership, Role.COMMISSIONER)
    with pytest.raises(PermissionDenied):
        service.create_workshop(
            partnership=partnership,
            by=commissioner,
            cohort=CohortFactory(partnership=partnership),
            round=1,
            held_on=START,
        )


@pytest.mark.parametrize(
    ("days", "warned"),
    [(1, True), (41, True), (42, False), (56, False), (70, False), (71, True)],
)
def test_interval_warning_outside_6_to_10_weeks_exactly(partnership, lead, days, warned):
    cohort = CohortFactory(partnership=partnership)
    service.create_workshop(partnership=partnership, by=lead, cohort=cohort, round=1, held_on=START)
    second = service.create_workshop(
        partnership=partnership, by=lead, cohort=cohort, round=2, held_on=START + datetime.timedelta(days=days)
    )
    warning = second.interval_warning()
    assert bool(warning) is warned
    if warned:
        assert f"{days} days after round 1" in warning


def test_round_1_has_no_interval_warning(partnership):
    assert WorkshopFactory(cohort__partnership=partnership).interval_warning() == ""


def test_update_workshop_is_audited_with_before_and_after(partnership, lead):
    workshop = WorkshopFactory(cohort__partnership=partnership, held_on=START, venue="Old hall")
    service.update_workshop(workshop=workshop, by=lead, held_on=START + DAY, venue="New hall", facilitators=[])
    detail = events(workshop, AuditAction.UPDATE).get().detail
    assert detail["before"] == {"held_on": "2026-03-02", "venue": "Old hall"}
    assert detail["after"] == {"held_on": "2026-03-03", "venue": "New hall"}


def test_a_facilitator_closes_a_workshop_and_it_is_audited(partnership, facilitator):
    workshop = WorkshopFactory(cohort__partnership=partnership)
    service.close_workshop(workshop=workshop, by=facilitator)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CLOSED and workshop.closed_by == facilitator
    assert events(workshop, AuditAction.STATE_CHANGE).get().detail == {"from": "open", "to": "closed"}
    with pytest.raises(ValidationError):
        service.close_workshop(workshop=workshop, by=facilitator)


def test_a_steering_member_cannot_close_a_workshop(partnership):
    workshop = WorkshopFactory(cohort__partnership=partnership)
    with pytest.raises(PermissionDenied):
        service.close_workshop(workshop=workshop, by=member(partnership, Role.STEERING_MEMBER))
    workshop.refresh_from_db()
    assert workshop.is_open


def test_only_the_area_lead_reopens_and_must_say_why(partnership, lead, facilitator):
    workshop = WorkshopFactory(cohort__partnership=partnership, status=Workshop.Status.CLOSED)
    with pytest.raises(PermissionDenied):
        service.reopen_workshop(workshop=workshop, by=facilitator, reason="A typo")
    with pytest.raises(ValidationError) as error:
        service.reopen_workshop(workshop=workshop, by=lead, reason="   ")
    assert error.value.message_dict == {"reason": ["Say why the workshop is being reopened"]}
    workshop.refresh_from_db()
    assert not workshop.is_open
    service.reopen_workshop(workshop=workshop, by=lead, reason="Table 2 domain B was entered wrongly")
    workshop.refresh_from_db()
    assert workshop.is_open
    event = events(workshop, AuditAction.STATE_CHANGE).get()
    assert event.actor == lead and event.detail["reason"] == "Table 2 domain B was entered wrongly"


def test_add_table_with_member_organisations_is_audited(partnership, facilitator):
    workshop = WorkshopFactory(cohort__partnership=partnership)
    school = OrganisationFactory()
    PartnershipOrganisation.objects.create(partnership=partnership, organisation=school, status="active")
    table = service.add_table(workshop=workshop, by=facilitator, label=" Blue ", organisations=[school])
    assert table.label == "Blue" and list(table.organisations.all()) == [school]
    assert events(table, AuditAction.CREATE).get().detail["organisations"] == [school.pk]


def test_add_table_refuses_an_organisation_outside_the_partnership_and_a_duplicate_label(partnership, lead):
    workshop = WorkshopFactory(cohort__partnership=partnership)
    with pytest.raises(ValidationError) as error:
        service.add_table(workshop=workshop, by=lead, label="1", organisations=[OrganisationFactory(name="Far School")])
    assert error.value.message_dict == {"organisations": ["Not a member of this partnership: Far School."]}
    service.add_table(workshop=workshop, by=lead, label="Blue")
    with pytest.raises(ValidationError):
        service.add_table(workshop=workshop, by=lead, label="blue")
    assert ScoringTable.objects.count() == 1


def test_add_table_is_refused_when_the_workshop_is_closed(partnership, lead):
    workshop = WorkshopFactory(cohort__partnership=partnership, status=Workshop.Status.CLOSED)
    with pytest.raises(ValidationError) as error:
        service.add_table(workshop=workshop, by=lead, label="1")
    assert "This workshop is closed" in error.value.message_dict["workshop"][0]
    assert not ScoringTable.objects.exists()
