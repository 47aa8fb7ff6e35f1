"""The retention policy (referrals/retention.py): ended referrals lose the child's identifiable
details after REFERRAL_RETENTION_YEARS (default 8), aggregates are kept, and it is audited and idempotent."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from partnership.models.audit import AuditAction, AuditEvent
from referrals import notify, retention
from referrals.models import InformationRequest, Message, ReferralMonth, Status, StatusChange
from referrals.rollups import refresh
from referrals.services.messages import post_message
from referrals.tasks.retention import pseudonymise_expired_referrals

from .factories import act, details_for, draft, make_world, referral_in

pytestmark = pytest.mark.django_db

FIGURES = ("phase", "month", "referrals", "accepted", "signposted", "not_accepted", "waits", "thrive", "reasons")


def days_ago(days: int):
    """Travel back to make a referral's history then (the status history is append-only)."""
    return time_machine.travel(timezone.now() - timedelta(days=days), tick=False)


@pytest.fixture
def world():
    return make_world()


def old_referral(world, status, *, years=8, extra_days=1):
    with days_ago(365 * years + 2 + extra_days), notify.suppressed():  # + 2 leap days
        referral = referral_in(world, status)
        post_message(referral_id=referral.pk, by=world.referrer, body="Zebedee's mum called", from_duty_team=False)
    return referral


def test_the_default_period_is_eight_years_and_ended_means_no_way_out():
    assert retention.retention_years() == 8
    assert retention.ENDED == {Status.CLOSED, Status.SIGNPOSTED, Status.NOT_ACCEPTED}
    assert retention.cutoff(date(2032, 2, 29), 8) == date(2024, 2, 29)
    assert retention.cutoff(date(2028, 2, 29), 1) == date(2027, 2, 28)


def test_an_ended_referral_past_the_period_loses_the_childs_details_and_keeps_the_aggregates(world):
    closed = old_referral(world, Status.CLOSED)
    signposted = old_referral(world, Status.SIGNPOSTED)
    refresh([world.partnership.pk])
    figures = sorted(ReferralMonth.objects.values_list(*FIGURES))

    assert pseudonymise_expired_referrals() == 2

    for referral in (closed, signposted):
        referral.refresh_from_db()
        assert referral.child_first_name == referral.child_last_name == referral.nhs_number == referral.postcode == ""
        assert referral.date_of_birth is None and referral.situation == retention.REMOVED
        assert referral.pseudonymised_at is not None
        assert referral.reference.startswith("SPA-")  # the pseudonym
        assert set(Message.objects.filter(referral=referral).values_list("body", flat=True)) == {retention.REMOVED}
        event = AuditEvent.objects.get(
            action=AuditAction.UPDATE, object_id=str(referral.pk), detail__retention="pseudonymised"
        )
        assert "Zebedee" not in str(event.detail)
    closed.refresh_from_db()
    assert closed.status == Status.CLOSED and closed.submitted_at is not None and closed.first_contact_on is not None
    refresh([world.partnership.pk])
    after = sorted(ReferralMonth.objects.values_list(*FIGURES))
    assert after == figures  # the aggregates are kept


def test_questions_answers_and_status_notes_are_removed_too(world):
    with days_ago(365 * 8 + 3), notify.suppressed():
        referral = draft(world)
        for name in ("submit", "claim", "request_information", "answer", "not_accept"):
            act(world, referral, name, note="about Zebedee", **details_for(world, name))
    assert retention.pseudonymise() == 1
    asked = InformationRequest.objects.get(referral=referral)
    assert asked.question == retention.REMOVED and asked.answer == retention.REMOVED
    assert set(StatusChange.objects.filter(referral=referral).values_list("note", flat=True)) == {retention.REMOVED}


def test_not_yet_due_open_and_already_done_referrals_are_left_alone(world, settings):
    recent = old_referral(world, Status.CLOSED, years=7, extra_days=300)
    still_open = old_referral(world, Status.ACCEPTED, years=9)
    done = old_referral(world, Status.NOT_ACCEPTED)
    assert retention.pseudonymise() == 1
    assert retention.pseudonymise() == 0  # idempotent
    recent.refresh_from_db()
    still_open.refresh_from_db()
    assert recent.child_first_name and still_open.child_first_name and recent.pseudonymised_at is None
    done.refresh_from_db()
    assert done.pseudonymised_at is not None

    settings.REFERRAL_RETENTION_YEARS = 7  # configurable
    assert retention.pseudonymise() == 1
    recent.refresh_from_db()
    assert recent.pseudonymised_at is not None


def test_pseudonymising_bumps_the_version_so_a_stale_edit_fails(world):
    referral = old_referral(world, Status.CLOSED)
    version = referral.version
    retention.pseudonymise()
    referral.refresh_from_db()
    assert referral.version == version + 1


def test_the_retention_task_is_on_the_beat_schedule():
    from config.celery import app

    entries = [
        e for e in app.conf.beat_schedule.values() if e["task"] == "referrals.tasks.pseudonymise_expired_referrals"
    ]
    assert len(entries) == 1


def test_the_status_history_stays_append_only_but_for_the_retention_marker(world):
    from django.db import ProgrammingError, transaction

    referral = old_referral(world, Status.CLOSED)
    changes = StatusChange.objects.filter(referral=referral)
    for update in ({"note": "rewritten"}, {"note": retention.REMOVED, "to_status": Status.DRAFT}):
        with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
            changes.update(**update)
    with pytest.raises(ProgrammingError, match="append-only"), transaction.atomic():
        changes.delete()
    assert changes.update(note=retention.REMOVED) == changes.count()
