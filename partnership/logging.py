"""Log-record context: every line carries the request id, and lines written inside a Celery task
carry the task's name and id. Formatting (plain or JSON) is chosen in settings (LOG_FORMAT)."""

import logging

from celery._state import get_current_task

from . import request_context


class RequestIdFilter(logging.Filter):
    """Adds request_id ("-" outside a request), task_name and task_id (None outside a task), and
    `task` (" task=name[id]" or ""), for the plain format."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_context.current().request_id
        if not request_id:
            # django.request logs a 4xx/5xx response after the middleware has returned (and reset
            # the context); the record carries the request itself.
            request_id = getattr(getattr(record, "request", None), "request_id", "")
        record.request_id = request_id or "-"
        task = get_current_task()
        task_id = getattr(getattr(task, "request", None), "id", None) if task is not None else None
        if task is not None and task_id:
            record.task_name, record.task_id = task.name, task_id
            record.task = f" task={task.name}[{task_id}]"
        else:
            record.task_name = record.task_id = None
            record.task = ""
        return True
