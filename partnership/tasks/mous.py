"""Celery tasks for memoranda of understanding (see partnership/tasks/__init__.py)."""

from celery import shared_task

from ..services import mous


@shared_task(name="partnership.tasks.send_mou_review_reminders")
def send_mou_review_reminders() -> int:
    return mous.send_mou_review_reminders()
