"""Notifications about referrals (issue 5, item 7). Stub: the notifications helper replaces it.

Called by the services after their transaction commits; receives ids only, never a child's details.
"""


def transition_made(status_change_id: int) -> None:
    """A referral changed state (see StatusChange)."""


def message_posted(message_id: int) -> None:
    """A message was posted on a referral."""
