"""Nothing is lost when the broker or a worker fails (issue 8, item 1: F1-F5), against real services:
a private Redis the test stops and starts, and a real Celery worker subprocess (with beat, so the
outbox relay runs as in production) that the test SIGKILLs. The worker writes emails to files, so
"exactly once" is counted on what was actually sent.

The design is in partnership/outbox.py and docs/adr/0014-outbox.md.
"""

import statistics
import time

import psycopg
import pytest
from django.db import connection, transaction
from django.urls import reverse

from config.celery import app
from partnership.models import OutboxMessage, SentNotification
from referrals import emails, notify
from referrals.models import Referral, Status
from referrals.services.waiting_warnings import unwarned_breaches

from ..conftest import sign_in, wait_for
from ..referrals.factories import act, draft, local_days_ago, make_world
from .services import RedisServer, Worker, point_celery_at

pytestmark = [pytest.mark.services, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

DELIVERY_SECONDS = 60  # F2: every pending effect is delivered within this, once Redis is back


@pytest.fixture
def broker(tmp_path):
    """A private Redis that this process publishes to; stopped and started by the test."""
    server = RedisServer(tmp_path)
    server.start()
    before = app.conf.broker_url
    point_celery_at(server.url)
    yield server
    point_celery_at(before)
    server.stop()


@pytest.fixture
def worker(broker, tmp_path):
    process = Worker(broker, tmp_path)
    yield process
    process.stop()


@pytest.fixture
def world(client):
    world = make_world()
    sign_in(client, world.referrer)
    return world


def submit(client, world) -> tuple[Referral, float]:
    """Submit a new referral through the school's check-answers page; (referral, seconds taken)."""
    referral = draft(world)
    url = reverse("referrals_school_check", kwargs={"slug": world.partnership.slug, "pk": referral.pk})
    started = time.perf_counter()
    response = client.post(url, {"version": referral.version})
    took = time.perf_counter() - started
    assert response.status_code == 302, response.content.decode()[:300]
    assert response.url == reverse(
        "referrals_school_submitted", kwargs={"slug": world.partnership.slug, "pk": referral.pk}
    )
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    return referral, took


def all_done() -> bool:
    return not OutboxMessage.objects.filter(done_at__isnull=True).exists()


def expected_emails(referrals) -> set:
    """(recipient, subject) of the "received" email each referral's school recipients get."""
    return {
        (user.email, f"Referral {referral.reference}: received")
        for referral in referrals
        for user in emails.school_recipients(referral)
    }


def assert_each_sent_once(worker, referrals) -> None:
    sent = worker.emails()
    assert set(sent) == expected_emails(referrals), worker.log()[-3000:]
    assert set(sent.values()) == {1}, sent  # none twice


# --- F1 ------------------------------------------------------------------------------------------------


def test_f1_with_redis_stopped_submitting_still_succeeds_without_waiting_for_the_broker(client, world, broker):
    submit(client, world)  # warm up (first queries, templates)
    normal = statistics.median(submit(client, world)[1] for _ in range(7))
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0  # handed to Redis at once

    broker.stop()
    outage = [submit(client, world) for _ in range(7)]
    during = statistics.median(took for _, took in outage)

    assert Referral.objects.filter(status=Status.SUBMITTED).count() == 15
    # each submission's notification is kept, unsent, for the relay
    unsent = OutboxMessage.objects.filter(task=notify.STATUS_CHANGE, sent_at__isnull=True, done_at__isnull=True)
    assert unsent.count() == 7
    assert during <= 2 * normal, f"median {during:.3f}s with Redis stopped against {normal:.3f}s normally"


# --- F2 ------------------------------------------------------------------------------------------------


def test_f2_after_redis_returns_every_pending_effect_is_delivered_within_60_s_exactly_once(
    client, world, broker, worker
):
    broker.stop()
    referrals = [submit(client, world)[0] for _ in range(4)]
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 4

    broker.start()
    worker.start()
    back = time.monotonic()
    assert wait_for(all_done, timeout=DELIVERY_SECONDS), worker.log()[-3000:]
    assert time.monotonic() - back < DELIVERY_SECONDS
    assert wait_for(lambda: set(worker.emails()) == expected_emails(referrals), timeout=5)
    time.sleep(5)  # several relay rounds (every second) and redelivery windows (3 s) later...
    assert_each_sent_once(worker, referrals)  # ...still exactly once
    assert SentNotification.objects.filter(key__startswith="referral-status:").count() == len(
        expected_emails(referrals)
    )


# --- F3 ------------------------------------------------------------------------------------------------


def _lock_sent_notifications():
    """Another connection that holds a lock making every SentNotification insert wait: a task that gets
    there is stopped mid-way, inside its transaction, before it sends anything."""
    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"] or None, dbname=db["NAME"]
    )
    blocker.execute(f"LOCK TABLE {SentNotification._meta.db_table} IN EXCLUSIVE MODE")
    return blocker


