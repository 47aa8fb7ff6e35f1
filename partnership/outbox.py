"""The transactional outbox: work that must happen because of a change is never lost (issue 8, ADR 0014).

A service that changes something calls `record(task, object_id)` inside its transaction. That writes
an `OutboxMessage` with the change, so both commit or neither does (F4). After commit, `push` tries
to hand the message to the broker at once, so a notification normally goes out within a second.

If the broker is down the request does not wait for it (F1): the first failure opens a breaker for
BREAKER_SECONDS, during which requests do not try at all, and the message simply stays unsent. The
relay (`relay()`, run by beat every OUTBOX_RELAY_SECONDS) sends every message that was never sent, or
was sent more than OUTBOX_RETRY_AFTER seconds ago and is still not done, so everything pending goes
out once the broker is back (F2), and a message whose worker was killed mid-task is sent again (F3).

Delivery is at least once, so the task's effect is keyed on the message: a task wraps its work in
`handle(task, object_id, work)`, which locks the message, does nothing if it is already done, and
marks it done in the same transaction as the work's own database writes (the emails' SentNotification
keys and audit events). Running twice, or concurrently, therefore has the effect once.

Messages hold a task name and an id, never a child's details. `send_now` is the same breaker-guarded
"hand to the broker, never block or raise" for work whose state is already its own record (the rollup
refresh: RollupState.stale_since; board packs: ExportJob.status), which the relay's sweeps re-derive.
"""

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import ExportJob, OutboxMessage

log = logging.getLogger(__name__)

#: after a failed send, requests do not try the broker for this long (the relay still does)
BREAKER_SECONDS = 30.0
#: a message handed to workers this many times and still not done (its task keeps failing) is no
#: longer sent: it stays "not done", the admin's outbox page and front page show it, and each failure
#: is a TaskFailure. (A broker outage does not count: a send that fails is not an attempt.)
MAX_ATTEMPTS = 12
_breaker = {"open_until": 0.0}


def retry_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "OUTBOX_RETRY_AFTER", 300))


def record(task: str, object_id: int) -> None:
    """Inside the change's transaction: `task(object_id)` must run. It is sent after commit (or by the relay)."""
    message, _ = OutboxMessage.objects.get_or_create(task=task, object_id=object_id)
    transaction.on_commit(lambda: push([message.pk], from_request=True))


def breaker_open() -> bool:
    return time.monotonic() < _breaker["open_until"]


def send_now(task: str, *, args=(), kwargs=None, from_request: bool = True) -> bool:
    """Hand `task` to the broker without retrying; False (logged: the task's name only) if it is down.
    From a request, an open breaker skips the attempt altogether."""
    if from_request and breaker_open():
        return False
    try:
        _publish(task, list(args), kwargs or {})
    except Exception as error:  # a broker outage must never turn a saved change into an error
        _breaker["open_until"] = time.monotonic() + BREAKER_SECONDS
        log.warning("The broker is unavailable (%s): %s will be sent by the relay", type(error).__name__, task)
        return False
    _breaker["open_until"] = 0.0
    return True


def _publish(task: str, args: list, kwargs: dict) -> None:
    current_app.send_task(task, args=args, kwargs=kwargs, retry=False)


def push(message_ids: list[int], *, from_request: bool = False) -> int:
    """Send these messages (those not yet done); returns how many reached the broker."""
    sent = 0
    for message in OutboxMessage.objects.filter(pk__in=message_ids, done_at__isnull=True).order_by("pk"):
        if not send_now(message.task, args=[message.object_id], from_request=from_request):
            break
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=message.attempts + 1)
        sent += 1
    return sent


def pending(now=None):
    """Messages the relay should send: never sent, or sent long enough ago and still not done (and not
    given up on after MAX_ATTEMPTS)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(done_at__isnull=True, attempts__lt=MAX_ATTEMPTS).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=now - retry_after())
    )


def relay(limit: int = 1000) -> dict:
    """The periodic sweep (beat): send pending outbox messages, and re-queue board packs left queued."""
    with transaction.atomic():
        ids = list(
            pending().order_by("created_at").select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        sent = push(ids)
    return {"pending": len(ids), "sent": sent, "board_packs": _requeue_board_packs()}


def _requeue_board_packs() -> int:
    cutoff = timezone.now() - retry_after()
    stuck = ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=cutoff).values_list("pk", flat=True)
    count = 0
    for job_id in stuck[:100]:
        if not send_now("partnership.tasks.build_board_pack", args=[str(job_id)], from_request=False):
            break
        count += 1
    return count


def handle(task: str, object_id: int, work: Callable[[], object]):
    """Run a task's `work` once per outbox message: None if it was already done."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(task=task, object_id=object_id).first()
        if message is not None and message.done_at is not None:
            return None
        result = work()
        if message is not None:
            OutboxMessage.objects.filter(pk=message.pk).update(done_at=timezone.now())
    return result
