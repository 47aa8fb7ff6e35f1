"""Short secure messages on a referral between its school and the duty team (DESIGN.md section 6).

The school's staff and the SPA's duty staff who can see the referral may post; nobody else can
reach it (404). A message is at most 2,000 characters, kept forever, and audited without its text.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from partnership.models import User
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit

from .. import notify
from ..models import Message, Referral
from ..states import Status

MAX_LENGTH = 2000


@transaction.atomic
def post_message(*, referral_id: int, by: User, body: str, from_duty_team: bool) -> Message:
    """Post `body` on the referral as its school (`from_duty_team=False`) or its duty team."""
    permission = Permission.TRIAGE_REFERRALS if from_duty_team else Permission.VIEW_SCHOOL_REFERRALS
    referral = Referral.objects.for_user(by, permission).filter(pk=referral_id).first()
    if referral is None:
        raise Http404("No such referral")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your message"}, code="required")
    if len(body) > MAX_LENGTH:
        raise ValidationError({"body": f"Message must be {MAX_LENGTH:,} characters or fewer"}, code="max_length")
    if referral.status == Status.DRAFT:
        raise ValidationError({"body": "Submit the referral before sending messages about it"}, code="draft")
    message = Message.objects.create(referral=referral, author=by, from_duty_team=from_duty_team, body=body)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=message,
        partnership=referral.partnership_id,
        detail={"reference": referral.reference, "from_duty_team": from_duty_team},
    )
    notify.message_posted(message.pk)  # the outbox message commits with the message
    return message
