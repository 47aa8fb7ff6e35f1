"""The daily digest of failed sign-ins, sent to each partnership's area leads."""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from ..models import AuditEvent, Membership, Partnership
from ..models.audit import AuditAction
from . import notifications


def digest_key(partnership: Partnership, day) -> str:
    return f"sign-in-failure-digest:{partnership.pk}:{day.isoformat()}"


def send_sign_in_failure_digests(*, now=None) -> int:
    """Email each partnership's area leads the failed sign-ins to its members' accounts in the
    24 hours before `now`. Idempotent per partnership and day: running twice sends once."""
    now = now or timezone.now()
    sent = 0
    for partnership in Partnership.objects.filter(is_active=True):
        if _send_one(partnership=partnership, now=now):
            sent += 1
    return sent


def _send_one(*, partnership: Partnership, now) -> bool:
    members = Membership.objects.for_partnership(partnership).filter(is_active=True)
    member_ids = {str(pk) for pk in members.values_list("user_id", flat=True)}
    failures = AuditEvent.objects.filter(
        action=AuditAction.SIGN_IN_FAILED,
        object_type="partnership.user",
        object_id__in=member_ids,
        occurred_at__gte=now - timedelta(hours=24),
        occurred_at__lt=now,
    )
    per_account = Counter(failures.values_list("detail__attempted_login", flat=True))
    if not per_account:
        return False
    leads = notifications.area_lead_emails(partnership)
    if not leads:
        return False
    key = digest_key(partnership, timezone.localdate(now))
    lines = [f"- {account}: {count}" for account, count in sorted(per_account.items())]
    return notifications.send_once(
        key=key,
        subject=f"Failed sign-ins in the last 24 hours: {partnership.name}",
        message=(
            f"There were {sum(per_account.values())} failed sign-in attempts to {len(per_account)} "
            f"member accounts of {partnership.name} in the 24 hours to "
            f"{timezone.localtime(now):%H:%M on %d %B %Y}.\n\n"
            + "\n".join(lines)
            + "\n\nIf you do not recognise this activity, ask the account holders to change their passwords."
        ),
        recipients=leads,
        obj=partnership,
        detail={"notification": "sign_in_failure_digest", "recipients": len(leads)},
    )
