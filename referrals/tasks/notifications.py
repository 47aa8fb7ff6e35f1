"""Celery tasks that email the school or the duty team about a referral (see referrals/emails.py).

They take an id only, and are delivered at least once through the outbox (partnership/outbox.py).
`outbox.handle` runs each message's work once, and each email is also keyed per effect and recipient
(send_once), so a task run twice, concurrently, or redelivered after a worker died (acks_late,
reject_on_worker_lost, or the relay's resend) sends each once.
"""

from celery import shared_task

from partnership import outbox

from .. import emails, notify


@shared_task(name=notify.STATUS_CHANGE, acks_late=True, reject_on_worker_lost=True)
def notify_status_change(status_change_id: int) -> int | None:
    return outbox.handle(notify.STATUS_CHANGE, status_change_id, lambda: emails.status_changed(status_change_id))


@shared_task(name=notify.MESSAGE, acks_late=True, reject_on_worker_lost=True)
def notify_message(message_id: int) -> int | None:
    return outbox.handle(notify.MESSAGE, message_id, lambda: emails.message_posted(message_id))
