"""Memoranda of understanding: drafting, parties, signature, new versions and review reminders.

Draft (the area lead edits content and parties) -> in signature (content and parties fixed; each
party's named signatory signs in the app) -> signed (when every party has signed, in the same
transaction as the last signature). A signed MOU is never edited: a new version is a draft copy
that supersedes it, and the old one becomes superseded when the new one is fully signed.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from ..models import Membership, Mou, MouParty, Partnership, PartnershipOrganisation, User
from ..models.audit import AuditAction
from ..roles import Permission
from . import audit, notifications
from .permissions import require

#: signed MOUs whose review date is this close (or past) trigger a reminder to the area leads
REVIEW_REMINDER_DAYS = notifications.REVIEW_NOTICE_DAYS
MIN_PARTIES = 2


def _require_manager(by: User, partnership: Partnership) -> None:
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)


def _check_dates(start_date: date, review_date: date) -> None:
    if start_date and review_date and review_date <= start_date:
        raise ValidationError({"review_date": "The review date must be after the start date"})


def _require_draft(mou: Mou) -> None:
    if not mou.is_editable:
        if mou.status == Mou.Status.IN_SIGNATURE:
            raise ValidationError("This memorandum has been sent for signature: its content and parties are fixed.")
        raise ValidationError(
            "This memorandum has been signed and cannot be changed. Start a new version to change it."
        )


def _content(mou: Mou) -> dict:
    return model_to_dict(mou, fields=Mou.CONTENT_FIELDS)


def _locked(mou: Mou) -> Mou:
    return Mou.objects.select_for_update().get(pk=mou.pk)


def mou_url(mou: Mou) -> str:
    return settings.SITE_URL + reverse("mou_detail", args=[mou.partnership.slug, mou.pk])


# --- drafting ----------------------------------------------------------------------------------


@transaction.atomic
def create_mou(*, partnership: Partnership, by: User, **content) -> Mou:
    """A new draft (version 1). `content` holds exactly Mou.CONTENT_FIELDS."""
    _require_manager(by, partnership)
    unknown = set(content) - set(Mou.CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not content fields: {', '.join(sorted(unknown))}")
    _check_dates(content.get("start_date"), content.get("review_date"))
    mou = Mou(partnership=partnership, created_by=by, **content)
    mou.full_clean()
    mou.save()
    audit.record(actor=by, action=AuditAction.CREATE, obj=mou, detail={"title": mou.title, "version": mou.version})
    return mou


@transaction.atomic
def update_mou(*, mou: Mou, by: User, **changes) -> Mou:
    """Change a draft's content; anything else is refused with a plain-English reason."""
    _require_manager(by, mou.partnership)
    unknown = set(changes) - set(Mou.CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"Not content fields: {', '.join(sorted(unknown))}")
    locked = _locked(mou)
    _require_draft(locked)
    before = _content(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_dates(locked.start_date, locked.review_date)
    locked.full_clean()
    locked.save()
    diff = audit.changed_fields(before, _content(locked))
    if diff:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=locked, detail={"changed": diff})
    return locked


