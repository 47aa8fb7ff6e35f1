"""Notifications about referrals (issue 5, item 7): the hooks the services call after commit.

The services call `transition_made` and `message_posted` inside the change's transaction, with ids
only. Each hook records one outbox message (partnership/outbox.py) for a Celery task with that id
(never a child's details in a task's arguments), committed with the change or not at all; it is sent
after commit, or by the relay when the broker is back, at least once. The task decides who is
emailed (referrals/emails.py) and marks the message done with its emails, so each is sent once.

Recording never waits for the broker: if Redis is down the referral is saved and the request carries
on; the relay delivers the notification when Redis returns.

`suppressed()` silences the hooks that run inside it (for demo seeding and bulk imports). The
hooks run inside the transaction of the change.
"""

import threading
from contextlib import contextmanager

from partnership import outbox

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


STATUS_CHANGE = "referrals.tasks.notify_status_change"
MESSAGE = "referrals.tasks.notify_message"


def transition_made(status_change_id: int) -> None:
    """A referral changed state (see StatusChange): in the change's transaction."""
    _record(STATUS_CHANGE, status_change_id)


def message_posted(message_id: int) -> None:
    """A message was posted on a referral: in the message's transaction."""
    _record(MESSAGE, message_id)


def _record(task: str, object_id: int) -> None:
    if not is_suppressed():
        outbox.record(task, object_id)
