"""Access rules for membership and lead contacts (see __init__.py for the shape)."""

from partnership.models import PartnershipOrganisation
from partnership.services import leads as lead_service

from ...factories import OrganisationFactory
from ...governance.factories import LeadContactFactory
from ..cast import MEMBERS_OF_P
from . import NOT_MANAGERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
MANAGE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
MANAGE_POST = {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
LINK = {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 200}

RULES = {
    "member_list": ("get", READ),
    "member_detail": ("get", READ),
    "member_apply": ("get", MANAGE),
    "member_apply:post": ("post", MANAGE),  # an application with no organisation chosen: re-shown
    "member_approve": ("get", MANAGE),
    "member_approve:post": ("post", MANAGE_POST),
    "member_decline": ("get", MANAGE),
    "member_decline:post": ("post", MANAGE),  # no reason given: re-shown
    "member_lapse": ("get", MANAGE),
    "member_lapse:post": ("post", MANAGE_POST),
    "member_leave": ("get", MANAGE),
    "member_leave:post": ("post", MANAGE_POST),
    "member_reinstate": ("get", MANAGE),
    "member_reinstate:post": ("post", MANAGE_POST),
    "lead_list": ("get", MANAGE),
    "lead_add": ("get", MANAGE),
    "lead_add:post": ("post", MANAGE),  # no name given: re-shown
    "lead_replace": ("get", MANAGE),
    "lead_replace:post": ("post", MANAGE_POST),
    "lead_confirm_signed_in": ("get", MANAGE),
    "lead_confirm_signed_in:post": ("post", MANAGE_POST),
    # The emailed link: the signed token is the credential, so anyone holding it may use it.
    "lead_confirm": ("get", LINK),
    "lead_confirm:post": ("post", LINK),  # a replacement with no name: re-shown
}
# Changes need MANAGE_PARTNERSHIP, checked on the partnership before any object is looked up.
REFUSED_FIRST = NOT_MANAGERS
PUBLIC = {"lead_confirm", "lead_confirm:post"}

# Lead contacts are looked up first (a member's own staff may keep them): a foreign one is a 404.
LOOKED_UP_FIRST = {"lead_add", "lead_confirm_signed_in", "lead_replace"}
FOREIGN = {
    **{rule: dict.fromkeys(NOT_MANAGERS, 404) for rule in RULES if rule.split(":")[0] in LOOKED_UP_FIRST},
    # The signed token is the credential, whichever partnership it is for.
    **{rule: dict.fromkeys(MEMBERS_OF_P, 200) for rule in PUBLIC},
}

DATA = {
    "member_approve:post": {},
    "member_decline:post": {"reason": ""},
    "member_lapse:post": {"reason": "Has not attended for a year."},
    "member_leave:post": {"reason": "Closed."},
    "member_reinstate:post": {"note": ""},
    "lead_replace:post": {
        "name": "Nia New-Lead",
        "email": "nia@school.example",
        "job_title": "Deputy head",
        "reason": "Left the school",
    },
    "lead_confirm_signed_in:post": {},
    "lead_confirm:post": {"action": "replace", "name": ""},
}

STATUS_FOR = {
    "member_approve": PartnershipOrganisation.Status.APPLIED,
    "member_decline": PartnershipOrganisation.Status.APPLIED,
    "member_lapse": PartnershipOrganisation.Status.ACTIVE,
    "member_leave": PartnershipOrganisation.Status.ACTIVE,
    "member_reinstate": PartnershipOrganisation.Status.LAPSED,
}


def _member(cast, status=PartnershipOrganisation.Status.ACTIVE):
    return PartnershipOrganisation.objects.create(
        partnership=cast.partnership, organisation=OrganisationFactory(), status=status
    )


def _lead(cast):
    return LeadContactFactory(member=_member(cast))


def args(name, cast):
    if name in {"member_list", "member_apply", "lead_list"}:
        return [cast.partnership.slug]
    if name in STATUS_FOR:
        return [cast.partnership.slug, _member(cast, STATUS_FOR[name]).pk]
    if name in {"member_detail", "lead_add"}:
        return [cast.partnership.slug, _member(cast).pk]
    if name in {"lead_replace", "lead_confirm_signed_in"}:
        return [cast.partnership.slug, _lead(cast).pk]
    if name == "lead_confirm":
        lead = _lead(cast)
        lead_service.request_confirmation(lead)
        return [lead_service.make_token(lead)]
    return None
