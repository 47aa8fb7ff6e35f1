"""Groups, their seats, and their versioned terms of reference; review reminders; the public pages.

Every write happens in a transaction and writes an audit event, and is refused (PermissionDenied)
unless the acting user is an area lead of the group's partnership (MANAGE_PARTNERSHIP). Invalid
changes raise `ValidationError` with a plain-English message a page can show in its error summary.
"""

import difflib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, ProtectedError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from ..models import (
    Group,
    GroupMember,
    Meeting,
    Membership,
    Partnership,
    PartnershipOrganisation,
    TermsOfReference,
    User,
)
from ..models.audit import AuditAction
from ..models.organisation import Sector
from ..roles import Permission
from . import audit, notifications
from .permissions import require

GROUP_FIELDS = ("name", "kind", "summary", "is_active")
CONTENT_FIELDS = TermsOfReference.CONTENT_FIELDS
#: content fields written as paragraphs: a diff shows them line by line
LONG_TEXT_FIELDS = ("purpose", "membership", "chair", "decision_making", "reporting_line")
#: a published version is due for review this many days before its review date
REVIEW_NOTICE_DAYS = notifications.REVIEW_NOTICE_DAYS

Status = TermsOfReference.Status
SeatRole = GroupMember.SeatRole
MANAGE = Permission.MANAGE_PARTNERSHIP


def _partnership_of(group_id: int) -> int:
    """The partnership of a group, read from the database (never from an object a caller built)."""
    return Group.objects.values_list("partnership_id", flat=True).get(pk=group_id)


# --- groups ------------------------------------------------------------------------------------
def _check_name_free(partnership: Partnership, name: str, exclude_pk=None) -> None:
    clash = Group.objects.filter(partnership=partnership, name__iexact=name.strip())
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": "There is already a group with this name in the partnership"})


@transaction.atomic
def create_group(*, partnership: Partnership, by: User, name: str, kind: str, summary: str = "") -> Group:
    require(by, partnership, MANAGE)
    _check_name_free(partnership, name)
    group = Group(partnership=partnership, name=name.strip(), kind=kind, summary=summary)
    group.full_clean()
    group.save()
    audit.record(actor=by, action=AuditAction.CREATE, obj=group, detail={"name": group.name, "kind": kind})
    return group


@transaction.atomic
def update_group(*, group: Group, by: User, **changes) -> Group:
    unknown = set(changes) - set(GROUP_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    locked = Group.objects.select_for_update().get(pk=group.pk)
    require(by, locked.partnership_id, MANAGE)
    if "name" in changes:
        changes["name"] = changes["name"].strip()
        _check_name_free(locked.partnership, changes["name"], exclude_pk=locked.pk)
    before = model_to_dict(locked, fields=GROUP_FIELDS)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    diff = audit.changed_fields(before, model_to_dict(locked, fields=GROUP_FIELDS))
    if diff:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=locked, detail={"changed": diff})
    return locked


# --- seats -------------------------------------------------------------------------------------
def current_chair(group: Group) -> GroupMember | None:
    return group.seats.current().filter(role=SeatRole.CHAIR).select_related("user").first()


