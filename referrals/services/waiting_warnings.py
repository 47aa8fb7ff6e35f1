"""Warning duty leads of referrals whose waiting-time clock turns Red or Breached (issue 5, item 6).

`warn(today)` looks at every open referral (states.OPEN) whose clock (referrals.queue.with_waits:
day 22 to 28 Red, day 29 on Breached) has reached a threshold and emails the SPA's duty leads
(members of the provider organisation whose roles grant LEAD_DUTY_TEAM) once per referral and
threshold: one email per referral and threshold, to all the SPA's duty leads together, keyed
`referral-clock:{referral}:{threshold}` (a SentNotification row committed with the email).

- Run twice, or by two workers at once: the key's unique row lets one send, the other does nothing.
- A worker dying mid-way: what was sent is recorded, the task is redelivered (acks_late,
  reject_on_worker_lost) and the next run sends the rest; every run looks at every open referral
  past a threshold, so nothing is missed because a run was skipped.
- A referral first seen already Breached (the beat was down for a week, or the referral was
  entered late) gets the breach warning only: a Red warning would be stale news.
- An SPA without an active duty lead: nothing is recorded, so the warning goes as soon as it has one.

The email says only the reference, the days waited and a link: never the child's details.
"""

import logging
from datetime import date

from django.utils import timezone

from partnership.models import SentNotification

from .. import emails
from ..models import Referral
from ..queue import with_waits
from ..states import OPEN
from ..waiting import Clock

log = logging.getLogger(__name__)

THRESHOLDS = (Clock.RED.value, Clock.BREACHED.value)


def key_for(referral_id: int, threshold: str) -> str:
    return f"referral-clock:{referral_id}:{threshold}"


def warn(today: date | None = None) -> int:
    """Send the warnings due; returns how many were sent now."""
    today = today or timezone.localdate()
    due = (
        with_waits(Referral.objects.filter(status__in=OPEN, submitted_at__isnull=False), today)
        .filter(clock__in=THRESHOLDS)
        .select_related("partnership", "spa")
        .order_by("submitted_at", "pk")
    )
    candidates = {key_for(r.pk, r.clock): r for r in due}
    done = set(SentNotification.objects.filter(key__in=list(candidates)).values_list("key", flat=True))
    sent = 0
    leads_of = {}
    for key, referral in candidates.items():
        if key in done:
            continue
        if referral.spa_id not in leads_of:
            leads_of[referral.spa_id] = emails.duty_leads(referral)
        leads = leads_of[referral.spa_id]
        if not leads:
            log.warning("Referral %s is %s but its SPA has no active duty lead to warn", referral.pk, referral.clock)
            continue
        sent += emails.waiting_warning(referral, referral.clock, referral.days_waiting, leads)
    return sent
