"""Thin Celery wrappers around services. Tasks take ids, never a child's details."""

from celery import shared_task

from .. import outbox
from ..services import digests


@shared_task(name="partnership.tasks.send_sign_in_failure_digests")
def send_sign_in_failure_digests() -> int:
    return digests.send_sign_in_failure_digests()


@shared_task(name="partnership.tasks.relay_outbox")
def relay_outbox() -> dict:
    """Send pending outbox messages and re-queue stuck board packs (partnership/outbox.py)."""
    return outbox.relay()