@transaction.atomic
def add_seat(
    *,
    group: Group,
    by: User,
    membership: Membership,
    role: str,
    liaison_from: Group | None = None,
    joined_on: date | None = None,
) -> GroupMember:
    """Give a person a seat on `group`, representing the organisation they act for in the partnership.

    A liaison seat names another group of the same partnership of which the person is a current
    member. A group has one current chair, and a person one current seat on a group."""
    require(by, _partnership_of(group.pk), MANAGE)
    Group.objects.select_for_update().filter(pk=group.pk).first()  # one seat change at a time per group
    if membership.partnership_id != group.partnership_id or not membership.is_active or not membership.user.is_active:
        raise ValidationError({"membership": "Select a person who is an active member of the partnership"})
    if group.seats.current().filter(user=membership.user).exists():
        raise ValidationError({"membership": f"{membership.user} already has a seat on this group"})
    if role == SeatRole.CHAIR and group.seats.current().filter(role=SeatRole.CHAIR).exists():
        chair = current_chair(group)
        raise ValidationError(
            {"role": f"This group already has a chair ({chair.user}). End the current chair's seat first"}
        )
    if role == SeatRole.LIAISON:
        if liaison_from is None:
            raise ValidationError({"liaison_from": "Select the group the liaison comes from"})
        if liaison_from.partnership_id != group.partnership_id or liaison_from.pk == group.pk:
            raise ValidationError({"liaison_from": "Select another group of this partnership"})
        if not liaison_from.seats.current().filter(user=membership.user).exists():
            message = f"{membership.user} is not a current member of {liaison_from}: give them a seat there first"
            raise ValidationError({"liaison_from": message})
    else:
        liaison_from = None
    joined_on = joined_on or timezone.localdate()
    seat = GroupMember(
        group=group,
        user=membership.user,
        organisation=membership.organisation,
        role=role,
        liaison_from=liaison_from,
        joined_on=joined_on,
    )
    seat.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError as error:
        raise ValidationError("This seat could not be added: the group changed meanwhile. Try again.") from error
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=seat,
        detail={
            "group": group.pk,
            "user": seat.user_id,
            "organisation": seat.organisation_id,
            "role": role,
            "liaison_from": liaison_from.pk if liaison_from else None,
        },
    )
    return seat


@transaction.atomic
def end_seat(*, seat: GroupMember, by: User, left_on: date | None = None) -> GroupMember:
    locked = GroupMember.objects.select_for_update().get(pk=seat.pk)
    require(by, _partnership_of(locked.group_id), MANAGE)
    if locked.left_on is not None:
        raise ValidationError(f"This seat already ended on {locked.left_on:%-d %B %Y}.")
    left_on = left_on or timezone.localdate()
    if left_on < locked.joined_on:
        raise ValidationError({"left_on": "The end date must be on or after the date the seat started"})
    locked.left_on = left_on
    locked.save(update_fields=["left_on"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        detail={"ended": left_on.isoformat(), "role": locked.role, "user": locked.user_id},
    )
    return locked


def seats_in_order(queryset):
    """Chair first, then vice-chair, members and liaison seats, each by name."""
    order = {SeatRole.CHAIR: 0, SeatRole.VICE_CHAIR: 1, SeatRole.MEMBER: 2, SeatRole.LIAISON: 3}
    seats = queryset.select_related("user", "organisation", "liaison_from")
    return sorted(seats, key=lambda s: (order.get(s.role, 9), s.user.full_name.lower(), s.pk))


# --- terms of reference ------------------------------------------------------------------------
def latest_terms(group: Group) -> TermsOfReference | None:
    return group.terms.order_by("-version").first()


def draft_initial(group: Group) -> dict:
    """A new draft starts as a copy of the latest version's content (if there is one)."""
    latest = latest_terms(group)
    if latest is None:
        return {}
    return {name: getattr(latest, name) for name in CONTENT_FIELDS}


def _check_content(content: dict) -> None:
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not terms of reference content: {', '.join(sorted(unknown))}")


@transaction.atomic
def create_draft(*, group: Group, by: User, **content) -> TermsOfReference:
    require(by, _partnership_of(group.pk), MANAGE)
    _check_content(content)
    Group.objects.select_for_update().filter(pk=group.pk).first()
    existing = group.terms.filter(status=Status.DRAFT).first()
    if existing is not None:
        raise ValidationError(
            f"Version {existing.version} is already a draft. Change or discard it before starting another."
        )
    version = (group.terms.aggregate(n=Max("version"))["n"] or 0) + 1
    terms = TermsOfReference(group=group, version=version, status=Status.DRAFT, created_by=by, **content)
    terms.full_clean(validate_constraints=False)
    terms.save()
    audit.record(actor=by, action=AuditAction.CREATE, obj=terms, detail={"group": group.pk, "version": version})
    return terms


def _locked(terms: TermsOfReference, by: User) -> TermsOfReference:
    """The version, locked, once `by` is known to manage its group's partnership."""
    locked = TermsOfReference.objects.select_for_update().get(pk=terms.pk)
    require(by, _partnership_of(locked.group_id), MANAGE)
    return locked


@transaction.atomic
def update_draft(*, terms: TermsOfReference, by: User, **content) -> TermsOfReference:
    _check_content(content)
    locked = _locked(terms, by)
    if not locked.is_editable:
        raise ValidationError(
            f"Version {locked.version} is {locked.get_status_display().lower()} and can no longer be changed. "
            "Start a new draft to change it."
        )
    before = model_to_dict(locked, fields=CONTENT_FIELDS)
    for name, value in content.items():
        setattr(locked, name, value)
    locked.full_clean(validate_constraints=False)
    locked.save()
    diff = audit.changed_fields(before, model_to_dict(locked, fields=CONTENT_FIELDS))
    if diff:
        # Field names only: the text itself is in the version, and may be long.
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"version": locked.version, "changed": sorted(diff)},
        )
    return locked