def eligible_signatories(partnership: Partnership):
    """Active memberships acting for an active member organisation: who may sign for whom."""
    active_orgs = PartnershipOrganisation.objects.for_partnership(partnership).filter(
        status=PartnershipOrganisation.Status.ACTIVE
    )
    return (
        Membership.objects.for_partnership(partnership)
        .filter(is_active=True, user__is_active=True, organisation__in=active_orgs.values("organisation"))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def _check_signatory(partnership: Partnership, organisation, signatory: User) -> None:
    if not PartnershipOrganisation.objects.filter(
        partnership=partnership, organisation=organisation, status=PartnershipOrganisation.Status.ACTIVE
    ).exists():
        raise ValidationError({"signatory": f"{organisation} is not an active member of the partnership."})
    if not eligible_signatories(partnership).filter(user=signatory, organisation=organisation).exists():
        raise ValidationError(
            {"signatory": f"{signatory} does not act for {organisation} in this partnership, so cannot sign for it."}
        )


@transaction.atomic
def add_party(*, mou: Mou, by: User, organisation, signatory: User, signatory_title: str = "") -> MouParty:
    _require_manager(by, mou.partnership)
    locked = _locked(mou)
    _require_draft(locked)
    _check_signatory(locked.partnership, organisation, signatory)
    if locked.parties.filter(organisation=organisation).exists():
        raise ValidationError({"signatory": f"{organisation} is already a party to this memorandum."})
    party = MouParty.objects.create(
        mou=locked, organisation=organisation, signatory=signatory, signatory_title=signatory_title.strip()
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=party,
        detail={"mou": locked.pk, "organisation": organisation.pk, "signatory": signatory.pk},
    )
    return party


@transaction.atomic
def remove_party(*, party: MouParty, by: User) -> None:
    mou = _locked(party.mou)
    _require_manager(by, mou.partnership)
    _require_draft(mou)
    detail = {"mou": mou.pk, "organisation": party.organisation_id, "signatory": party.signatory_id}
    audit.record(actor=by, action=AuditAction.DELETE, obj=party, partnership=mou.partnership, detail=detail)
    party.delete()


# --- signature ---------------------------------------------------------------------------------


@transaction.atomic
def send_for_signature(*, mou: Mou, by: User) -> Mou:
    """Fix the content and parties and ask each signatory (once) to sign in the app."""
    _require_manager(by, mou.partnership)
    locked = _locked(mou)
    if locked.status != Mou.Status.DRAFT:
        raise ValidationError("Only a draft memorandum can be sent for signature.")
    parties = list(locked.parties.select_related("organisation", "signatory"))
    if len(parties) < MIN_PARTIES:
        raise ValidationError("Add at least two parties before sending the memorandum for signature.")
    for party in parties:
        try:
            _check_signatory(locked.partnership, party.organisation, party.signatory)
        except ValidationError as error:
            message = error.message_dict["signatory"][0]
            raise ValidationError(f"{message} Remove the party or choose another signatory.") from error
    locked.status = Mou.Status.IN_SIGNATURE
    locked.sent_for_signature_at = timezone.now()
    locked.save(update_fields=["status", "sent_for_signature_at", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=locked,
        detail={"from": Mou.Status.DRAFT, "to": Mou.Status.IN_SIGNATURE, "parties": len(parties)},
    )
    for signatory in {party.signatory for party in parties}:
        _ask_to_sign(mou=locked, signatory=signatory, parties=[p for p in parties if p.signatory == signatory])
    return locked


def _ask_to_sign(*, mou: Mou, signatory: User, parties: list[MouParty]) -> bool:
    """One email per signatory and MOU version (a SentNotification key), naming nobody but them."""
    key = f"mou-signature-request:{mou.pk}:{signatory.pk}"
    organisations = " and ".join(p.organisation.name for p in parties)
    return notifications.send_once(
        key=key,
        subject=f"Please sign: {mou.title} (version {mou.version})",
        message=(
            f"Dear {signatory.full_name},\n\n"
            f'The memorandum of understanding "{mou.title}" (version {mou.version}) of '
            f"{mou.partnership.name} is ready for signature. You are named as the signatory for "
            f"{organisations}.\n\n"
            f"Sign in, read the memorandum and sign it here:\n{mou_url(mou)}\n"
        ),
        recipients=[signatory.email],
        obj=mou,
        detail={"notification": "mou_signature_request", "recipient": signatory.pk},
    )


@transaction.atomic
def sign(*, party: MouParty, by: User) -> MouParty:
    """The party's named signatory signs. The last signature makes the MOU signed and supersedes
    the version it replaces, in this same transaction."""
    mou = _locked(party.mou)  # serialises signatures on one MOU, so "everyone has signed" is exact
    party = MouParty.objects.select_for_update().get(pk=party.pk)
    if party.signatory_id != by.pk:
        raise PermissionDenied("Only the named signatory can sign for this organisation.")
    if mou.status != Mou.Status.IN_SIGNATURE:
        raise ValidationError("This memorandum is not awaiting signatures.")
    if party.has_signed:
        raise ValidationError(f"You have already signed this memorandum for {party.organisation}.")
    if not eligible_signatories(mou.partnership).filter(user=by, organisation=party.organisation_id).exists():
        raise ValidationError(f"You no longer act for {party.organisation} in this partnership, so cannot sign for it.")
    now = timezone.now()
    party.signed_at = now
    party.save(update_fields=["signed_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=party,
        detail={"mou": mou.pk, "organisation": party.organisation_id, "signed": True},
    )
    if not mou.parties.filter(signed_at__isnull=True).exists():
        mou.status = Mou.Status.SIGNED
        mou.fully_signed_at = now
        mou.save(update_fields=["status", "fully_signed_at", "updated_at"])
        audit.record(
            actor=by,
            action=AuditAction.STATE_CHANGE,
            obj=mou,
            detail={"from": Mou.Status.IN_SIGNATURE, "to": Mou.Status.SIGNED},
        )
        if mou.supersedes_id:
            old = Mou.objects.select_for_update().get(pk=mou.supersedes_id)
            if old.status == Mou.Status.SIGNED:
                old.status = Mou.Status.SUPERSEDED
                old.save(update_fields=["status", "updated_at"])
                audit.record(
                    actor=by,
                    action=AuditAction.STATE_CHANGE,
                    obj=old,
                    detail={"from": Mou.Status.SIGNED, "to": Mou.Status.SUPERSEDED, "superseded_by": mou.pk},
                )
    return party


@transaction.atomic
def start_new_version(*, mou: Mou, by: User) -> Mou:
    """A draft copy of a signed MOU (version + 1, same content and parties, nobody signed yet)."""
    _require_manager(by, mou.partnership)
    locked = _locked(mou)
    if locked.status != Mou.Status.SIGNED:
        raise ValidationError("A new version can only be started from the signed memorandum in force.")
    if Mou.objects.filter(supersedes=locked).exists():
        raise ValidationError("A new version of this memorandum has already been started.")
    copy = Mou.objects.create(
        partnership=locked.partnership,
        version=locked.version + 1,
        supersedes=locked,
        created_by=by,
        **_content(locked),
    )
    for party in locked.parties.all():
        MouParty.objects.create(
            mou=copy,
            organisation_id=party.organisation_id,
            signatory_id=party.signatory_id,
            signatory_title=party.signatory_title,
        )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=copy,
        detail={"title": copy.title, "version": copy.version, "supersedes": locked.pk},
    )
    return copy


def next_version_of(mou: Mou) -> Mou | None:
    return Mou.objects.filter(supersedes=mou).first()


# --- review reminders --------------------------------------------------------------------------


def review_window(mou: Mou, today: date) -> str | None:
    """'overdue' once the review date has passed, 'due' within REVIEW_REMINDER_DAYS of it."""
    return notifications.review_window(mou.review_date, today)


def send_mou_review_reminders(*, today: date | None = None) -> int:
    """Email each partnership's area leads about signed MOUs due for review (within 30 days) or
    overdue; once per MOU, review date and window. Returns the number of emails sent."""
    today = today or timezone.localdate()
    due = (
        Mou.objects.filter(
            status=Mou.Status.SIGNED,
            partnership__is_active=True,
            review_date__lte=today + timedelta(days=REVIEW_REMINDER_DAYS),
        )
        .select_related("partnership")
        .order_by("pk")
    )
    return sum(1 for mou in due if _remind(mou=mou, today=today))


def _remind(*, mou: Mou, today: date) -> bool:
    window = review_window(mou, today)
    recipients = notifications.area_lead_emails(mou.partnership)
    if window is None or not recipients:
        return False
    key = f"mou-review:{mou.pk}:{mou.review_date.isoformat()}:{window}"
    when = f"{mou.review_date:%-d %B %Y}"
    lead_in = f"was due for review on {when}" if window == "overdue" else f"is due for review on {when}"
    return notifications.send_once(
        key=key,
        subject=f"Memorandum due for review: {mou.title}",
        message=(
            f'The memorandum of understanding "{mou.title}" (version {mou.version}) of '
            f"{mou.partnership.name} {lead_in}.\n\n"
            "To change it, start a new version, agree it with the parties and send it for signature:\n"
            f"{mou_url(mou)}\n"
        ),
        recipients=recipients,
        obj=mou,
        detail={"notification": "mou_review_reminder", "recipients": len(recipients)},
    )
