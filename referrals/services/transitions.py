"""Every change of a referral's state, in one place: checked against the state machine
(referrals/states.py), made under a row lock in one transaction, recorded as an immutable status
row and an audit event, and bumping the referral's version.

Safe concurrency (DESIGN.md section 6): a caller passes the version it last read
(`expected_version`, the API's If-Match); if someone else changed the referral since, StaleVersion
is raised with the current referral and nothing is written. Two clinicians acting at the same
moment: the row lock serialises them, the second sees the first's new version and is refused,
and the history shows one transition.

Nothing here puts a child's details into the audit trail: events name the referral by id and
reference only.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from partnership.models import DirectoryService, User
from partnership.models.audit import AuditAction
from partnership.models.directory import Thrive
from partnership.roles import Permission
from partnership.services import audit

from .. import notify, rollups
from ..models import InformationRequest, NotAcceptedReason, Referral, SinglePointOfAccess, StatusChange
from ..states import TRANSITIONS, Status, Transition, transition_for

#: what a referral must have before it can be submitted (the form asks for each, with hints)
REQUIRED_TO_SUBMIT = {
    "child_first_name": "Enter the child's first name",
    "child_last_name": "Enter the child's last name",
    "date_of_birth": "Enter the child's date of birth",
    "year_group": "Enter the child's year group",
    "postcode": "Enter the child's postcode",
    "urgency": "Select whether the referral is routine or urgent",
    "situation": "Say what is happening now",
    "why_now": "Say why you are referring now",
    "support_tried": "Say what support the school has already tried",
    "assessment": "Give your assessment",
    "requests": "Select what you are asking for",
    "consent_by": "Select who consented to the referral",
    "consent_date": "Enter the date consent was given",
}


class StaleVersion(Exception):
    """The referral changed since the caller read it: `current` is how it is now."""

    def __init__(self, current: Referral):
        super().__init__(f"{current.reference or 'The referral'} has changed (now version {current.version}).")
        self.current = current


def missing_for_submission(referral: Referral) -> dict[str, str]:
    missing = {name: message for name, message in REQUIRED_TO_SUBMIT.items() if not getattr(referral, name)}
    if referral.consent_by and referral.consent_share_outcome is None:
        missing["consent_share_outcome"] = "Say whether the outcome may be shared with the school"
    return missing


def _locked(referral_id: int, by: User, permission: Permission) -> Referral:
    """The referral, locked, if `by` may act on it with `permission`: 403 when they can see it but
    not do this, 404 when they can't see it at all."""
    referral = Referral.objects.for_user(by, permission).select_for_update(of=("self",)).filter(pk=referral_id).first()
    if referral is not None:
        return referral
    if Referral.objects.for_user(by).filter(pk=referral_id).exists():
        raise PermissionDenied("You can see this referral but not do that to it.")
    raise Http404("No such referral.")


def _refuse(referral: Referral, name: str) -> ValidationError:
    message = f"A referral that is {referral.get_status_display().lower()} can't be {VERBS.get(name, name)}."
    return ValidationError({"status": ValidationError(message, code="invalid_transition")})


VERBS = {
    "submit": "submitted",
    "claim": "claimed",
    "release": "released",
    "request_information": "sent back with a question",
    "answer": "answered",
    "accept": "accepted",
    "signpost": "signposted",
    "not_accept": "not accepted",
    "first_contact": "given a first contact",
    "close": "closed",
}


def _record(referral: Referral, transition: Transition | None, by: User, note: str, *, to_status=None) -> None:
    """Save the referral with a new version, its status row and its audit event."""
    before = referral.status
    after = to_status or (transition.target if transition else before)
    referral.status = after
    referral.version += 1
    referral.save()
    if after != before:
        change = StatusChange.objects.create(referral=referral, from_status=before, to_status=after, by=by, note=note)
        notify.transition_made(change.pk)  # the outbox message commits with the change
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE if after != before else AuditAction.UPDATE,
        obj=referral,
        partnership=referral.partnership_id,
        detail={
            "reference": referral.reference,
            "transition": transition.name if transition else "reassign",
            "from": before,
            "to": after,
            "version": referral.version,
        },
    )
    if after != before:  # last, so the rollup state row is locked only until the commit
        rollups.mark_stale(referral.partnership_id)


