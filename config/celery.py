import logging.config
import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("cyp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def _use_django_logging(**_kwargs):
    """Worker and beat log through settings.LOGGING (plain or JSON, with request_id, and task_name and
    task_id inside a task) instead of Celery's own format. Connecting this stops Celery configuring logging."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.task_failure.connect
def _record_task_failure(**kwargs):
    """Every failed task becomes a TaskFailure row, shown to admins (partnership/admin.py)."""
    from partnership.tasks.failures import on_task_failure

    on_task_failure(**kwargs)
