"""Member organisations' lead contacts: adding, replacing, confirming, and asking stale ones to confirm.

A current lead is stale when it has not been confirmed within its partnership's
`lead_confirmation_months` (`is_stale` and `stale_filter` share one cutoff, `confirmation_cutoff`).
A stale lead's holder is emailed a signed, single-use link (14 days) to confirm or name a replacement.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..models import LeadContact, Membership, OrganisationKind, Partnership, PartnershipOrganisation, SentNotification
from ..models.audit import AuditAction
from ..roles import Permission, permissions_for
from . import audit

Kind = LeadContact.Kind

TOKEN_SALT = "lead-contact-confirm"  # noqa: S105 (a signing salt, not a secret)
LINK_MAX_AGE = timedelta(days=14)
ASK_AGAIN_AFTER = timedelta(days=14)
VIA_LINK = "emailed link"

# The kinds of lead each kind of organisation is expected to name. The MHST link is optional.
EXPECTED_KINDS: dict[str, tuple[Kind, ...]] = {
    **dict.fromkeys(OrganisationKind.education(), (Kind.SENIOR_MH_LEAD,)),
    OrganisationKind.CYPMHS: (Kind.CYPMHS_LINK, Kind.SPA_CONTACT),
    OrganisationKind.VCSO: (Kind.VCSO_CONTACT,),
}


# --- the stale rule ------------------------------------------------------------------------------


def confirmation_cutoff(partnership: Partnership, now=None):
    """A lead last confirmed before this moment is stale."""
    now = now or timezone.now()
    return now - relativedelta(months=partnership.lead_confirmation_months)


def stale_filter(partnership: Partnership, now=None) -> Q:
    """The queryset filter for current leads of `partnership` that are stale at `now`."""
    cutoff = confirmation_cutoff(partnership, now)
    return Q(ended_on__isnull=True) & (Q(last_confirmed_at__isnull=True) | Q(last_confirmed_at__lt=cutoff))


def is_stale(lead: LeadContact, now=None) -> bool:
    if not lead.is_current:
        return False
    return lead.last_confirmed_at is None or lead.last_confirmed_at < confirmation_cutoff(lead.member.partnership, now)


def stale_leads(partnership: Partnership, now=None):
    return (
        LeadContact.objects.for_partnership(partnership)
        .filter(stale_filter(partnership, now))
        .select_related("member__organisation", "member__partnership")
    )


# --- missing kinds -------------------------------------------------------------------------------


def expected_kinds(organisation) -> tuple[Kind, ...]:
    return EXPECTED_KINDS.get(organisation.kind, ())


def missing_kinds(member: PartnershipOrganisation, current_kinds=None) -> list[Kind]:
    if current_kinds is None:
        current_kinds = set(member.lead_contacts.current().values_list("kind", flat=True))
    return [kind for kind in expected_kinds(member.organisation) if kind not in current_kinds]


@dataclass(frozen=True)
class MissingLead:
    member: PartnershipOrganisation
    kind: Kind


def missing_leads(partnership: Partnership, kind: str = "") -> list[MissingLead]:
    """Every (active member, expected kind) without a current lead, by organisation name."""
    members = (
        PartnershipOrganisation.objects.for_partnership(partnership)
        .filter(status=PartnershipOrganisation.Status.ACTIVE)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    current = set(LeadContact.objects.for_partnership(partnership).current().values_list("member_id", "kind"))
    missing = []
    for member in members:
        for expected in expected_kinds(member.organisation):
            if (member.pk, expected.value) not in current and (not kind or expected == kind):
                missing.append(MissingLead(member, expected))
    return missing


# --- who may change an organisation's leads ----------------------------------------------------


def can_manage_leads(user, member: PartnershipOrganisation) -> bool:
    """The area lead for any member; a member with MANAGE_OWN_ORGANISATION for their own organisation."""
    if not user.is_authenticated:
        return False
    if member.partnership_id in user.partnership_ids(Permission.MANAGE_PARTNERSHIP):
        return True
    return any(
        Permission.MANAGE_OWN_ORGANISATION in permissions_for(m.roles)
        for m in user._memberships()
        if m.partnership_id == member.partnership_id and m.organisation_id == member.organisation_id
    )


def _require_manager(user, member) -> None:
    if not can_manage_leads(user, member):
        raise PermissionError("Only the area lead or the organisation's own staff can change its lead contacts.")


def matching_user(partnership: Partnership, email: str):
    """The account of an active member of the partnership with this email address, if there is one."""
    membership = (
        Membership.objects.for_partnership(partnership)
        .filter(is_active=True, user__is_active=True, user__email__iexact=(email or "").strip())
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


# --- changes -------------------------------------------------------------------------------------


@transaction.atomic
def add_lead(
    *,
    member: PartnershipOrganisation,
    by,
    kind: str,
    name: str,
    email: str,
    job_title: str = "",
    phone: str = "",
) -> LeadContact:
    _require_manager(by, member)
    if member.status == PartnershipOrganisation.Status.LEFT:
        raise ValidationError(f"{member.organisation.name} has left the partnership: it has no lead contacts.")
    kind = Kind(kind)
    if member.lead_contacts.current().filter(kind=kind).exists():
        raise ValidationError(
            f"{member.organisation.name} already has a current {kind.label.lower()}: replace them instead."
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            lead = LeadContact.objects.create(
                member=member,
                kind=kind,
                name=name.strip(),
                job_title=job_title.strip(),
                email=email.strip(),
                phone=phone.strip(),
                user=matching_user(member.partnership, email),
                started_on=timezone.localdate(now),
                last_confirmed_at=now,
            )
    except IntegrityError:
        raise ValidationError(f"{member.organisation.name} already has a current {kind.label.lower()}.") from None
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=lead,
        detail={"member": member.pk, "kind": kind.value, "linked_account": lead.user_id is not None},
    )
    return lead


def replace_lead(
    *, lead: LeadContact, by, name: str, email: str, job_title: str = "", phone: str = "", reason: str = ""
) -> LeadContact:
    """End `lead` and name its replacement; the ended row keeps the history and links to the new one."""
    with transaction.atomic():
        _require_manager(by, lead.member)
        locked = _lock_current(lead)
        return _replace(locked, by, name=name, email=email, job_title=job_title, phone=phone, reason=reason)


def _replace(locked: LeadContact, actor, *, name, email, job_title, phone, reason, via: str = "") -> LeadContact:
    now = timezone.now()
    today = timezone.localdate(now)
    locked.ended_on = today
    locked.ended_reason = (reason or "Replaced").strip()[:200]
    locked.confirmation_nonce = ""
    locked.save(update_fields=["ended_on", "ended_reason", "confirmation_nonce", "updated_at"])
    new = LeadContact.objects.create(
        member=locked.member,
        kind=locked.kind,
        name=name.strip(),
        job_title=(job_title or "").strip(),
        email=email.strip(),
        phone=(phone or "").strip(),
        user=matching_user(locked.member.partnership, email),
        started_on=today,
        last_confirmed_at=now,
    )
    locked.replaced_by = new
    locked.save(update_fields=["replaced_by", "updated_at"])
    detail = {"from": "current", "to": "ended", "replaced_by": new.pk, "reason": locked.ended_reason}
    if via:
        detail["via"] = via
    audit.record(actor=actor, action=AuditAction.STATE_CHANGE, obj=locked, detail=detail)
    created = {"member": locked.member_id, "kind": locked.kind, "replaces": locked.pk}
    if via:
        created["via"] = via
    audit.record(actor=actor, action=AuditAction.CREATE, obj=new, detail=created)
    return new


@transaction.atomic
def confirm_lead(*, lead: LeadContact, by) -> LeadContact:
    """The area lead, or the organisation's own staff (MANAGE_OWN_ORGANISATION), confirms the lead
    is still right. A holder without that permission confirms through the emailed link."""
    _require_manager(by, lead.member)
    locked = _lock_current(lead)
    return _confirm(locked, by, via="signed in")


def _confirm(locked: LeadContact, actor, *, via: str) -> LeadContact:
    locked.last_confirmed_at = timezone.now()
    locked.confirmation_nonce = ""
    locked.save(update_fields=["last_confirmed_at", "confirmation_nonce", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"via": via})
    return locked


def _lock_current(lead: LeadContact) -> LeadContact:
    locked = LeadContact.objects.select_for_update().select_related("member__organisation").get(pk=lead.pk)
    if not locked.is_current:
        raise ValidationError(f"{locked.name} is no longer the {locked.get_kind_display().lower()}: nothing to change.")
    return locked


# --- the emailed confirm-or-replace link -----------------------------------------------------------


class LinkError(Exception):
    """The link cannot be used. `status` is 400 (tampered) or 410 (expired, used, or replaced)."""

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=TOKEN_SALT)


def make_token(lead: LeadContact) -> str:
    return _signer().sign_object({"lead": lead.pk, "nonce": lead.confirmation_nonce})


def confirmation_url(lead: LeadContact) -> str:
    return settings.SITE_URL + reverse("lead_confirm", args=[make_token(lead)])


def lead_for_token(token: str, *, lock: bool = False) -> LeadContact:
    """The current lead the link is for, or LinkError. Reads only: GET may call it safely."""
    try:
        payload = _signer().unsign_object(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError("expired", 410) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkError("invalid", 400) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("lead"), int):
        raise LinkError("invalid", 400)
    nonce = payload.get("nonce")
    queryset = LeadContact.objects.select_related("member__organisation", "member__partnership")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    lead = queryset.filter(pk=payload["lead"]).first()
    if (
        lead is None
        or not lead.is_current
        or not lead.confirmation_nonce
        or not isinstance(nonce, str)
        or not secrets.compare_digest(lead.confirmation_nonce, nonce)
    ):
        raise LinkError("used", 410)
    if lead.member.status == PartnershipOrganisation.Status.LEFT or not lead.member.partnership.is_active:
        raise LinkError("closed", 410)
    return lead


@transaction.atomic
def confirm_by_link(token: str) -> LeadContact:
    lead = lead_for_token(token, lock=True)
    return _confirm(lead, audit.ANONYMOUS, via=VIA_LINK)


@transaction.atomic
def replace_by_link(token: str, *, name: str, email: str, job_title: str = "") -> LeadContact:
    lead = lead_for_token(token, lock=True)
    return _replace(
        lead,
        audit.ANONYMOUS,
        name=name,
        email=email,
        job_title=job_title,
        phone="",
        reason="The holder said they are no longer the lead",
        via=VIA_LINK,
    )


def request_confirmation(lead: LeadContact, *, now=None, only_if_not_asked_since=None) -> bool:
    """Email the holder a fresh single-use link to confirm or replace themselves.

    Sets a new nonce (any earlier link stops working) and `confirmation_requested_at`. With
    `only_if_not_asked_since`, does nothing when the holder was asked after that moment (so two
    runs at once send one email). Returns whether an email was sent.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            locked = (
                LeadContact.objects.select_for_update(of=("self",))
                .select_related("member__organisation", "member__partnership")
                .get(pk=lead.pk)
            )
            if not locked.is_current:
                return False
            asked = locked.confirmation_requested_at
            if only_if_not_asked_since is not None and asked is not None and asked >= only_if_not_asked_since:
                return False
            locked.confirmation_nonce = secrets.token_hex(16)
            locked.confirmation_requested_at = now
            locked.save(update_fields=["confirmation_nonce", "confirmation_requested_at", "updated_at"])
            key = f"lead-confirm:{locked.pk}:{locked.confirmation_nonce}"
            SentNotification.objects.create(key=key)
            _send_request(locked)
            audit.record(
                actor=audit.SYSTEM,
                action=AuditAction.NOTIFICATION_SENT,
                obj=locked,
                detail={"notification": "lead_confirmation_request", "key": key},
            )
    except IntegrityError:
        return False
    lead.confirmation_nonce = locked.confirmation_nonce
    lead.confirmation_requested_at = locked.confirmation_requested_at
    return True


