"""Access rules for memoranda of understanding and meetings (see __init__.py for the shape).

`mou_sign` is open to the party's named signatory only: args() names the cast's lead as the
signatory of one party, so the lead may sign (200/302), the reader, who can see the partnership
but is not a signatory, gets 403, and the outsider 404.
"""

import datetime

from django.utils import timezone

from partnership.models import Decision, Meeting, Mou, TermsOfReference
from partnership.roles import Role

from ...factories import member
from ...governance.factories import (
    GroupFactory,
    GroupMemberFactory,
    MeetingFactory,
    MouFactory,
    MouPartyFactory,
    TermsOfReferenceFactory,
)
from . import NOT_MANAGERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
WRITE_PAGE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
WRITE_DONE = {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
WRITE_INVALID = WRITE_PAGE  # the default POST body is an invalid form: a 200 re-shows it

RULES = {
    "mou_list": ("get", READ),
    "mou_detail": ("get", READ),
    "mou_create": ("get", WRITE_PAGE),
    "mou_create:post": ("post", WRITE_INVALID),
    "mou_edit": ("get", WRITE_PAGE),
    "mou_edit:post": ("post", WRITE_INVALID),
    "mou_party_add": ("get", WRITE_PAGE),
    "mou_party_add:post": ("post", WRITE_INVALID),
    "mou_party_remove": ("get", WRITE_PAGE),
    "mou_party_remove:post": ("post", WRITE_DONE),
    "mou_send": ("get", WRITE_PAGE),
    "mou_send:post": ("post", WRITE_DONE),
    "mou_sign": ("get", WRITE_PAGE),
    "mou_sign:post": ("post", WRITE_DONE),
    "mou_new_version": ("get", WRITE_PAGE),
    "mou_new_version:post": ("post", WRITE_DONE),
    "meeting_list": ("get", READ),
    "meeting_detail": ("get", READ),
    "meeting_schedule": ("get", WRITE_PAGE),
    "meeting_schedule:post": ("post", WRITE_INVALID),
    "meeting_agenda": ("get", WRITE_PAGE),
    "meeting_agenda:post": ("post", WRITE_DONE),  # an empty agenda is allowed
    "meeting_cancel": ("get", WRITE_PAGE),
    "meeting_cancel:post": ("post", WRITE_DONE),
    "meeting_attendance": ("get", WRITE_PAGE),
    "meeting_attendance:post": ("post", WRITE_INVALID),
    "meeting_minutes": ("get", WRITE_PAGE),
    "meeting_minutes:post": ("post", WRITE_INVALID),
    "meeting_decision_add": ("get", WRITE_PAGE),
    "meeting_decision_add:post": ("post", WRITE_INVALID),
    "meeting_decision_edit": ("get", WRITE_PAGE),
    "meeting_decision_edit:post": ("post", WRITE_INVALID),
    "meeting_action_add": ("get", WRITE_PAGE),
    "meeting_action_add:post": ("post", WRITE_INVALID),
}
# Changes need MANAGE_PARTNERSHIP, checked on the partnership before any object is looked up.
REFUSED_FIRST = NOT_MANAGERS
PUBLIC = set()

# Signing looks the party up first (its signatory may): a foreign one is a 404.
FOREIGN = {
    rule: dict.fromkeys(NOT_MANAGERS, 404)
    for rule in (
        "mou_sign",
        "mou_sign:post",
    )
}

DATA = {"mou_sign:post": {"confirm": "on"}}


def _signatory(cast):
    """A member of the partnership and the organisation they act for."""
    user = member(cast.partnership, Role.STEERING_MEMBER)
    return user, user.memberships.get().organisation


def _mou(cast, status=Mou.Status.DRAFT, *, lead_signs=False):
    mou = MouFactory(partnership=cast.partnership, created_by=cast.lead, status=status)
    user, organisation = _signatory(cast)
    MouPartyFactory(mou=mou, organisation=organisation, signatory=user)
    if lead_signs:
        MouPartyFactory(mou=mou, organisation=cast.lead.memberships.get().organisation, signatory=cast.lead)
    else:
        user, organisation = _signatory(cast)
        MouPartyFactory(mou=mou, organisation=organisation, signatory=user)
    return mou


def _meeting(cast, status=Meeting.Status.HELD):
    group = GroupFactory(partnership=cast.partnership)
    GroupMemberFactory(group=group, user=cast.reader, organisation=cast.reader.memberships.get().organisation)
    return MeetingFactory(group=group, status=status, starts_at=timezone.now() - datetime.timedelta(days=1))


def args(name, cast):
    slug = cast.partnership.slug
    if name in {"mou_list", "mou_create", "meeting_list"}:
        return [slug]
    if name in {"mou_detail", "mou_edit", "mou_party_add", "mou_send"}:
        return [slug, _mou(cast).pk]
    if name == "mou_party_remove":
        mou = _mou(cast)
        return [slug, mou.pk, mou.parties.first().pk]
    if name == "mou_sign":
        mou = _mou(cast, Mou.Status.IN_SIGNATURE, lead_signs=True)
        return [slug, mou.pk, mou.parties.get(signatory=cast.lead).pk]
    if name == "mou_new_version":
        return [slug, _mou(cast, Mou.Status.SIGNED).pk]
    if name == "meeting_schedule":
        group = GroupFactory(partnership=cast.partnership)
        TermsOfReferenceFactory(group=group, status=TermsOfReference.Status.PUBLISHED)
        return [slug, group.pk]
    if name == "meeting_cancel":
        return [slug, _meeting(cast, Meeting.Status.SCHEDULED).pk]
    if name == "meeting_decision_edit":
        meeting = _meeting(cast)
        decision = Decision.objects.create(
            meeting=meeting, partnership=cast.partnership, number=1, text="Adopt the pathway.", created_by=cast.lead
        )
        return [slug, meeting.pk, decision.pk]
    if name in RULES and name.startswith("meeting_"):
        return [slug, _meeting(cast).pk]
    return None
