"""Waiting-time warnings to duty leads (referrals/services/waiting_warnings.py): Red from day 22,
Breached from day 29, once per referral and threshold, at the exact boundaries and across clock
changes, in one digest per SPA and threshold; two runs at once; and through the real Celery worker."""

import datetime
import threading
import time
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection

from partnership.models import AuditEvent, Membership, SentNotification
from partnership.roles import Role
from referrals import emails, notify
from referrals.models import Referral, Status
from referrals.services.waiting_warnings import warn
from referrals.tasks.waiting import warn_waiting_times

from ..conftest import wait_for
from ..factories import member
from .factories import local_days_ago, make_world, referral_in

LONDON = zoneinfo.ZoneInfo("Europe/London")
CHILD = ("Zebedee", "Quagmire", "9434765919", "NS1 2AB")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def submitted(world, moment, status=Status.SUBMITTED):
    with time_machine.travel(moment, tick=False):
        return referral_in(world, status)


def warn_on(moment) -> list:
    mail.outbox.clear()
    with time_machine.travel(moment, tick=False):
        warn()
    return list(mail.outbox)


def subjects(messages):
    return [m.subject for m in messages]


def red(spa, count=1):
    return f"{spa.name}: {count} referral{'' if count == 1 else 's'} now Red"


def breached(spa, count=1):
    return f"{spa.name}: {count} referral{'' if count == 1 else 's'} breached the four-week standard"


def listed(message) -> list[str]:
    """The references a digest lists, in its order."""
    return [line[2:].split(":")[0] for line in message.body.splitlines() if line.startswith("- SPA-")]


# --- the boundaries --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("submitted_on", "label"),
    [
        (at(2026, 3, 10, 9, 0), "spring: BST starts on 29 March, between submission and day 22"),
        (at(2025, 10, 20, 0, 30), "autumn: submitted at 00:30 BST (23:30 UTC the day before); GMT from 26 October"),
        (at(2025, 12, 15, 23, 45), "year end: submitted late on 15 December, day 22 is 6 January"),
    ],
)
def test_warnings_at_the_exact_boundaries(submitted_on, label):
    world = make_world()
    referral = submitted(world, submitted_on)
    day = submitted_on.date()

    def on(days, hour=0, minute=1):
        return at(*(day + datetime.timedelta(days=days)).timetuple()[:3], hour, minute)

    assert warn_on(on(14)) == []  # green
    assert warn_on(on(21, 23, 59)) == []  # amber, last minute of day 21
    sent = warn_on(on(22))  # first minute of day 22: Red
    assert subjects(sent) == [red(world.spa)], label
    assert sent[0].to == [world.duty_lead.email]
    assert f"- {referral.reference}: waiting 22 days" in sent[0].body.splitlines()
    assert warn_on(on(22, 12)) == []  # again the same day: nothing
    assert warn_on(on(28, 23, 59)) == []  # day 28: still Red, already warned
    sent = warn_on(on(29))  # day 29: Breached
    assert subjects(sent) == [breached(world.spa)], label
    assert f"- {referral.reference}: waiting 29 days" in sent[0].body.splitlines()
    assert warn_on(on(60)) == []
    keys = set(SentNotification.objects.filter(key__startswith="referral-clock:").values_list("key", flat=True))
    assert keys == {f"referral-clock:{referral.pk}:red", f"referral-clock:{referral.pk}:breached"}


@pytest.mark.django_db
def test_a_referral_first_seen_breached_gets_the_breach_warning_only():
    world = make_world()
    referral = submitted(world, at(2026, 1, 5, 10))
    sent = warn_on(at(2026, 2, 20, 9))  # day 46: the beat never saw it Red
    assert subjects(sent) == [breached(world.spa)]
    assert listed(sent[0]) == [referral.reference]
    assert not SentNotification.objects.filter(key=f"referral-clock:{referral.pk}:red").exists()
    assert warn_on(at(2026, 2, 21, 9)) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.IN_TRIAGE, Status.INFO_REQUESTED, Status.ACCEPTED])
def test_every_open_state_is_warned(status):
    world = make_world()
    referral = submitted(world, at(2026, 1, 5, 10), status)
    sent = warn_on(at(2026, 1, 27, 9))
    assert subjects(sent) == [red(world.spa)] and listed(sent[0]) == [referral.reference]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SIGNPOSTED, Status.NOT_ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED]
)
def test_referrals_no_longer_waiting_are_not_warned(status):
    world = make_world()
    submitted(world, at(2026, 1, 5, 10), status)
    assert warn_on(at(2026, 2, 20, 9)) == []
    assert not SentNotification.objects.filter(key__startswith="referral-clock:").exists()


