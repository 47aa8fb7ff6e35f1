"""Recording a table's score for a domain: the one write the scoring page, the API and the CSV
import share.

Refused with a clear message (a ValidationError keyed by field, never a 500): a score outside
0-3, a domain the workshop's framework does not have, a note longer than NOTE_MAX_LENGTH, or any
score for a closed workshop. Saving the same values again changes nothing and writes no audit
event, so an offline queue that replays a change is harmless. Every change (a new score, or a
correction of an earlier one) is an audit event with its before and after values.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import User
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.services.permissions import require

from ..models import DomainScore, ScoringTable, Workshop
from .workshops import require_open

NOTE_FIELDS = ("what_works", "what_gets_in_the_way", "evidence")
NOTE_MAX_LENGTH = 2000
SCORE_MESSAGE = "Enter a score from 0 (Major challenge) to 3 (Gold standard)"


def clean_score(value) -> int:
    """0, 1, 2 or 3 from an int or a string of one digit; anything else is refused."""
    if isinstance(value, bool):
        raise ValidationError({"score": SCORE_MESSAGE})
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            raise ValidationError({"score": SCORE_MESSAGE})
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= 3:
        raise ValidationError({"score": SCORE_MESSAGE})
    return value


def clean_notes(notes: dict) -> dict:
    cleaned = {}
    for name in NOTE_FIELDS:
        if notes.get(name) is None:
            continue
        value = notes[name]
        if not isinstance(value, str):
            raise ValidationError({name: "Enter the note as text"})
        value = value.strip()
        if len(value) > NOTE_MAX_LENGTH:
            raise ValidationError({name: f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer"})
        cleaned[name] = value
    return cleaned


def domain_for(workshop: Workshop, code):
    domain = workshop.framework.domains.filter(code=str(code).strip()).first() if code else None
    if domain is None:
        codes = ", ".join(workshop.framework.domains.order_by("position").values_list("code", flat=True))
        raise ValidationError({"domain": f"There is no domain “{code}” in this framework: use one of {codes}"})
    return domain


@transaction.atomic
def record_score(
    *,
    table: ScoringTable,
    by: User,
    domain: str,
    score,
    what_works: str | None = None,
    what_gets_in_the_way: str | None = None,
    evidence: str | None = None,
) -> tuple[DomainScore, bool]:
    """Save `table`'s score for the domain with code `domain`. Notes left as None keep their
    current text. Returns the score and whether anything changed."""
    workshop = table.workshop
    require(by, workshop.partnership_id, Permission.RUN_CASCADE_WORKSHOPS)
    workshop = Workshop.objects.select_for_update().select_related("framework").get(pk=workshop.pk)
    require_open(workshop)
    domain_obj = domain_for(workshop, domain)
    value = clean_score(score)
    notes = clean_notes({"what_works": what_works, "what_gets_in_the_way": what_gets_in_the_way, "evidence": evidence})

    existing = DomainScore.objects.select_for_update().filter(table=table, domain=domain_obj).first()
    if existing is None:
        saved = DomainScore.objects.create(table=table, domain=domain_obj, score=value, updated_by=by, **notes)
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            obj=saved,
            partnership=workshop.partnership_id,
            detail={"table": table.pk, "domain": domain_obj.code, "score": value, "notes": sorted(notes)},
        )
        return saved, True

    before = {"score": existing.score, **{name: getattr(existing, name) for name in notes}}
    after = {"score": value, **notes}
    if before == after:
        return existing, False
    changed = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
    existing.score = value
    for name, text in notes.items():
        setattr(existing, name, text)
    existing.updated_by = by
    existing.save()
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=existing,
        partnership=workshop.partnership_id,
        # Notes are free text: the audit trail says which changed, the score change in full.
        detail={
            "table": table.pk,
            "domain": domain_obj.code,
            "score": changed.get("score"),
            "notes_changed": sorted(name for name in changed if name != "score"),
            "after_reopening": workshop.closed_at is not None,
        },
    )
    return existing, True