def _next_number(spa: SinglePointOfAccess, year: int) -> int:
    SinglePointOfAccess.objects.select_for_update().filter(pk=spa.pk).first()
    last = Referral.objects.filter(spa=spa, year=year).order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def apply(
    *,
    referral_id: int,
    by: User,
    name: str,
    expected_version: int | None,
    note: str = "",
    **details,
) -> Referral:
    """Make transition `name` on the referral as `by`. `details` are the transition's own fields
    (see the _prepare_* functions). Raises Http404, PermissionDenied, StaleVersion or
    ValidationError (keyed by field) and then writes nothing."""
    if name not in TRANSITIONS:
        raise ValidationError({"transition": f"There is no action called {name}."}, code="unknown_transition")
    referral = _locked(referral_id, by, TRANSITIONS[name].permission)
    if name == "submit" and referral.submitted_at is not None:
        return referral  # a double click, a resubmitted form or a retry: already submitted, nothing to do
    if expected_version is not None and referral.version != expected_version:
        raise StaleVersion(referral)
    transition = transition_for(name, referral.status)
    if transition is None:
        raise _refuse(referral, name)
    PREPARE[name](referral, by, **details)
    _record(referral, transition, by, note.strip())
    return referral


# --- each transition's own rules ------------------------------------------------------------


def _prepare_submit(referral: Referral, by: User) -> None:
    missing = missing_for_submission(referral)
    if missing:
        raise ValidationError(missing, code="incomplete")
    now = timezone.now()
    referral.year = timezone.localdate(now).year
    referral.number = _next_number(referral.spa, referral.year)
    referral.submitted_at = now


def _prepare_claim(referral: Referral, by: User) -> None:
    referral.claimed_by, referral.claimed_at = by, timezone.now()


def _prepare_release(referral: Referral, by: User) -> None:
    _require_claimant_or_lead(referral, by)
    referral.claimed_by, referral.claimed_at = None, None


def _require_claimant_or_lead(referral: Referral, by: User) -> None:
    if referral.claimed_by_id == by.pk:
        return
    if Referral.objects.for_user(by, Permission.LEAD_DUTY_TEAM).filter(pk=referral.pk).exists():
        return
    raise PermissionDenied("Another clinician has claimed this referral: ask the duty lead to reassign it.")


def _prepare_request_information(referral: Referral, by: User, *, question: str = "") -> None:
    _require_claimant_or_lead(referral, by)
    if not question.strip():
        raise ValidationError({"question": "Enter the question for the school"}, code="required")
    InformationRequest.objects.create(referral=referral, question=question.strip(), asked_by=by)


def _prepare_answer(referral: Referral, by: User, *, answer: str = "") -> None:
    if not answer.strip():
        raise ValidationError({"answer": "Enter your answer to the duty team's question"}, code="required")
    request = referral.information_requests.filter(answered_at__isnull=True).order_by("-asked_at").first()
    if request is not None:
        request.answer, request.answered_by, request.answered_at = answer.strip(), by, timezone.now()
        request.save(update_fields=["answer", "answered_by", "answered_at"])


def _decided(referral: Referral, by: User, explanation: str) -> None:
    referral.decided_by, referral.triaged_at = by, timezone.now()
    referral.decision_explanation = explanation.strip()


