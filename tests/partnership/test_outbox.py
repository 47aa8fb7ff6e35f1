"""The outbox's rules, in process (partnership/outbox.py); tests/reliability/ runs them against real
Redis and a real worker."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from partnership import outbox
from partnership.models import ExportJob, OutboxMessage

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

TASK = "referrals.tasks.notify_message"


def test_a_message_is_recorded_in_the_transaction_and_sent_after_commit(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        outbox.record(TASK, 7)
        assert published == []  # nothing leaves before commit
    assert published == [(TASK, (7,), {})]
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None and message.attempts == 1 and message.done_at is None


def test_a_rolled_back_change_leaves_no_message(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValueError), transaction.atomic():
        outbox.record(TASK, 7)
        raise ValueError
    assert published == [] and not OutboxMessage.objects.exists()


def test_recording_twice_keeps_one_message(published, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outbox.record(TASK, 7)
        outbox.record(TASK, 7)
    assert OutboxMessage.objects.count() == 1


def test_the_relay_sends_the_unsent_and_the_overdue_but_not_the_done_or_recent(published, settings):
    settings.OUTBOX_RETRY_AFTER = 60
    now = timezone.now()
    unsent = OutboxMessage.objects.create(task=TASK, object_id=1)
    overdue = OutboxMessage.objects.create(task=TASK, object_id=2, sent_at=now - timedelta(seconds=61), attempts=1)
    OutboxMessage.objects.create(task=TASK, object_id=3, sent_at=now - timedelta(seconds=5), attempts=1)
    OutboxMessage.objects.create(task=TASK, object_id=4, sent_at=now - timedelta(hours=1), done_at=now)
    assert outbox.relay()["sent"] == 2
    assert sorted(args for _, args, _ in published) == [(1,), (2,)]
    assert OutboxMessage.objects.get(pk=overdue.pk).attempts == 2
    assert OutboxMessage.objects.get(pk=unsent.pk).sent_at is not None
    assert outbox.relay()["sent"] == 0  # just sent: not again until OUTBOX_RETRY_AFTER


def test_a_message_whose_task_keeps_failing_is_given_up_after_max_attempts(published, settings):
    settings.OUTBOX_RETRY_AFTER = 60
    old = timezone.now() - timedelta(hours=1)
    OutboxMessage.objects.create(task=TASK, object_id=1, sent_at=old, attempts=outbox.MAX_ATTEMPTS - 1)
    OutboxMessage.objects.create(task=TASK, object_id=2, sent_at=old, attempts=outbox.MAX_ATTEMPTS)
    assert outbox.relay()["sent"] == 1
    assert [args for _, args, _ in published] == [(1,)]
    assert OutboxMessage.objects.filter(done_at__isnull=True).count() == 2  # still shown as not done


def test_the_relay_stops_at_the_first_failure_and_keeps_the_rest(broker_down):
    OutboxMessage.objects.create(task=TASK, object_id=1)
    OutboxMessage.objects.create(task=TASK, object_id=2)
    assert outbox.relay()["sent"] == 0
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 2


def test_an_open_breaker_skips_the_broker_from_requests_but_not_from_the_relay(monkeypatch, published):
    monkeypatch.setitem(outbox._breaker, "open_until", float("inf"))
    assert outbox.send_now(TASK, args=[1]) is False
    assert published == []
    assert outbox.send_now(TASK, args=[1], from_request=False) is True
    assert published == [(TASK, (1,), {})]
    assert not outbox.breaker_open()  # a success closes it


def test_a_failure_opens_the_breaker(broker_down):
    assert outbox.send_now(TASK, args=[1]) is False
    assert outbox.breaker_open()


def test_handle_runs_the_work_once_and_marks_the_message_done():
    OutboxMessage.objects.create(task=TASK, object_id=5)
    runs = []
    assert outbox.handle(TASK, 5, lambda: runs.append(1) or "sent") == "sent"
    assert outbox.handle(TASK, 5, lambda: runs.append(1) or "sent") is None
    assert runs == [1]
    assert OutboxMessage.objects.get().done_at is not None


def test_handle_leaves_the_message_pending_when_the_work_fails():
    OutboxMessage.objects.create(task=TASK, object_id=5)
    with pytest.raises(RuntimeError):
        outbox.handle(TASK, 5, lambda: (_ for _ in ()).throw(RuntimeError("mail server down")))
    assert OutboxMessage.objects.get().done_at is None  # the relay sends it again


def test_the_relay_requeues_board_packs_left_queued(published, settings):
    settings.OUTBOX_RETRY_AFTER = 60
    user = UserFactory()
    stuck = ExportJob.objects.create(requested_by=user, kind=ExportJob.Kind.BOARD_PACK, params={})
    ExportJob.objects.create(requested_by=user, kind=ExportJob.Kind.BOARD_PACK, params={})  # fresh: not yet
    running = ExportJob.objects.create(requested_by=user, kind=ExportJob.Kind.BOARD_PACK, params={}, status="running")
    old = timezone.now() - timedelta(minutes=5)
    ExportJob.objects.filter(pk__in=[stuck.pk, running.pk]).update(created_at=old)
    assert outbox.relay()["board_packs"] == 1
    assert published == [("partnership.tasks.build_board_pack", (str(stuck.pk),), {})]


def test_the_relay_is_on_the_beat_schedule():
    from config.celery import app

    assert any(entry["task"] == "partnership.tasks.relay_outbox" for entry in app.conf.beat_schedule.values())
