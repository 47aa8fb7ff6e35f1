"""Adding, changing and deleting shifts (who may, who may be on the rota, overlaps, audit) and
the daily warning of gaps a week ahead, sent once per gap (through a real Celery worker too)."""

import time as clock_time
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from partnership.models import AuditEvent, Membership, SentNotification
from partnership.models.audit import AuditAction
from partnership.roles import Role
from referrals.models import RotaShift
from referrals.services import rota
from referrals.services.rota import add_shift, delete_shift, flag_gaps, local, update_shift
from referrals.tasks import rota as tasks

from ..conftest import wait_for
from ..factories import OrganisationFactory, member
from .factories import make_world

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
CLIN, LEAD = "duty_clinician", "duty_lead"


def at(day, hour, minute=0):
    return local(day, time(hour, minute))


def add(world, by=None, role=CLIN, user=None, start=9, end=17, day=MONDAY):
    return add_shift(
        spa=world.spa,
        by=by or world.duty_lead,
        role=role,
        user=user or world.clinician,
        starts_at=at(day, start),
        ends_at=at(day, end),
    )


def test_the_duty_lead_adds_a_shift_and_it_is_audited():
    world = make_world()
    shift = add(world)
    event = AuditEvent.objects.get(object_type="referrals.rotashift", object_id=str(shift.pk))
    assert event.action == AuditAction.CREATE and event.actor == world.duty_lead
    assert event.detail["role"] == CLIN and event.detail["user"] == world.clinician.pk
    assert event.partnership_id == world.partnership.pk


def test_the_area_lead_may_add_a_shift():
    world = make_world()
    lead = member(world.partnership, Role.AREA_LEAD)
    assert add(world, by=lead).pk


@pytest.mark.parametrize("who", ["clinician", "referrer", "steering"])
def test_others_may_not_change_the_rota(who):
    world = make_world()
    by = member(world.partnership, Role.STEERING_MEMBER) if who == "steering" else getattr(world, who)
    with pytest.raises(PermissionDenied):
        add(world, by=by)
    assert not RotaShift.objects.exists()


def test_a_duty_lead_of_another_organisation_may_not_change_the_rota():
    world = make_world()
    elsewhere = member(world.partnership, Role.DUTY_LEAD, organisation=OrganisationFactory(cypmhs=True), totp=True)
    with pytest.raises(PermissionDenied):
        add(world, by=elsewhere)


def test_the_person_must_hold_the_matching_duty_role_at_the_provider():
    world = make_world()
    with pytest.raises(ValidationError) as error:
        add(world, role=LEAD, user=world.clinician)  # a clinician, not a lead
    assert "user" in error.value.message_dict
    with pytest.raises(ValidationError):
        add(world, user=world.referrer)  # a school's member
    elsewhere = member(world.partnership, Role.DUTY_CLINICIAN, organisation=OrganisationFactory(cypmhs=True))
    with pytest.raises(ValidationError):
        add(world, user=elsewhere)  # a clinician of another organisation
    Membership.objects.filter(user=world.second_clinician).update(is_active=False)
    with pytest.raises(ValidationError):
        add(world, user=world.second_clinician)  # no longer an active member
    assert not RotaShift.objects.exists()


def test_a_shift_must_end_after_it_starts():
    world = make_world()
    with pytest.raises(ValidationError) as error:
        add(world, start=13, end=13)
    assert error.value.message_dict == {"end_time": ["The shift must end after it starts"]}


def test_overlapping_shifts_for_one_person_are_refused_but_back_to_back_are_fine():
    world = make_world()
    add(world, start=9, end=13)
    with pytest.raises(ValidationError) as error:
        add(world, start=12, end=17)
    assert "overlaps" in error.value.message_dict["user"][0]
    with pytest.raises(ValidationError):
        add(world, role=LEAD, user=world.clinician, start=10, end=11)  # not even in another role
    add(world, start=13, end=17)
    add(world, user=world.second_clinician, start=12, end=17)  # someone else may overlap
    assert RotaShift.objects.count() == 3


def test_changing_a_shift_does_not_clash_with_itself_and_is_audited():
    world = make_world()
    shift = add(world, start=9, end=13)
    update_shift(
        shift=shift,
        by=world.duty_lead,
        role=CLIN,
        user=world.clinician,
        starts_at=at(MONDAY, 9),
        ends_at=at(MONDAY, 14),
    )
    shift.refresh_from_db()
    assert shift.ends_at == at(MONDAY, 14)
    event = AuditEvent.objects.get(object_type="referrals.rotashift", action=AuditAction.UPDATE)
    assert set(event.detail["changed"]) == {"ends_at"}


def test_deleting_a_shift_is_audited():
    world = make_world()
    shift = add(world)
    pk = shift.pk
    delete_shift(shift=shift, by=world.duty_lead)
    assert not RotaShift.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(
        object_type="referrals.rotashift", object_id=str(pk), action=AuditAction.DELETE
    ).exists()