def _id(value) -> int | None:
    """A primary key from a form or a JSON body, or None when it isn't one."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _service(referral: Referral, service_id) -> DirectoryService:
    pk = _id(service_id)
    service = DirectoryService.objects.filter(partnership_id=referral.partnership_id, pk=pk).first() if pk else None
    if service is None:
        raise ValidationError({"service": "Choose a service from the partnership's directory"}, code="invalid")
    return service


def _prepare_accept(referral: Referral, by: User, *, thrive: str = "", service=None, explanation: str = "") -> None:
    _require_claimant_or_lead(referral, by)
    errors = {}
    if thrive not in Thrive.values:
        errors["thrive"] = "Select the THRIVE grouping"
    if service in (None, ""):
        errors["service"] = "Select the service the referral is allocated to"
    if errors:
        raise ValidationError(errors, code="required")
    referral.thrive = thrive
    referral.allocated_service = _service(referral, service)
    _decided(referral, by, explanation)


def _prepare_signpost(referral: Referral, by: User, *, services=(), explanation: str = "") -> None:
    _require_claimant_or_lead(referral, by)
    if not explanation.strip():
        raise ValidationError({"explanation": "Enter the advice given to the school"}, code="required")
    chosen = [_service(referral, pk) for pk in services or ()]
    _decided(referral, by, explanation)
    referral.signposted_services.set(chosen)  # a draft was saved first, so the referral has its id


def _prepare_not_accept(referral: Referral, by: User, *, reason=None, explanation: str = "") -> None:
    _require_claimant_or_lead(referral, by)
    pk = _id(reason)
    found = NotAcceptedReason.objects.filter(spa_id=referral.spa_id, is_active=True, pk=pk).first() if pk else None
    errors = {}
    if found is None:
        errors["reason"] = "Select the reason the referral is not accepted"
    if not explanation.strip():
        errors["explanation"] = "Explain the decision for the school"
    if errors:
        raise ValidationError(errors, code="required")
    referral.not_accepted_reason = found
    _decided(referral, by, explanation)


def _prepare_first_contact(referral: Referral, by: User, *, on: date | None = None, contact_by=None) -> None:
    """`contact_by` (a user or their id; default `by`) must be duty staff who can triage the referral."""
    who = by
    if contact_by not in (None, ""):
        pk = contact_by.pk if isinstance(contact_by, User) else _id(contact_by)
        who = User.objects.filter(pk=pk, is_active=True).first() if pk else None
        if (
            who is None
            or not Referral.objects.for_user(who, Permission.TRIAGE_REFERRALS).filter(pk=referral.pk).exists()
        ):
            raise ValidationError({"contact_by": "Choose a member of this duty team"}, code="invalid")
    if on is None:
        raise ValidationError({"on": "Enter the date of first contact"}, code="required")
    if on > timezone.localdate():
        raise ValidationError({"on": "The date of first contact must be today or in the past"}, code="invalid")
    if on < timezone.localdate(referral.submitted_at):
        raise ValidationError({"on": "The date of first contact can't be before the referral was submitted"})
    referral.first_contact_on, referral.first_contact_by = on, who


def _prepare_close(referral: Referral, by: User, *, outcome: str = "") -> None:
    if not outcome.strip():
        raise ValidationError({"outcome": "Enter the outcome"}, code="required")
    referral.outcome, referral.closed_at = outcome.strip(), timezone.now()


PREPARE = {
    "submit": _prepare_submit,
    "claim": _prepare_claim,
    "release": _prepare_release,
    "request_information": _prepare_request_information,
    "answer": _prepare_answer,
    "accept": _prepare_accept,
    "signpost": _prepare_signpost,
    "not_accept": _prepare_not_accept,
    "first_contact": _prepare_first_contact,
    "close": _prepare_close,
}


@transaction.atomic
def reassign(*, referral_id: int, by: User, to: User, expected_version: int | None) -> Referral:
    """The duty lead gives a claimed referral to another duty clinician of the same SPA."""
    referral = _locked(referral_id, by, Permission.LEAD_DUTY_TEAM)
    if expected_version is not None and referral.version != expected_version:
        raise StaleVersion(referral)
    if referral.status != Status.IN_TRIAGE:
        raise _refuse(referral, "reassigned")
    if not Referral.objects.for_user(to, Permission.TRIAGE_REFERRALS).filter(pk=referral.pk).exists():
        raise ValidationError({"to": "Choose a duty clinician of this single point of access"}, code="invalid")
    referral.claimed_by, referral.claimed_at = to, timezone.now()
    _record(referral, None, by, "")
    return referral
