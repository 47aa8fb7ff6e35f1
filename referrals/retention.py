"""The retention policy (issue 8, item 7; docs/data-protection.md): a referral that ended long ago
keeps its place in the figures but loses the child's identifiable details.

A referral has ended when it reaches a state with no way out (closed, signposted, not accepted:
ENDED, derived from states.TRANSITIONS). `REFERRAL_RETENTION_YEARS` (default 8, from the environment)
after its last status change, `pseudonymise` removes:
- the child's name, date of birth, NHS number and postcode;
- every free-text field of the SBARD form, the decision's explanation and the outcome;
- the text of its messages, questions, answers and status notes.

What the aggregates use stays: partnership, school, SPA, status and its history (dates and who),
urgency, gender, ethnicity, year group, risks, requests, THRIVE grouping, decision, reasons and
first contact; so the referral rollups and every dashboard figure are unchanged. The reference
(SPA-YYYY-NNNNNN) remains the pseudonym. Each referral is done in its own transaction, audited
(ids only), its version bumped so a stale edit cannot write old details back, and marked with
`pseudonymised_at` so the task, run daily by beat, is idempotent.
"""

import logging
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from partnership.models.audit import AuditAction
from partnership.services import audit

from .models import InformationRequest, Message, Referral, StatusChange
from .states import TRANSITIONS, Status

log = logging.getLogger(__name__)

#: states a referral never leaves
ENDED = frozenset(Status) - {source for t in TRANSITIONS.values() for source in t.source} - {Status.DRAFT}
REMOVED = "[Removed under the retention policy]"
#: the child's identifiable details and the free text about them, and what each becomes
IDENTIFIABLE = {
    "child_first_name": "",
    "child_last_name": "",
    "date_of_birth": None,
    "nhs_number": "",
    "postcode": "",
    "situation": REMOVED,
    "why_now": REMOVED,
    "relevant_history": REMOVED,
    "support_tried": REMOVED,
    "support_duration": "",
    "other_services_detail": "",
    "assessment": REMOVED,
    "impact_attendance": "",
    "impact_learning": "",
    "impact_relationships": "",
    "child_views": "",
    "family_views": "",
    "decision_explanation": "",
    "outcome": "",
}


def retention_years() -> int:
    return int(getattr(settings, "REFERRAL_RETENTION_YEARS", 8))


def cutoff(today: date, years: int) -> date:
    """The same day `years` years before `today` (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def due(today: date | None = None):
    """Ended referrals, not yet pseudonymised, whose last status change is before the cutoff."""
    today = today or timezone.localdate()
    last_change = StatusChange.objects.filter(referral=OuterRef("pk")).values("referral").annotate(at=Max("at"))
    before = timezone.make_aware(datetime.combine(cutoff(today, retention_years()), time.min))
    return (
        Referral.objects.filter(status__in=ENDED, pseudonymised_at__isnull=True)
        .annotate(ended_at=Subquery(last_change.values("at")))
        .filter(ended_at__lt=before)
    )


def pseudonymise(today: date | None = None, limit: int = 5000) -> int:
    """Pseudonymise the referrals due (at most `limit` a run); returns how many."""
    ids = list(due(today).order_by("pk").values_list("pk", flat=True)[:limit])
    for referral_id in ids:
        _pseudonymise_one(referral_id)
    if ids:
        log.info("Retention: pseudonymised %d referrals", len(ids))
    return len(ids)


def _pseudonymise_one(referral_id: int) -> None:
    with transaction.atomic():
        referral = Referral.objects.select_for_update().filter(pk=referral_id, pseudonymised_at__isnull=True).first()
        if referral is None:
            return
        for field, value in IDENTIFIABLE.items():
            setattr(referral, field, value)
        referral.pseudonymised_at = timezone.now()
        referral.version += 1
        referral.save()
        Message.objects.filter(referral_id=referral_id).update(body=REMOVED)
        InformationRequest.objects.filter(referral_id=referral_id).update(question=REMOVED, answer=REMOVED)
        StatusChange.objects.filter(referral_id=referral_id).exclude(note="").update(note=REMOVED)
        audit.record(
            actor=audit.SYSTEM,
            action=AuditAction.UPDATE,
            obj=referral,
            partnership=referral.partnership_id,
            detail={"retention": "pseudonymised", "reference": referral.reference, "years": retention_years()},
        )