@transaction.atomic
def approve_terms(*, terms: TermsOfReference, by: User) -> TermsOfReference:
    locked = _locked(terms, by)
    if locked.status != Status.DRAFT:
        raise ValidationError(
            f"Only a draft can be approved: version {locked.version} is {locked.get_status_display().lower()}."
        )
    locked.status = Status.APPROVED
    locked.approved_by = by
    locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        detail={"version": locked.version, "status": [Status.DRAFT, Status.APPROVED]},
    )
    return locked


@transaction.atomic
def publish_terms(*, terms: TermsOfReference, by: User) -> TermsOfReference:
    """Publish an approved version. The version published before it, and any older approved
    version that was never published, become superseded, in the same transaction."""
    require(by, _partnership_of(terms.group_id), MANAGE)
    Group.objects.select_for_update().filter(pk=terms.group_id).first()
    locked = _locked(terms, by)
    if locked.status != Status.APPROVED:
        raise ValidationError(
            f"Only an approved version can be published: version {locked.version} is "
            f"{locked.get_status_display().lower()}."
        )
    siblings = TermsOfReference.objects.filter(group_id=locked.group_id).exclude(pk=locked.pk)
    later = siblings.filter(status=Status.PUBLISHED, version__gt=locked.version).first()
    if later is not None:
        raise ValidationError(
            f"Version {later.version} is already published and is newer than version {locked.version}."
        )
    for old in siblings.filter(version__lt=locked.version, status__in=[Status.PUBLISHED, Status.APPROVED]):
        previous = old.status
        old.status = Status.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=by,
            action=AuditAction.STATE_CHANGE,
            obj=old,
            detail={"version": old.version, "status": [previous, Status.SUPERSEDED], "by_version": locked.version},
        )
    locked.status = Status.PUBLISHED
    locked.published_by = by
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_by", "published_at", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        detail={"version": locked.version, "status": [Status.APPROVED, Status.PUBLISHED]},
    )
    return locked


@transaction.atomic
def discard_draft(*, terms: TermsOfReference, by: User) -> None:
    locked = _locked(terms, by)
    if locked.status != Status.DRAFT:
        raise ValidationError(
            f"Only a draft can be discarded: version {locked.version} is {locked.get_status_display().lower()}."
        )
    group, version, pk = locked.group, locked.version, locked.pk
    try:
        with transaction.atomic():
            locked.delete()
    except ProtectedError as error:
        raise ValidationError("This draft is used by a meeting and cannot be discarded.") from error
    audit.record(
        actor=by,
        action=AuditAction.DELETE,
        object_type=TermsOfReference._meta.label_lower,
        object_id=pk,
        partnership=group.partnership_id,
        detail={"group": group.pk, "version": version},
    )


