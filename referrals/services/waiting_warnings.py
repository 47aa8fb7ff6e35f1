"""Warning duty leads of referrals whose waiting-time clock turns Red or Breached (issue 5, item 6;
set-based for issue 7, W5).

`warn(today)` finds every open referral (states.OPEN) whose clock (the arithmetic of
referrals.queue.with_waits: day 22 to 28 Red, day 29 on Breached) has reached a threshold, and tells
the SPA's duty leads (members of the provider organisation whose roles grant LEAD_DUTY_TEAM) once
per referral and threshold, in ONE digest email per SPA and threshold (to all its duty leads
together) listing the references newly due.

One run is one transaction:
1. one query finds the SPAs' active duty leads (SPAs without one are left out);
2. one statement selects the due (referral, threshold) pairs of those SPAs and inserts their keys
   `referral-clock:{referral}:{threshold}` (SentNotification, the same keys as the per-referral
   emails had) with `INSERT ... SELECT ... ORDER BY key ON CONFLICT DO NOTHING RETURNING key`: only
   the pairs it inserted now are warned;
3. the digests go out over one mail connection, with one audit event per digest;
4. commit. If sending fails (or the worker dies) nothing is recorded and the next run tries again.

- Run twice, or by two workers at once: a key's unique row lets one run warn of it; the other run
  waits on the first's uncommitted key rows, then skips them (keys are inserted in key order, so
  two runs never deadlock). A second run finds nothing due and sends nothing.
- A worker dying mid-way: nothing of its run is committed; the task is redelivered (acks_late,
  reject_on_worker_lost) and the next run sends it all. Every run looks at every open referral past
  a threshold, so nothing is missed because a run was skipped. (At least once: digests handed to
  the mail server before a failure may be sent again; never lost.)
- A referral first seen already Breached (the beat was down for a week, or the referral was
  entered late) gets the breach warning only: a Red warning would be stale news.
- An SPA without an active duty lead: nothing is recorded, so the warning goes as soon as it has one.

The email says only references, days waited and a link to the triage queue: never a child's details.
"""

import logging
from collections import defaultdict
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from partnership.models import Membership, SentNotification
from partnership.roles import ROLES, Permission

from .. import emails
from ..models import Referral, SinglePointOfAccess
from ..states import OPEN
from ..waiting import RED_FROM, STANDARD_DAYS, Clock

log = logging.getLogger(__name__)

THRESHOLDS = (Clock.RED.value, Clock.BREACHED.value)
LEAD_ROLES = sorted(role.value for role, info in ROLES.items() if Permission.LEAD_DUTY_TEAM in info.permissions)


def key_for(referral_id: int, threshold: str) -> str:
    return f"referral-clock:{referral_id}:{threshold}"


def _due() -> str:
    """The CTE of open referrals of the given SPAs past a threshold today: (id, spa_id, year, number,
    days, threshold)."""
    return f"""
due AS (
    SELECT r.id, r.spa_id, r.year, r.number, w.days,
           CASE WHEN w.days > %(standard)s THEN 'breached' ELSE 'red' END AS threshold
    FROM {Referral._meta.db_table} r
    CROSS JOIN LATERAL (
        SELECT COALESCE(r.first_contact_on, %(today)s::date) - (r.submitted_at AT TIME ZONE %(tz)s)::date AS days
    ) w
    WHERE r.status = ANY(%(open)s) AND r.submitted_at IS NOT NULL AND r.spa_id = ANY(%(spas)s)
      AND w.days >= %(red)s
)"""  # noqa: S608 (the table name from the model; every value is a parameter)


def _params(today: date, spas) -> dict:
    return {
        "standard": STANDARD_DAYS,
        "red": RED_FROM,
        "today": today,
        "tz": timezone.get_current_timezone_name(),
        "open": sorted(status.value for status in OPEN),
        "spas": list(spas),
        "now": timezone.now(),
    }


def _sql() -> str:
    sent = SentNotification._meta.db_table
    return f"""
WITH {_due()}, keyed AS (
    SELECT due.*, 'referral-clock:' || due.id || ':' || due.threshold AS key FROM due
), fresh AS (
    INSERT INTO {sent} (key, sent_at)
    SELECT keyed.key, %(now)s FROM keyed
    WHERE NOT EXISTS (SELECT 1 FROM {sent} s WHERE s.key = keyed.key)
    ORDER BY keyed.key
    ON CONFLICT (key) DO NOTHING
    RETURNING key
)
SELECT keyed.spa_id, keyed.threshold, keyed.year, keyed.number, keyed.days
FROM keyed JOIN fresh ON fresh.key = keyed.key
"""  # noqa: S608 (table names from the models; every value is a parameter)


def _duty_leads() -> dict[int, tuple[SinglePointOfAccess, list[str]]]:
    """Every SPA with at least one active duty lead: {spa id: (spa, the leads' addresses)}; two queries."""
    spas = {
        (spa.partnership_id, spa.provider_id): spa
        for spa in SinglePointOfAccess.objects.select_related("partnership").only(
            "pk", "name", "partnership_id", "provider_id", "partnership__slug"
        )
    }
    leads = defaultdict(set)
    memberships = Membership.objects.filter(is_active=True, user__is_active=True, roles__overlap=LEAD_ROLES)
    for partnership_id, organisation_id, email in memberships.values_list(
        "partnership_id", "organisation_id", "user__email"
    ):
        spa = spas.get((partnership_id, organisation_id))
        if spa is not None:
            leads[spa.pk].add(email)
    return {spa.pk: (spa, sorted(leads[spa.pk])) for spa in spas.values() if leads[spa.pk]}


def warn(today: date | None = None) -> int:
    """Send the warnings due; returns how many (referral, threshold) warnings were sent now."""
    today = today or timezone.localdate()
    with transaction.atomic():
        leads = _duty_leads()
        with connection.cursor() as cursor:
            cursor.execute(_sql(), _params(today, leads))
            rows = cursor.fetchall()
        due = defaultdict(list)
        for spa_id, threshold, year, number, days in rows:
            due[spa_id, threshold].append((f"SPA-{year}-{number:06d}", days))
        digests = [
            emails.WaitingDigest(spa=leads[spa_id][0], threshold=threshold, lines=lines, recipients=leads[spa_id][1])
            for (spa_id, threshold), lines in sorted(due.items())
        ]
        emails.send_waiting_digests(digests)
    if rows:
        log.info("Waiting-time warnings: %d referrals in %d digests", len(rows), len(digests))
    return len(rows)


def unwarned_breaches(today: date | None = None) -> list[int]:
    """The safety check (issue 8, F5): ids of open referrals in breach today, at an SPA with a duty lead
    to warn, whose breach warning is not recorded. After a sweep this must be empty."""
    today = today or timezone.localdate()
    sent = SentNotification._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH {_due()}
            SELECT due.id FROM due
            WHERE due.threshold = 'breached'
              AND NOT EXISTS (SELECT 1 FROM {sent} s WHERE s.key = 'referral-clock:' || due.id || ':breached')
            ORDER BY due.id""",  # noqa: S608 (table names from the models; every value is a parameter)
            _params(today, _duty_leads()),
        )
        return [row[0] for row in cursor.fetchall()]
