"""Who is emailed about a referral, and what the email says (issue 5, items 6 and 7).

Every email carries NO child's details: only the referral's reference, what happened in general
words and a link to sign in (the page behind the link asks for the second factor). Each email is
sent through `partnership.services.notifications.send_once` with a key per effect and recipient,
so a task run twice (or redelivered after a worker died) sends each email once; except the
waiting-time digests (`send_waiting_digests`), whose keys are recorded in bulk by the sweep.

The school: the member who created the referral (while still an active member of that school
with VIEW_SCHOOL_REFERRALS) and the school's senior mental health leads, on submission, on a
decision (accepted, signposted, not accepted), on a request for more information and on a new
message from the duty team.

The duty team: on a new urgent referral, every member of the SPA's provider organisation whose
roles grant TRIAGE_REFERRALS; on an answer to a request for information or a new message from the
school, the clinician who claimed the referral, else the whole duty team.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.urls import reverse

from partnership.models import Membership, Organisation, User
from partnership.models.audit import AuditAction
from partnership.roles import Permission, Role
from partnership.services import audit
from partnership.services.notifications import send_once

from .models import Message, Referral, SinglePointOfAccess, StatusChange, Urgency
from .services.spa import members_holding
from .states import Status
from .waiting import RED_FROM, STANDARD_DAYS

FOOTER = (
    "For the child's privacy this email contains no details about them. "
    "Sign in to the platform to see the referral.\n\n"
    "This is an automatic email: please do not reply to it."
)


def members_with(referral: Referral, organisation: Organisation | int, permission: Permission) -> list[User]:
    """Active users of `organisation` in the referral's partnership whose roles grant `permission`."""
    organisation_id = getattr(organisation, "pk", organisation)
    return sorted(members_holding(referral.partnership_id, organisation_id, permission), key=lambda u: u.pk)


def school_recipients(referral: Referral) -> list[User]:
    """The referrer (while still at the school) and the school's senior mental health leads."""
    staff = members_with(referral, referral.school_id, Permission.VIEW_SCHOOL_REFERRALS)
    leads = set(
        Membership.objects.filter(
            partnership_id=referral.partnership_id,
            organisation_id=referral.school_id,
            is_active=True,
            user__is_active=True,
            roles__contains=[Role.SCHOOL_MH_LEAD],
        ).values_list("user_id", flat=True)
    )
    return [u for u in staff if u.pk == referral.created_by_id or u.pk in leads]


def duty_team(referral: Referral) -> list[User]:
    return members_with(referral, referral.spa.provider_id, Permission.TRIAGE_REFERRALS)


def claimant_else_duty_team(referral: Referral) -> list[User]:
    team = duty_team(referral)
    claimant = [u for u in team if u.pk == referral.claimed_by_id]
    return claimant or team


def school_link(referral: Referral) -> str:
    return settings.SITE_URL + reverse("referrals_school_detail", args=[referral.partnership.slug, referral.pk])


def triage_link(referral: Referral) -> str:
    return settings.SITE_URL + reverse("referrals_triage_detail", args=[referral.partnership.slug, referral.pk])


def _body(opening: str, link: str) -> str:
    return f"{opening}\n\nSign in to see the referral:\n{link}\n\n{FOOTER}\n"


def _send(*, key: str, users: list[User], subject: str, body: str, referral: Referral, what: str) -> int:
    """One email per recipient, each sent once (keyed per effect and recipient)."""
    sent = 0
    for user in users:
        sent += send_once(
            key=f"{key}:{user.pk}",
            subject=subject,
            message=body,
            recipients=[user.email],
            obj=referral,
            detail={"notification": what, "reference": referral.reference, "recipient": user.pk},
        )
    return sent


# what a status change tells the school: (subject ending, opening sentence)
TO_SCHOOL = {
    Status.SUBMITTED: ("received", "The single point of access has received referral {ref}."),
    Status.INFO_REQUESTED: (
        "more information needed",
        "The duty team has asked a question about referral {ref}. Please sign in to answer it.",
    ),
    Status.ACCEPTED: ("decision made", "The duty team has made a decision on referral {ref}: it has been accepted."),
    Status.SIGNPOSTED: (
        "decision made",
        "The duty team has made a decision on referral {ref}: it has been signposted to other support.",
    ),
    Status.NOT_ACCEPTED: (
        "decision made",
        "The duty team has made a decision on referral {ref}: it has not been accepted. "
        "The reason is on the referral's page.",
    ),
}