def _a_task_waits_on_the_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_f3_a_worker_killed_mid_task_runs_it_again_and_the_effect_happens_once(client, world, broker, worker):
    worker.start()
    blocker = _lock_sent_notifications()
    try:
        referral, _ = submit(client, world)
        assert wait_for(_a_task_waits_on_the_lock, timeout=30), worker.log()[-3000:]
        worker.kill()  # SIGKILL, mid-task: the task has started and holds its transaction open
    finally:
        blocker.rollback()
        blocker.close()
    message = OutboxMessage.objects.get(task=notify.STATUS_CHANGE)
    assert message.done_at is None and worker.emails() == {}  # the killed run left no effect

    worker.start()
    assert wait_for(all_done, timeout=DELIVERY_SECONDS), worker.log()[-3000:]
    assert wait_for(lambda: set(worker.emails()) == expected_emails([referral]), timeout=5)
    time.sleep(4)  # any late redelivery has had its chance
    assert_each_sent_once(worker, [referral])
    assert OutboxMessage.objects.get(pk=message.pk).attempts >= 2  # sent again by the relay


# --- F4 ------------------------------------------------------------------------------------------------


def test_f4_an_error_after_the_change_inside_the_transaction_leaves_no_effect(client, world, broker, worker):
    worker.start()
    doomed = draft(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        act(world, doomed, "submit")
        assert OutboxMessage.objects.filter(task=notify.STATUS_CHANGE).exists()  # recorded with the change...
        raise RuntimeError("something fails after the change, before commit")
    doomed.refresh_from_db()
    assert doomed.status == Status.DRAFT
    assert not OutboxMessage.objects.exists()  # ...and rolled back with it

    witness, _ = submit(client, world)  # delivered through the same worker, after the failure
    assert wait_for(all_done, timeout=DELIVERY_SECONDS) and wait_for(lambda: worker.emails(), timeout=5)
    time.sleep(3)  # relay rounds later
    assert_each_sent_once(worker, [witness])  # the witness's emails, and nothing for the doomed change
    assert not any(doomed.reference and doomed.reference in subject for _, subject in worker.emails())


# --- F5 ------------------------------------------------------------------------------------------------


def test_f5_after_an_outage_the_sweep_leaves_no_breach_without_its_warning(client, world, broker, worker):
    broker.stop()
    referrals = [submit(client, world)[0] for _ in range(3)]
    # they have waited past the standard (29 days) while the outage went on
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(submitted_at=local_days_ago(29))
    assert sorted(unwarned_breaches()) == sorted(r.pk for r in referrals)  # the check can fail

    broker.start()
    worker.start()
    app.send_task("referrals.tasks.warn_waiting_times")  # as beat does every 15 minutes
    assert wait_for(lambda: unwarned_breaches() == [], timeout=DELIVERY_SECONDS), worker.log()[-3000:]
    assert wait_for(all_done, timeout=DELIVERY_SECONDS)  # and the submissions' own notifications went
    assert wait_for(lambda: any("breached" in subject.lower() for _, subject in worker.emails()), timeout=5)
