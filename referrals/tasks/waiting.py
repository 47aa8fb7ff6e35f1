"""The waiting-time warnings to duty leads, every 15 minutes on Celery beat (see
referrals/services/waiting_warnings.py).

acks_late and reject_on_worker_lost are also set in settings (CELERY_TASK_ACKS_LATE,
CELERY_TASK_REJECT_ON_WORKER_LOST); they are repeated here so this task's guarantee doesn't hang on
a setting: the message is acknowledged only when the task has finished, and a worker killed
mid-way leaves it to be redelivered, so the next run sends whatever was not sent (each warning's
SentNotification key stops a second copy of what was).
"""

from celery import shared_task

from ..services import waiting_warnings


@shared_task(name="referrals.tasks.warn_waiting_times", acks_late=True, reject_on_worker_lost=True)
def warn_waiting_times() -> int:
    return waiting_warnings.warn()