def status_changed(status_change_id: int) -> int:
    """Send what a status change calls for. Returns how many emails were sent now."""
    change = (
        StatusChange.objects.select_related("referral__partnership", "referral__spa")
        .filter(pk=status_change_id)
        .first()
    )
    if change is None:
        return 0
    referral, sent = change.referral, 0
    ref = referral.reference
    if change.to_status in TO_SCHOOL and not (
        change.to_status == Status.SUBMITTED and change.from_status != Status.DRAFT  # released back to the queue
    ):
        ending, opening = TO_SCHOOL[change.to_status]
        sent += _send(
            key=f"referral-status:{change.pk}:school",
            users=school_recipients(referral),
            subject=f"Referral {ref}: {ending}",
            body=_body(opening.format(ref=ref), school_link(referral)),
            referral=referral,
            what=f"referral_{change.to_status}",
        )
    if (
        change.from_status == Status.DRAFT
        and change.to_status == Status.SUBMITTED
        and referral.urgency == Urgency.URGENT
    ):
        sent += _send(
            key=f"referral-status:{change.pk}:urgent",
            users=duty_team(referral),
            subject=f"New urgent referral {ref}",
            body=_body(
                f"A school has submitted an urgent referral, {ref}, to the single point of access.",
                triage_link(referral),
            ),
            referral=referral,
            what="referral_urgent",
        )
    if change.from_status == Status.INFO_REQUESTED and change.to_status == Status.IN_TRIAGE:
        sent += _send(
            key=f"referral-status:{change.pk}:answered",
            users=claimant_else_duty_team(referral),
            subject=f"Referral {ref}: the school has answered",
            body=_body(f"The school has answered the duty team's question on referral {ref}.", triage_link(referral)),
            referral=referral,
            what="referral_answered",
        )
    return sent


def message_posted(message_id: int) -> int:
    """Tell the other side of a new message (never its text). Returns how many emails were sent now."""
    message = Message.objects.select_related("referral__partnership", "referral__spa").filter(pk=message_id).first()
    if message is None:
        return 0
    referral = message.referral
    ref = referral.reference
    if message.from_duty_team:
        users = school_recipients(referral)
        link, opening = school_link(referral), f"The duty team has sent a message about referral {ref}."
    else:
        users = claimant_else_duty_team(referral)
        link, opening = triage_link(referral), f"The school has sent a message about referral {ref}."
    return _send(
        key=f"referral-message:{message.pk}",
        users=[u for u in users if u.pk != message.author_id],
        subject=f"Referral {ref}: new message",
        body=_body(opening, link),
        referral=referral,
        what="referral_message",
    )


# --- waiting-time warnings to the duty leads -------------------------------------------------------

#: a digest lists at most this many references; the rest are "and N more" with the link
DIGEST_LINES = 50

WARNINGS = {
    "red": (
        "now Red",
        f"These referrals have waited {RED_FROM} days or more without a first contact: they are Red on the "
        f"four-week clock and breach the standard after day {STANDARD_DAYS}.",
    ),
    "breached": (
        "breached the four-week standard",
        f"These referrals have waited more than {STANDARD_DAYS} days without a first contact: they have "
        f"breached the four-week ({STANDARD_DAYS} day) standard.",
    ),
}

DIGEST_FOOTER = (
    "For the children's privacy this email contains no details about them. "
    "Sign in to the platform to see the referrals.\n\n"
    "This is an automatic email: please do not reply to it."
)


@dataclass(frozen=True)
class WaitingDigest:
    """The referrals of one SPA newly at one threshold: lines of (reference, days waited)."""

    spa: SinglePointOfAccess
    threshold: str
    lines: list[tuple[str, int]]
    recipients: list[str]

    def queue_link(self) -> str:
        url = reverse("referrals_queue", args=[self.spa.partnership.slug])
        return f"{settings.SITE_URL}{url}?{urlencode({'open': 'on', 'clock': self.threshold})}"

    def message(self) -> EmailMessage:
        ending, opening = WARNINGS[self.threshold]
        count = len(self.lines)
        lines = sorted(self.lines, key=lambda line: (-line[1], line[0]))
        listed = [f"- {ref}: waiting {days} days" for ref, days in lines[:DIGEST_LINES]]
        if count > DIGEST_LINES:
            listed.append(f"- and {count - DIGEST_LINES} more: see them all in the triage queue.")
        noun = "referral" if count == 1 else "referrals"
        body = (
            f"{opening}\n\n" + "\n".join(listed) + f"\n\nSign in to see them in the triage queue:\n"
            f"{self.queue_link()}\n\n{DIGEST_FOOTER}\n"
        )
        subject = f"{self.spa.name}: {count} {noun} {ending}"
        return EmailMessage(subject=subject, body=body, to=list(self.recipients))

    def audit_detail(self) -> dict:
        return {
            "notification": f"referral_clock_{self.threshold}_digest",
            "count": len(self.lines),
            "references": sorted(ref for ref, _ in self.lines),
            "recipients": len(self.recipients),
        }


def send_waiting_digests(digests: list[WaitingDigest]) -> int:
    """Send the digests over one mail connection, one audit event each (counts and references only).
    Call inside the transaction that recorded their keys: a failure raises and records nothing."""
    if not digests:
        return 0
    with get_connection() as mailer:
        sent = mailer.send_messages([digest.message() for digest in digests]) or 0
    for digest in digests:
        audit.record(
            actor=audit.SYSTEM,
            action=AuditAction.NOTIFICATION_SENT,
            object_type=SinglePointOfAccess._meta.label_lower,
            object_id=digest.spa.pk,
            partnership=digest.spa.partnership_id,
            detail=digest.audit_detail(),
        )
    return sent
