"""Celery tasks of the action log (see partnership/tasks/__init__.py)."""

from celery import shared_task

from ..services import actions


@shared_task(name="partnership.tasks.send_action_reminders")
def send_action_reminders() -> int:
    """Due-soon and overdue reminders to action owners; idempotent per action and due date."""
    return actions.send_action_reminders()
