"""Celery tasks for groups and terms of reference (see partnership/tasks/__init__.py)."""

from celery import shared_task

from ..services import groups


@shared_task(name="partnership.tasks.send_terms_review_reminders")
def send_terms_review_reminders() -> int:
    return groups.send_terms_review_reminders()
