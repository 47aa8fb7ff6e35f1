"""Log-record context: every line carries the request id, and lines written inside a Celery task
carry the task's name and id. Formatting (plain or JSON) is chosen in settings (LOG_FORMAT)."""

import logging
import re

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


#: what PostgreSQL puts in its error messages that could be a child's details: the failing row's
#: values, a key's value, and any DETAIL line
_DATABASE_VALUES = [
    (re.compile(r"Failing row contains .*"), "Failing row contains [redacted]."),
    (re.compile(r"Key \((.*?)\)=\(.*?\)", re.S), r"Key (\1)=([redacted])"),
    (re.compile(r"DETAIL:.*"), "DETAIL: [redacted]"),
]


def redact_database_values(text: str) -> str:
    for pattern, replacement in _DATABASE_VALUES:
        text = pattern.sub(replacement, text)
    return text


class RedactDatabaseValues(logging.Filter):
    """A database error's message can quote the row it refused (a child's name, date of birth), and
    django.request and Celery log exceptions with their messages: remove those values from the
    message and the traceback of every line before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_database_values(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # the formatters print exc_text when exc_info is gone (the JSON one would format exc_info again)
            record.exc_text, record.exc_info = redact_database_values(record.exc_text), None
        return True
