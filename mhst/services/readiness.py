"""A school's readiness for its MHST (issue 6 item 3): the ten checklist items of the reference data,
each with a status, an evidence note, and who confirmed it met and when. A school is ready when all
ten are met. A missing row reads as Not started (nothing is saved until someone changes an item).

Who may change an item: the school's own senior mental health lead (MANAGE_SCHOOL_READINESS at the
school) or a manager of a team allocated to the school (`access.can_update_school`). Every change is
audited with the status before and after. The evidence note may appear in the audit detail, so it
must hold no child's details (the form says so).
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from partnership.models import Organisation, Partnership, User
from partnership.models.audit import AuditAction
from partnership.services import audit

from .. import access
from ..models import READINESS_ITEMS, Agreement, ReadinessCode, ReadinessItem, ReadinessStatus

REFUSAL = "Only the school's senior mental health lead or the manager of a team allocated to the school can do this."
EVIDENCE_NEEDED = "Enter the evidence that this item is met"


@dataclass(frozen=True)
class Item:
    """One checklist item as shown: saved or not."""

    code: ReadinessCode
    status: ReadinessStatus
    evidence: str
    confirmed_by: User | None
    confirmed_at: datetime | None
    updated_at: datetime | None = None

    @property
    def label(self) -> str:
        return self.code.label

    @property
    def description(self) -> str:
        return self.code.description

    @property
    def is_met(self) -> bool:
        return self.status == ReadinessStatus.MET


def _rows(partnership, school_id) -> dict[str, ReadinessItem]:
    rows = ReadinessItem.objects.filter(partnership=partnership, school_id=school_id).select_related("confirmed_by")
    return {row.code: row for row in rows}


def checklist(partnership: Partnership, school: Organisation) -> list[Item]:
    """The ten items in ReadinessCode order; a missing row reads as Not started."""
    rows = _rows(partnership, school.pk)
    items = []
    for code in ReadinessCode:
        row = rows.get(code.value)
        if row is None:
            items.append(Item(code, ReadinessStatus.NOT_STARTED, "", None, None))
        else:
            items.append(
                Item(
                    code,
                    ReadinessStatus(row.status),
                    row.evidence,
                    row.confirmed_by,
                    row.confirmed_at,
                    row.updated_at,
                )
            )
    return items


def met_count(items_or_partnership, school: Organisation | None = None) -> int:
    """Items met: of a checklist already read (`met_count(items)`), or of a school
    (`met_count(partnership, school)`)."""
    if school is not None:
        return progress(items_or_partnership, [school.pk])[school.pk]
    return sum(1 for item in items_or_partnership if item.is_met)


def is_ready(partnership: Partnership, school: Organisation) -> bool:
    """Ready when all ten items are met."""
    return progress(partnership, [school.pk])[school.pk] == READINESS_ITEMS


def progress(partnership: Partnership, school_ids) -> dict[int, int]:
    """{school_id: number of items met} for each of `school_ids` (0 when none), in one query."""
    ids = list(school_ids)
    counts = dict(
        ReadinessItem.objects.filter(
            partnership=partnership, school_id__in=ids, status=ReadinessStatus.MET, code__in=ReadinessCode.values
        )
        .values("school_id")
        .annotate(met=Count("pk"))
        .values_list("school_id", "met")
    )
    return {school_id: counts.get(school_id, 0) for school_id in ids}


def with_progress(lines, partnership: Partnership):
    """Allocation lines annotated with `met_count` (items met at the line's school, 0 when none) and
    `review_on` (the review date of the agreement between the line's team and school, if any)."""
    met = (
        ReadinessItem.objects.filter(
            partnership=partnership,
            school=OuterRef("school"),
            status=ReadinessStatus.MET,
            code__in=ReadinessCode.values,
        )
        .order_by()
        .values("school")
        .annotate(n=Count("pk"))
        .values("n")
    )
    review = Agreement.objects.filter(team=OuterRef("allocation__team"), school=OuterRef("school")).values("review_on")
    return lines.annotate(
        met_count=Coalesce(Subquery(met, output_field=IntegerField()), Value(0)),
        review_on=Subquery(review[:1]),
    )


def can_update(user: User, partnership: Partnership, school: Organisation) -> bool:
    return access.can_update_school(user, partnership, school.pk)


@transaction.atomic
def update_item(
    partnership: Partnership, school: Organisation, code: str, by: User, status: str, evidence: str = ""
) -> ReadinessItem:
    """Set one item's status and evidence. Met needs evidence, and records who confirmed it and when;
    moving an item off Met clears the confirmation."""
    if not access.can_update_school(by, partnership, school.pk):
        raise PermissionDenied(REFUSAL)
    if code not in ReadinessCode.values:
        raise ValidationError("Choose an item from the readiness checklist")
    if status not in ReadinessStatus.values:
        raise ValidationError({"status": "Select the status of this item"})
    evidence = (evidence or "").strip()
    if status == ReadinessStatus.MET and not evidence:
        raise ValidationError({"evidence": EVIDENCE_NEEDED})

    item = ReadinessItem.objects.select_for_update().filter(partnership=partnership, school=school, code=code).first()
    created = item is None
    if created:
        item = ReadinessItem(partnership=partnership, school=school, code=code)
    before = {
        "status": item.status if not created else ReadinessStatus.NOT_STARTED.value,
        "evidence": item.evidence,
        "confirmed_by": item.confirmed_by.email if item.confirmed_by else "",
    }
    if status == ReadinessStatus.MET:
        if item.status != ReadinessStatus.MET or item.evidence != evidence or created:
            item.confirmed_by = by
            item.confirmed_at = timezone.now()
    else:
        item.confirmed_by = None
        item.confirmed_at = None
    item.status = status
    item.evidence = evidence
    after = {
        "status": item.status,
        "evidence": item.evidence,
        "confirmed_by": item.confirmed_by.email if item.confirmed_by else "",
    }
    changes = audit.changed_fields(before, after)
    if not changes:
        return item  # nothing to save (an unchanged item, or Not started left as it was)
    try:
        with transaction.atomic():
            item.save()
    except IntegrityError:  # someone saved the same item at the same moment
        raise ValidationError("This item was changed by someone else at the same time: try again.") from None
    audit.record(
        actor=by,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=item,
        partnership=partnership,
        detail={
            "school": school.pk,
            "code": code,
            "status": [before["status"], after["status"]],
            "changes": changes,
        },
    )
    return item
