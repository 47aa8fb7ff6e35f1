"""Notifications about referrals (issue 5, item 7): the hooks the services call after commit.

The services call `transition_made` and `message_posted` from `transaction.on_commit`, with ids
only. Each hook queues one Celery task with that id (never a child's details in a task's
arguments); the task decides who is emailed (referrals/emails.py) and sends each email once.

Queueing must never break the user's request: if the broker is down the referral is already saved,
so the failure is logged (the task's name and the id, nothing about the child) and the request
carries on. Those emails are then lost; the reliability issue adds an outbox that a periodic task
drains, so that a notification survives a broker outage.

`suppressed()` silences the hooks that RUN inside it (for demo seeding and bulk imports). The
hooks run when the outermost transaction commits, so wrap the whole transaction, not a block
inside it.
"""

import logging
import threading
from contextlib import contextmanager

log = logging.getLogger(__name__)
_state = threading.local()


@contextmanager
def suppressed():
    """While inside, the hooks queue nothing (nested use is fine)."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def is_suppressed() -> bool:
    return getattr(_state, "depth", 0) > 0


def transition_made(status_change_id: int) -> None:
    """A referral changed state (see StatusChange)."""
    from .tasks.notifications import notify_status_change

    _enqueue(notify_status_change, status_change_id)


def message_posted(message_id: int) -> None:
    """A message was posted on a referral."""
    from .tasks.notifications import notify_message

    _enqueue(notify_message, message_id)


def _enqueue(task, object_id: int) -> bool:
    if is_suppressed():
        return False
    try:
        task.delay(object_id)
    except Exception as error:  # a broker outage must not turn a saved referral into a 500
        log.error(
            "Could not queue %s for id %s (%s): the notification was not sent",
            task.name,
            object_id,
            type(error).__name__,
        )
        return False
    return True
