"""The school's referral pages x every role (see __init__.py for the shape).

Only school A's staff reach the referral. Staff of school B hold the permissions but not this
referral: 404. The foreign duty clinician cannot see partnership P at all: 404. Everyone else in P
lacks the school permissions: 403, before any referral is looked up.
"""

from . import SIGN_IN

# school B's staff may open the partnership-wide pages (their own list, start) but not the referral
PARTNERSHIP_PAGE = {
    "school_a": 200,
    "school_b": 200,
    "duty": 403,
    "duty_lead": 403,
    "foreign_duty": 404,
    "mhst": 403,
    "lead": 403,
    "reader": 403,
    "outsider": 404,
    "commissioner": 403,
    "anonymous": SIGN_IN,
}
REFERRAL_PAGE = {**PARTNERSHIP_PAGE, "school_b": 404}
REDIRECT = {**REFERRAL_PAGE, "school_a": 302}

# The school permissions are checked before the referral is looked up.
REFUSED_FIRST = ("lead", "reader", "duty", "duty_lead", "mhst", "commissioner")

MATRIX = {
    "referrals_school_list": ("get", PARTNERSHIP_PAGE),
    "referrals_start": ("get", PARTNERSHIP_PAGE),
    # an empty form (no idempotency key): shown again with an error
    "referrals_start:post": ("post", PARTNERSHIP_PAGE),
    "referrals_school_detail": ("get", REFERRAL_PAGE),
    "referrals_school_edit": ("get", REFERRAL_PAGE),
    "referrals_school_edit:post": ("post", REFERRAL_PAGE),
    "referrals_school_check": ("get", REFERRAL_PAGE),
    "referrals_school_check:post": ("post", REFERRAL_PAGE),
    "referrals_school_submitted": ("get", REFERRAL_PAGE),
    "referrals_school_answer:post": ("post", REFERRAL_PAGE),
    "referrals_school_message:post": ("post", REDIRECT),
    "referrals_school_delete": ("get", REFERRAL_PAGE),
    "referrals_school_delete:post": ("post", REDIRECT),
}
DATA = {"referrals_school_message:post": {"body": "A short message."}}

DRAFT_PAGES = {"referrals_school_edit", "referrals_school_check", "referrals_school_delete"}
REFERRAL_PAGES = {
    "referrals_school_detail",
    "referrals_school_submitted",
    "referrals_school_answer",
    "referrals_school_message",
}


def args(name, cast):
    slug = cast.world.partnership.slug
    if name in ("referrals_school_list", "referrals_start"):
        return [slug]
    if name == "referrals_school_edit":
        return [slug, cast.referral("draft").pk, "child"]
    if name in ("referrals_school_check", "referrals_school_delete"):
        return [slug, cast.referral("draft").pk]
    if name == "referrals_school_answer":
        return [slug, cast.referral("info_requested").pk]
    if name in REFERRAL_PAGES:
        return [slug, cast.referral("submitted").pk]
    return None