def _send_request(lead: LeadContact) -> None:
    organisation = lead.member.organisation.name
    partnership = lead.member.partnership.name
    kind = lead.get_kind_display()
    send_mail(
        subject=f"Are you still the {kind.lower()} for {organisation}?",
        message=(
            f"Dear {lead.name},\n\n"
            f"{partnership} lists you as the {kind.lower()} for {organisation}. "
            "Please tell us whether this is still right, so that schools and services can reach the right person.\n\n"
            f"{confirmation_url(lead)}\n\n"
            "The link works once and expires in 14 days. You do not need to sign in. "
            "If you are no longer the lead, the page lets you name the person who has taken over.\n\n"
            "If the link has expired, ask the partnership's area lead to update the record."
        ),
        from_email=None,
        recipient_list=[lead.email],
    )


def request_stale_confirmations(*, now=None) -> int:
    """Ask every stale current lead of an active member of an active partnership to confirm, unless
    they were asked in the last 14 days. Safe to run twice. Returns the number of emails sent."""
    now = now or timezone.now()
    asked_before = now - ASK_AGAIN_AFTER
    sent = 0
    for partnership in Partnership.objects.filter(is_active=True).order_by("pk"):
        leads = (
            stale_leads(partnership, now)
            .filter(member__status=PartnershipOrganisation.Status.ACTIVE)
            .filter(Q(confirmation_requested_at__isnull=True) | Q(confirmation_requested_at__lt=asked_before))
            .order_by("pk")
        )
        for lead in leads:
            if request_confirmation(lead, now=now, only_if_not_asked_since=asked_before):
                sent += 1
    return sent