# --- comparing versions ------------------------------------------------------------------------
@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    #: for long text: [(kind, text)] where kind is "added", "removed" or "same"
    lines: list = field(default_factory=list)

    @property
    def is_long(self) -> bool:
        return bool(self.lines)


def display_value(terms: TermsOfReference, name: str) -> str:
    value = getattr(terms, name)
    if name == "quorum_sectors":
        return ", ".join(Sector(s).label for s in value) if value else "None"
    if name == "meeting_frequency":
        return terms.get_meeting_frequency_display()
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value)


def field_label(name: str) -> str:
    labels = {
        "purpose": "Purpose",
        "membership": "Membership",
        "chair": "Chair",
        "quorum": "Quorum (members present)",
        "quorum_sectors": "Sectors needed for quorum",
        "meeting_frequency": "Meeting frequency",
        "decision_making": "Decision making",
        "reporting_line": "Reporting line",
        "review_date": "Review date",
    }
    return labels[name]


def diff_terms(old: TermsOfReference, new: TermsOfReference) -> list[FieldChange]:
    """The content fields that differ between two versions of a group's terms, in field order.
    Long text is compared line by line."""
    if old.group_id != new.group_id:
        raise ValueError("Only versions of the same group's terms can be compared.")
    changes = []
    for name in CONTENT_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if name == "quorum_sectors":
            before, after = sorted(before or []), sorted(after or [])
        if before == after:
            continue
        change = FieldChange(name, field_label(name), display_value(old, name), display_value(new, name))
        if name in LONG_TEXT_FIELDS:
            change.lines = text_diff(str(before), str(after))
        changes.append(change)
    return changes


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    kinds = {"+ ": "added", "- ": "removed", "  ": "same"}
    lines = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        kind = kinds.get(line[:2])
        if kind is not None:  # "? " lines are ndiff's intraline hints
            lines.append((kind, line[2:]))
    return lines


# --- review reminders --------------------------------------------------------------------------
DUE, OVERDUE = notifications.DUE, notifications.OVERDUE


def review_state(terms: TermsOfReference | None, today: date | None = None) -> str | None:
    """OVERDUE when a published version's review date has passed, DUE within 30 days of it."""
    if terms is None or terms.status != Status.PUBLISHED:
        return None
    return notifications.review_window(terms.review_date, today or timezone.localdate())


def review_reminder_key(terms: TermsOfReference, window: str) -> str:
    return f"terms-review:{terms.pk}:{window}"


def send_terms_review_reminders(*, today: date | None = None) -> int:
    """Email the area leads about each published version due for review within 30 days, or past
    its review date: once per version and window. Running twice sends nothing new."""
    today = today or timezone.localdate()
    published = (
        TermsOfReference.objects.filter(
            status=Status.PUBLISHED,
            review_date__lte=today + timedelta(days=REVIEW_NOTICE_DAYS),
            group__is_active=True,
            group__partnership__is_active=True,
        )
        .select_related("group__partnership")
        .order_by("pk")
    )
    return sum(1 for terms in published if _send_review_reminder(terms=terms, today=today))


def _send_review_reminder(*, terms: TermsOfReference, today: date) -> bool:
    window = review_state(terms, today)
    partnership = terms.group.partnership
    recipients = notifications.area_lead_emails(partnership)
    if window is None or not recipients:
        return False
    key = review_reminder_key(terms, window)
    link = settings.SITE_URL + reverse(
        "terms_detail", kwargs={"slug": partnership.slug, "pk": terms.group_id, "terms_pk": terms.pk}
    )
    which = f"The terms of reference of {terms.group.name} (version {terms.version})"
    when = f"{terms.review_date:%-d %B %Y}"
    if window == OVERDUE:
        subject = f"Terms of reference review overdue: {terms.group.name}"
        opening = f"{which} were due for review on {when}."
    else:
        subject = f"Terms of reference review due: {terms.group.name}"
        opening = f"{which} are due for review on {when}."
    return notifications.send_once(
        key=key,
        subject=subject,
        message=(
            f"{opening}\n\nTo review them, start a new draft from the published version, "
            f"change what needs changing (including the review date), then approve and publish it.\n\n"
            f"{link}\n\n{partnership.name}"
        ),
        recipients=recipients,
        obj=terms,
        detail={"notification": "terms_review", "window": window, "recipients": len(recipients)},
    )