# --- who, what, and once ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_spas_active_duty_leads_are_warned_and_the_email_has_no_child_details():
    world = make_world()
    second_lead = member(world.partnership, Role.DUTY_LEAD, organisation=world.spa.provider, totp=True)
    gone = member(world.partnership, Role.DUTY_LEAD, organisation=world.spa.provider, totp=True)
    Membership.objects.filter(user=gone).update(is_active=False)
    other = make_world("Other")
    referral = submitted(world, at(2026, 1, 5, 10))
    sent = warn_on(at(2026, 2, 20, 9))
    assert len(sent) == 1
    assert sorted(sent[0].to) == sorted([world.duty_lead.email, second_lead.email])
    assert not {world.clinician.email, gone.email, other.duty_lead.email, world.referrer.email} & set(sent[0].to)
    text = f"{sent[0].subject}\n{sent[0].body}"
    for secret in (*CHILD, world.school.name, world.referrer.email):
        assert secret not in text
    assert listed(sent[0]) == [referral.reference]
    link = f"/partnerships/{world.partnership.slug}/referrals/triage/?open=on&clock=breached"
    assert link in sent[0].body
    event = AuditEvent.objects.get(detail__notification="referral_clock_breached_digest")
    assert event.detail == {
        "notification": "referral_clock_breached_digest",
        "count": 1,
        "references": [referral.reference],
        "recipients": 2,
    }
    assert event.object_id == str(world.spa.pk) and event.partnership_id == world.partnership.pk


@pytest.mark.django_db
def test_one_digest_per_spa_and_threshold_listing_each_referral_once():
    world = make_world()
    other = make_world("Other")
    first = submitted(world, at(2026, 1, 5, 10))  # day 29 on 3 February
    second = submitted(world, at(2026, 1, 12, 10))  # day 22
    third = submitted(world, at(2026, 1, 11, 10))  # day 23
    elsewhere = submitted(other, at(2026, 1, 12, 10))
    mail.outbox.clear()
    with time_machine.travel(at(2026, 2, 3, 9), tick=False):
        assert warn() == 4
        assert warn() == 0
    by_subject = {m.subject: m for m in mail.outbox}
    assert sorted(by_subject) == sorted([breached(world.spa), red(world.spa, 2), red(other.spa)])
    assert listed(by_subject[red(world.spa, 2)]) == [third.reference, second.reference]  # longest wait first
    assert listed(by_subject[breached(world.spa)]) == [first.reference]
    assert listed(by_subject[red(other.spa)]) == [elsewhere.reference]
    assert by_subject[red(other.spa)].to == [other.duty_lead.email]
    assert AuditEvent.objects.filter(detail__notification__startswith="referral_clock_").count() == 3


@pytest.mark.django_db
def test_a_long_digest_lists_the_first_lines_and_says_how_many_more():
    world = make_world()
    referrals = [submitted(world, at(2026, 1, 5, 10)) for _ in range(emails.DIGEST_LINES + 3)]
    sent = warn_on(at(2026, 2, 20, 9))
    assert subjects(sent) == [breached(world.spa, len(referrals))]
    assert len(listed(sent[0])) == emails.DIGEST_LINES
    assert "- and 3 more: see them all in the triage queue." in sent[0].body.splitlines()
    assert SentNotification.objects.filter(key__startswith="referral-clock:").count() == len(referrals)
    event = AuditEvent.objects.get(detail__notification="referral_clock_breached_digest")
    assert event.detail["count"] == len(referrals)
    assert event.detail["references"] == sorted(r.reference for r in referrals)


@pytest.mark.django_db
def test_an_spa_without_a_duty_lead_records_nothing_and_warns_once_it_has_one():
    world = make_world()
    referral = submitted(world, at(2026, 1, 5, 10))
    Membership.objects.filter(user=world.duty_lead).update(is_active=False)
    assert warn_on(at(2026, 1, 28, 9)) == []
    assert not SentNotification.objects.filter(key__startswith="referral-clock:").exists()
    lead = member(world.partnership, Role.DUTY_LEAD, organisation=world.spa.provider, totp=True)
    sent = warn_on(at(2026, 1, 28, 9, 15))
    assert subjects(sent) == [red(world.spa)] and sent[0].to == [lead.email]
    assert listed(sent[0]) == [referral.reference]


