"""Triage in the browser x every role (see __init__.py for the shape).

Only the SPA's duty team (TRIAGE_REFERRALS) reaches these pages. The queue is a 403 for other
roles of the partnership; a page about one referral is a 404 for everyone but the duty team
(they must not learn it exists). Empty POSTs re-show the page with errors (200); reassigning is
the duty lead's (403 for a duty clinician).
"""

from . import SIGN_IN

QUEUE = {
    "school_a": 403,
    "school_b": 403,
    "duty": 200,
    "duty_lead": 200,
    "foreign_duty": 404,
    "mhst": 403,
    "lead": 403,
    "reader": 403,
    "outsider": 404,
    "commissioner": 403,
    "anonymous": SIGN_IN,
}
ONE = {**QUEUE, "school_a": 404, "school_b": 404, "mhst": 404, "lead": 404, "reader": 404, "commissioner": 404}
LEAD_ONLY = {**ONE, "duty": 403}

MATRIX = {
    "referrals_queue": ("get", QUEUE),
    "referrals_triage_detail": ("get", ONE),
    "referrals_triage_claim:post": ("post", ONE),
    "referrals_triage_release:post": ("post", ONE),
    "referrals_triage_decide:post": ("post", ONE),
    "referrals_triage_first_contact:post": ("post", ONE),
    "referrals_triage_close": ("get", ONE),
    "referrals_triage_close:post": ("post", ONE),
    "referrals_triage_reassign:post": ("post", LEAD_ONLY),
    "referrals_triage_message:post": ("post", ONE),
}

#: the state each page is tried in: one where the page offers its form
STATE = {
    "referrals_triage_release": "in_triage",
    "referrals_triage_decide": "in_triage",
    "referrals_triage_reassign": "in_triage",
    "referrals_triage_first_contact": "accepted",
    "referrals_triage_close": "first_contact",
}


def args(name, cast):
    if name == "referrals_queue":
        cast.referral("submitted")
        return [cast.world.partnership.slug]
    if name.startswith("referrals_triage_"):
        referral = cast.referral(STATE.get(name, "submitted"))
        extra = ["accept"] if name == "referrals_triage_decide" else []
        return [cast.world.partnership.slug, referral.pk, *extra]
    return None