# --- public pages ------------------------------------------------------------------------------
# The public pages are read by anonymous visitors: these read plain querysets, filtered strictly
# on the partnership (which must publish its pages) and on published status. They return only
# what is meant to be public: no email addresses, phone numbers, lead contacts, actions or risks.


def public_partnership(slug: str) -> Partnership | None:
    """The partnership, if it is active and publishes its public pages."""
    return Partnership.objects.filter(slug=slug, is_active=True, publishes_public_pages=True).first()


@dataclass
class PublicSeat:
    name: str
    role: str
    organisation: str


def public_members_by_sector(partnership: Partnership) -> list[tuple[str, list[str]]]:
    members = PartnershipOrganisation.objects.filter(
        partnership=partnership, status=PartnershipOrganisation.Status.ACTIVE
    ).select_related("organisation")
    by_sector: dict[str, list[str]] = {}
    for member in members:
        by_sector.setdefault(member.organisation.sector, []).append(member.organisation.name)
    return [(sector.label, sorted(by_sector[sector])) for sector in Sector if sector in by_sector]


def public_current_seats(group: Group, today: date | None = None):
    """The group's seats a public page may name: current (not ended), already started, held by an
    active user who is still an active member of the group's partnership."""
    today = today or timezone.localdate()
    still_member = Membership.objects.filter(
        partnership_id=group.partnership_id, user_id=OuterRef("user_id"), is_active=True
    )
    return group.seats.current().filter(joined_on__lte=today, user__is_active=True).filter(Exists(still_member))


def public_steering_groups(partnership: Partnership, today: date | None = None) -> list[tuple[str, list[PublicSeat]]]:
    groups = Group.objects.filter(partnership=partnership, kind=Group.Kind.STEERING, is_active=True).order_by("name")
    return [
        (
            group.name,
            [
                PublicSeat(seat.user.full_name, seat.get_role_display(), seat.organisation.name)
                for seat in seats_in_order(public_current_seats(group, today))
            ],
        )
        for group in groups
    ]


def public_published_terms(partnership: Partnership):
    return (
        TermsOfReference.objects.filter(status=Status.PUBLISHED, group__partnership=partnership, group__is_active=True)
        .select_related("group")
        .order_by("group__kind", "group__name")
    )


def public_upcoming_meetings(partnership: Partnership, *, limit: int = 20) -> list[tuple]:
    """(start, group name) of the coming meetings: nothing else about them."""
    meetings = Meeting.objects.filter(
        group__partnership=partnership,
        group__is_active=True,
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD],
        starts_at__gte=timezone.now(),
    ).order_by("starts_at")
    return list(meetings.values_list("starts_at", "group__name")[:limit])


def public_terms(partnership: Partnership, group_pk: int) -> TermsOfReference | None:
    """The group's currently published version (never a draft or an approved, unpublished one)."""
    return (
        TermsOfReference.objects.filter(
            status=Status.PUBLISHED,
            group__pk=group_pk,
            group__partnership=partnership,
            group__is_active=True,
        )
        .select_related("group")
        .first()
    )


@transaction.atomic
def set_public_pages(*, partnership: Partnership, by: User, publish: bool) -> Partnership:
    require(by, partnership, MANAGE)
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.publishes_public_pages != publish:
        before = locked.publishes_public_pages
        locked.publishes_public_pages = publish
        locked.save(update_fields=["publishes_public_pages", "updated_at"])
        audit.record(
            actor=by,
            action=AuditAction.UPDATE,
            obj=locked,
            detail={"changed": {"publishes_public_pages": [str(before), str(publish)]}},
        )
    return locked
