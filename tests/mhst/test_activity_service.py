"""mhst.services.activity: the rules of one activity, who may change what, and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mhst.models import Activity, ActivityType
from mhst.services import activity as service
from partnership.models import AuditEvent, OrganisationKind, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..factories import OrganisationFactory, PartnershipOrganisationFactory, member
from .factories import add_practitioner, log_activity, make_world, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def fields(world, **overrides):
    data = {
        "date": today(),
        "school": world.school,
        "practitioner": world.practitioner,
        "function": 1,
        "type": ActivityType.GROUP,
        "duration_minutes": 60,
        "children_reached": 8,
        "adults_reached": 0,
    }
    return {**data, **overrides}


def errors_of(world, **overrides):
    with pytest.raises(ValidationError) as caught:
        service.record(world.team, world.manager, **fields(world, **overrides))
    return caught.value.message_dict


def test_record_saves_the_activity_and_audits_it(world):
    activity = service.record(world.team, world.practitioner_user, **fields(world))
    assert (activity.team, activity.recorded_by, activity.children_reached) == (
        world.team,
        world.practitioner_user,
        8,
    )
    event = AuditEvent.objects.get(object_type="mhst.activity", object_id=str(activity.pk))
    assert event.action == AuditAction.CREATE
    assert event.actor == world.practitioner_user
    assert event.partnership_id == world.partnership.pk
    assert event.detail["duration_minutes"] == 60
    assert event.detail["school"] == world.school.pk


def test_a_future_date_is_refused(world):
    assert "date" in errors_of(world, date=today() + datetime.timedelta(days=1))
    assert not Activity.objects.exists()


def test_a_date_before_the_team_started_is_refused(world):
    errors = errors_of(world, date=world.team.started_on - datetime.timedelta(days=1))
    assert "when the team started" in errors["date"][0]


def test_the_day_the_team_started_is_accepted(world):
    world.practitioner.started_on = world.team.started_on
    world.practitioner.save()
    assert service.record(world.team, world.manager, **fields(world, date=world.team.started_on)).pk


@pytest.mark.parametrize("minutes", [0, 601, -5])
def test_duration_outside_1_to_600_is_refused(world, minutes):
    assert "duration_minutes" in errors_of(world, duration_minutes=minutes)


@pytest.mark.parametrize("minutes", [1, 600])
def test_duration_at_the_limits_is_accepted(world, minutes):
    assert service.record(world.team, world.manager, **fields(world, duration_minutes=minutes)).duration_minutes == (
        minutes
    )


@pytest.mark.parametrize(("name", "value"), [("children_reached", 5001), ("adults_reached", -1)])
def test_counts_outside_0_to_5000_are_refused(world, name, value):
    assert name in errors_of(world, **{name: value})


def test_nobody_reached_is_refused_for_a_group_session(world):
    errors = errors_of(world, children_reached=0, adults_reached=0)
    assert "at least one" in errors["children_reached"][0]


@pytest.mark.parametrize("kind", [ActivityType.CONSULTATION, ActivityType.LIAISON])
def test_nobody_reached_is_allowed_for_consultation_and_liaison(world, kind):
    activity = service.record(world.team, world.manager, **fields(world, type=kind, function=3, children_reached=0))
    assert activity.children_reached + activity.adults_reached == 0


def test_adults_alone_count_as_reached(world):
    assert service.record(
        world.team,
        world.manager,
        **fields(world, type=ActivityType.STAFF_TRAINING, children_reached=0, adults_reached=20),
    ).pk


def test_a_practitioner_of_another_team_is_refused(world):
    stranger = add_practitioner(world.other_team, name="Someone Else")
    assert "practitioner" in errors_of(world, practitioner=stranger)


def test_a_practitioner_not_in_post_on_the_date_is_refused(world):
    leaver = add_practitioner(
        world.team,
        name="Lee Leaver",
        started_on=today() - datetime.timedelta(days=200),
        ended_on=today() - datetime.timedelta(days=10),
    )
    errors = errors_of(world, practitioner=leaver)
    assert "was not in post" in errors["practitioner"][0]
    # while they were in post, it is fine
    assert service.record(
        world.team, world.manager, **fields(world, practitioner=leaver, date=today() - datetime.timedelta(days=20))
    ).pk


def test_a_school_outside_the_partnership_is_refused(world):
    assert "school" in errors_of(world, school=OrganisationFactory())


def test_a_school_that_left_the_partnership_is_refused(world):
    PartnershipOrganisation.objects.filter(partnership=world.partnership, organisation=world.school).update(
        status=PartnershipOrganisation.Status.LEFT
    )
    assert "school" in errors_of(world)


def test_an_organisation_that_is_not_a_school_is_refused(world):
    council = OrganisationFactory(kind=OrganisationKind.LOCAL_AUTHORITY, urn=None)
    PartnershipOrganisationFactory(partnership=world.partnership, organisation=council)
    assert "school" in errors_of(world, school=council)


def test_every_problem_is_reported_at_once(world):
    errors = errors_of(world, date=None, school=None, practitioner=None, function=9, type="nap", duration_minutes=None)
    assert set(errors) == {"date", "school", "practitioner", "function", "type", "duration_minutes"}


@pytest.mark.parametrize("who", ["other_manager", "area_lead", "commissioner", "school_lead", "steering"])
def test_only_the_teams_staff_may_record(world, who):
    with pytest.raises(PermissionDenied):
        service.record(world.team, getattr(world, who), **fields(world))
    assert not Activity.objects.exists()


def test_update_audits_the_changed_fields_only(world):
    activity = service.record(world.team, world.practitioner_user, **fields(world))
    service.update(activity, world.practitioner_user, duration_minutes=45, children_reached=6)
    activity.refresh_from_db()
    assert (activity.duration_minutes, activity.children_reached) == (45, 6)
    event = AuditEvent.objects.get(object_type="mhst.activity", action=AuditAction.UPDATE)
    assert event.detail == {"duration_minutes": ["60", "45"], "children_reached": ["8", "6"]}


def test_update_checks_the_rules(world):
    activity = service.record(world.team, world.manager, **fields(world))
    with pytest.raises(ValidationError):
        service.update(activity, world.manager, duration_minutes=0)
    activity.refresh_from_db()
    assert activity.duration_minutes == 60


def test_a_practitioner_may_change_only_what_they_recorded(world):
    colleague = member(world.partnership, Role.MHST_PRACTITIONER, organisation=world.provider, totp=True)
    add_practitioner(world.team, user=colleague)  # a post in the team makes them its staff
    mine = service.record(world.team, world.practitioner_user, **fields(world))
    theirs = service.record(world.team, colleague, **fields(world))
    with pytest.raises(PermissionDenied):
        service.update(theirs, world.practitioner_user, duration_minutes=30)
    with pytest.raises(PermissionDenied):
        service.delete(theirs, world.practitioner_user)
    service.update(mine, world.practitioner_user, duration_minutes=30)
    service.delete(mine, world.practitioner_user)
    assert list(Activity.objects.all()) == [theirs]


def test_the_manager_may_change_and_delete_any_of_the_teams_activity(world):
    activity = service.record(world.team, world.practitioner_user, **fields(world))
    service.update(activity, world.manager, adults_reached=2)
    service.delete(activity, world.manager)
    assert not Activity.objects.exists()
    event = AuditEvent.objects.get(object_type="mhst.activity", action=AuditAction.DELETE)
    assert event.actor == world.manager
    assert event.detail["adults_reached"] == 2
    assert event.object_id == str(activity.pk)


def test_another_teams_manager_may_not_change_or_delete(world):
    activity = log_activity(world.team, world.school, world.practitioner, world.manager)
    with pytest.raises(PermissionDenied):
        service.update(activity, world.other_manager, duration_minutes=30)
    with pytest.raises(PermissionDenied):
        service.delete(activity, world.other_manager)
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_the_activity_model_has_no_free_text_field():
    """No field where a child's details could be typed: counts, choices and links only."""
    text_fields = {
        f.name
        for f in Activity._meta.get_fields()
        if f.get_internal_type() in {"CharField", "TextField"} and not getattr(f, "choices", None)
    }
    assert text_fields == {"import_batch"}


def test_quick_entry_defaults(world):
    assert service.own_post(world.practitioner_user, world.team) == world.practitioner
    assert service.own_post(world.manager, world.team) is None
    assert service.last_recorded(world.practitioner_user, world.team) is None
    first = log_activity(world.team, world.other_school, world.practitioner, world.practitioner_user)
    assert service.last_recorded(world.practitioner_user, world.team) == first
