"""Access rules for the school's referral pages (see __init__.py for the shape).

Nobody in the generic cast may see a child: the area lead and the steering member lack the school
permissions (403, before any referral is looked up), the other partnership's lead gets 404.
tests/referrals/matrix/school.py covers the school and duty roles.
"""

from partnership.models import Partnership

from ...referrals.factories import referral_from_a_new_school
from . import SIGN_IN

NONE = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "referrals_school_list": ("get", NONE),
    "referrals_start": ("get", NONE),
    "referrals_start:post": ("post", NONE),
    "referrals_school_detail": ("get", NONE),
    "referrals_school_edit": ("get", NONE),
    "referrals_school_edit:post": ("post", NONE),
    "referrals_school_check": ("get", NONE),
    "referrals_school_check:post": ("post", NONE),
    "referrals_school_submitted": ("get", NONE),
    "referrals_school_answer:post": ("post", NONE),
    "referrals_school_message:post": ("post", NONE),
    "referrals_school_delete": ("get", NONE),
    "referrals_school_delete:post": ("post", NONE),
}
PUBLIC = set()

ONE_REFERRAL = {
    "referrals_school_detail",
    "referrals_school_check",
    "referrals_school_submitted",
    "referrals_school_answer",
    "referrals_school_message",
    "referrals_school_delete",
}


def _draft(partnership: Partnership):
    """A draft of a new school in `partnership`, made through the real service."""
    return referral_from_a_new_school(partnership, submit=False)


def args(name, cast):
    if name in ("referrals_school_list", "referrals_start"):
        return [cast.partnership.slug]
    if name in ONE_REFERRAL:
        return [cast.partnership.slug, _draft(cast.partnership).pk]
    if name == "referrals_school_edit":
        return [cast.partnership.slug, _draft(cast.partnership).pk, "child"]
    return None
