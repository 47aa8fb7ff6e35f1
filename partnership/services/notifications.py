"""Sending an email once: the one pattern every reminder and request uses.

`send_once` creates a SentNotification with `key` in the same transaction as the email and its
audit event, so a task run twice (or by two workers) sends once; if the email fails, nothing is
recorded and the next run tries again (at least once).
"""

from datetime import date, timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from ..models import Membership, Partnership, SentNotification
from ..models.audit import AuditAction
from ..roles import Role
from . import audit


def area_lead_emails(partnership: Partnership) -> list[str]:
    """The addresses of the partnership's active area leads."""
    leads = Membership.objects.for_partnership(partnership).filter(
        is_active=True, user__is_active=True, roles__contains=[Role.AREA_LEAD]
    )
    return sorted(set(leads.values_list("user__email", flat=True)))


def send_once(*, key: str, subject: str, message: str, recipients, obj, detail: dict) -> bool:
    """Email `recipients` unless a notification with `key` was sent; audit it against `obj`.
    Returns whether it was sent now. `detail` names the notification; never a child's details."""
    try:
        with transaction.atomic():
            SentNotification.objects.create(key=key)
            send_mail(subject=subject, message=message, from_email=None, recipient_list=list(recipients))
            audit.record(
                actor=audit.SYSTEM, action=AuditAction.NOTIFICATION_SENT, obj=obj, detail={**detail, "key": key}
            )
    except IntegrityError:
        return False  # already sent
    return True


#: a review reminder is sent this many days before the review date, and again once it has passed
REVIEW_NOTICE_DAYS = 30
DUE, OVERDUE = "due", "overdue"


def review_window(review_date: date, today: date) -> str | None:
    """OVERDUE once `review_date` has passed, DUE within REVIEW_NOTICE_DAYS of it, else None."""
    if review_date < today:
        return OVERDUE
    if review_date <= today + timedelta(days=REVIEW_NOTICE_DAYS):
        return DUE
    return None