@pytest.mark.django_db
def test_a_failed_send_records_nothing_and_the_next_run_sends_it():
    world = make_world()
    submitted(world, at(2026, 1, 5, 10))
    with (
        time_machine.travel(at(2026, 2, 20, 9), tick=False),
        mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down")),
        pytest.raises(OSError),
    ):
        warn()
    assert not SentNotification.objects.filter(key__startswith="referral-clock:").exists()
    assert not AuditEvent.objects.filter(detail__notification__startswith="referral_clock_").exists()
    assert subjects(warn_on(at(2026, 2, 20, 9, 15))) == [breached(world.spa)]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_warn_once():
    """The first run has inserted its keys and is sending (not committed); the second waits on those
    key rows, then skips them: one digest in all."""
    world = make_world()
    referral = submitted(world, at(2026, 1, 5, 10))
    mail.outbox.clear()
    sending, release = threading.Event(), threading.Event()
    real = emails.send_waiting_digests
    results = {}

    def slow_send(digests):
        if threading.current_thread().name == "first":
            sending.set()
            assert release.wait(10)
        return real(digests)

    def run(name):
        try:
            with time_machine.travel(at(2026, 2, 20, 9), tick=False):
                results[name] = warn()
        finally:
            connection.close()

    with mock.patch.object(emails, "send_waiting_digests", slow_send):
        first = threading.Thread(target=run, args=("first",), name="first")
        first.start()
        assert sending.wait(10)
        second = threading.Thread(target=run, args=("second",), name="second")
        second.start()
        second.join(1.0)
        assert second.is_alive()  # waiting on the first run's uncommitted key
        release.set()
        first.join(10)
        second.join(10)
    assert results == {"first": 1, "second": 0}
    assert subjects(mail.outbox) == [breached(world.spa)]
    assert list(SentNotification.objects.filter(key__startswith="referral-clock:").values_list("key", flat=True)) == [
        f"referral-clock:{referral.pk}:breached"
    ]


def test_the_task_asks_for_redelivery_when_a_worker_dies():
    assert warn_waiting_times.acks_late is True
    assert warn_waiting_times.reject_on_worker_lost is True


def test_the_warnings_are_on_the_beat_schedule():
    from config.celery import app

    assert any(e["task"] == "referrals.tasks.warn_waiting_times" for e in app.conf.beat_schedule.values())


# --- through the real worker -----------------------------------------------------------------------


@pytest.mark.celery
def test_breach_warnings_arrive_once_per_referral_and_threshold_through_the_real_worker(celery_worker):
    with notify.suppressed():  # the submissions' own notifications are not what this test counts
        world = make_world()
        turning_red = referral_in(world, Status.SUBMITTED)
        breaching = referral_in(world, Status.IN_TRIAGE)
        fresh = referral_in(world, Status.SUBMITTED)
    Referral.objects.filter(pk=turning_red.pk).update(submitted_at=local_days_ago(22))
    Referral.objects.filter(pk=breaching.pk).update(submitted_at=local_days_ago(29))
    mail.outbox.clear()

    warn_waiting_times.delay()
    assert wait_for(lambda: len(mail.outbox) == 2)
    warn_waiting_times.delay()
    warn_waiting_times.delay()
    assert wait_for(lambda: _clock_rows() == 2)
    time.sleep(1.5)  # the second and third runs have been consumed and found nothing to send

    assert sorted(subjects(mail.outbox)) == sorted([red(world.spa), breached(world.spa)])
    assert all(m.to == [world.duty_lead.email] for m in mail.outbox)
    assert sorted(ref for m in mail.outbox for ref in listed(m)) == sorted([turning_red.reference, breaching.reference])
    keys = set(SentNotification.objects.filter(key__startswith="referral-clock:").values_list("key", flat=True))
    assert keys == {f"referral-clock:{turning_red.pk}:red", f"referral-clock:{breaching.pk}:breached"}
    assert fresh.pk not in {int(k.split(":")[1]) for k in keys}


def _clock_rows() -> int:
    return SentNotification.objects.filter(key__startswith="referral-clock:").count()
