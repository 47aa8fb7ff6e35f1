"""Celery task failures recorded for admins (partnership.models.TaskFailure).

Connected to Celery's task_failure signal in config/celery.py. Records the task's name and id, its
arguments reduced to ids (tasks take ids, never a child's details: anything else is shown only by
its type) and the exception's type, never its message, which could quote data.
"""

import logging
import re
import uuid

from ..models import TaskFailure

logger = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9]{1,20}$")
_ID_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
_FIELD = TaskFailure._meta.get_field


def _id_or_type(value) -> str:
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, str):
        if _ID.match(value):
            return value
        try:
            return str(uuid.UUID(value))
        except ValueError:
            return "<str>"
    if isinstance(value, list | tuple) and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return "[" + ", ".join(str(v) for v in value[:20]) + (", ..." if len(value) > 20 else "") + "]"
    return f"<{type(value).__name__}>"


def describe_arguments(args, kwargs) -> str:
    """`12, <str>, partnership_id=3`: ids as they are, anything else only by its type; truncated."""
    parts = [_id_or_type(value) for value in (args or ())]
    parts += [f"{key}={_id_or_type(value)}" for key, value in sorted((kwargs or {}).items()) if _ID_KEY.match(key)]
    limit = _FIELD("args").max_length
    text = ", ".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def exception_type(exception) -> str:
    cls = type(exception)
    name = cls.__qualname__ if cls.__module__ in ("builtins", None) else f"{cls.__module__}.{cls.__qualname__}"
    return name[: _FIELD("exception").max_length]


def record_failure(*, task_name: str, task_id: str | None, args, kwargs, exception) -> TaskFailure | None:
    """Never raises: a failure to record a failure is logged (by type) and the worker carries on."""
    try:
        return TaskFailure.objects.create(
            task=(task_name or "?")[: _FIELD("task").max_length],
            task_id=(task_id or "")[: _FIELD("task_id").max_length],
            args=describe_arguments(args, kwargs),
            exception=exception_type(exception),
        )
    except Exception as exc:  # the database may be what failed
        logger.error("Could not record the failure of task %s: %s", task_name, type(exc).__name__)
        return None


def on_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, **_extra) -> None:
    record_failure(
        task_name=getattr(sender, "name", None) or "?",
        task_id=task_id,
        args=args,
        kwargs=kwargs,
        exception=exception,
    )