# --- gaps a week ahead -------------------------------------------------------------------------

NOW = local(MONDAY, time(7))  # the task runs early on Monday


def test_duty_leads_are_warned_of_each_gap_once():
    world = make_world()
    second_lead = member(world.partnership, Role.DUTY_LEAD, organisation=world.spa.provider, totp=True)
    # cover everything (today and the next 8 days) but Tuesday's duty lead in the afternoon
    for offset in range(9):
        day = MONDAY + timedelta(days=offset)
        RotaShift.objects.create(
            spa=world.spa, role=CLIN, user=world.clinician, starts_at=at(day, 9), ends_at=at(day, 17)
        )
        lead_end = 13 if offset == 1 else 17
        RotaShift.objects.create(
            spa=world.spa, role=LEAD, user=world.duty_lead, starts_at=at(day, 9), ends_at=at(day, lead_end)
        )
    assert flag_gaps(now=NOW) == 1
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([world.duty_lead.email, second_lead.email])
    assert "no duty lead" in message.subject and "Tuesday 3 March" in message.subject
    assert "from 1pm to 5pm" in message.body
    assert "/referrals/rota/?week=2026-03-02" in message.body
    assert flag_gaps(now=NOW) == 0
    assert flag_gaps(now=NOW + timedelta(days=1)) == 0  # the next day's run: still the same gap
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(key__startswith=f"rota-gap:{world.spa.pk}:").count() == 1


def test_the_warning_looks_a_week_ahead_and_not_further():
    make_world()
    flag_gaps(now=NOW)
    days = {m.subject.split(" on ")[1] for m in mail.outbox}
    # Monday to Friday this week and Monday next week (a week ahead of today), two roles each
    assert len(mail.outbox) == 12
    assert "Monday 9 March" in days and "Tuesday 10 March" not in days


def test_a_changed_gap_is_a_new_gap():
    world = make_world()
    RotaShift.objects.create(
        spa=world.spa, role=CLIN, user=world.clinician, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 12)
    )
    flag_gaps(now=NOW)
    before = len(mail.outbox)
    RotaShift.objects.create(
        spa=world.spa, role=CLIN, user=world.second_clinician, starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 14)
    )
    assert flag_gaps(now=NOW) == 1  # now 2pm-5pm: a different gap
    assert len(mail.outbox) == before + 1


def test_past_gaps_are_not_flagged_and_no_leads_means_no_email():
    world = make_world()
    flag_gaps(now=local(MONDAY + timedelta(days=4), time(18)))  # Friday evening: this week is over
    assert all("March" in m.subject and "6 March" not in m.subject for m in mail.outbox)
    mail.outbox.clear()
    Membership.objects.filter(user=world.duty_lead).update(is_active=False)
    assert flag_gaps(now=NOW) == 0


def test_the_warning_carries_no_child_details():
    from .factories import draft

    world = make_world()
    draft(world)
    flag_gaps(now=NOW)
    for message in mail.outbox:
        for detail in ("Zebedee", "Quagmire", "9434765919"):
            assert detail not in message.body and detail not in message.subject


def test_the_rota_gap_task_is_on_the_beat_schedule():
    from config.celery import app

    assert any(entry["task"] == tasks.flag_rota_gaps.name for entry in app.conf.beat_schedule.values())
    assert tasks.flag_rota_gaps.name == "referrals.tasks.flag_rota_gaps"


@pytest.mark.celery
def test_the_task_runs_on_a_real_worker_and_sends_each_gap_once(celery_worker):
    world = make_world()
    today = rota.timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    # fully cover the coming weeks except one clinician gap next Monday (always within a week ahead)
    for offset in range(21):
        day = monday + timedelta(days=offset)
        clin_start = 11 if offset == 7 else 9
        RotaShift.objects.create(
            spa=world.spa, role=CLIN, user=world.clinician, starts_at=at(day, clin_start), ends_at=at(day, 17)
        )
        RotaShift.objects.create(
            spa=world.spa, role=LEAD, user=world.duty_lead, starts_at=at(day, 9), ends_at=at(day, 17)
        )
    tasks.flag_rota_gaps.delay()
    assert wait_for(lambda: len(mail.outbox) == 1)
    tasks.flag_rota_gaps.delay()
    clock_time.sleep(1.0)
    assert len(mail.outbox) == 1
    assert "from 9am to 11am" in mail.outbox[0].body
    assert SentNotification.objects.filter(key__startswith=f"rota-gap:{world.spa.pk}:").count() == 1


def test_times_are_utc_so_a_shift_across_the_clock_change_is_the_right_length():
    shift_start, shift_end = local(date(2026, 3, 28), time(22)), local(date(2026, 3, 29), time(10))
    assert shift_end - shift_start == timedelta(hours=11)  # the clocks went forward in between
    assert isinstance(shift_start, datetime)
