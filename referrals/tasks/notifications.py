"""Celery tasks that email the school or the duty team about a referral (see referrals/emails.py).

They take an id only. Each email is keyed per effect and recipient (send_once), so a task run
twice, or redelivered after a worker died (acks_late, reject_on_worker_lost), sends each once.
"""

from celery import shared_task

from .. import emails


@shared_task(name="referrals.tasks.notify_status_change", acks_late=True, reject_on_worker_lost=True)
def notify_status_change(status_change_id: int) -> int:
    return emails.status_changed(status_change_id)


@shared_task(name="referrals.tasks.notify_message", acks_late=True, reject_on_worker_lost=True)
def notify_message(message_id: int) -> int:
    return emails.message_posted(message_id)
