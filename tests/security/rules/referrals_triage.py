"""Access rules for triage in the browser (see __init__.py for the shape).

Only the duty team of the partnership's SPA (TRIAGE_REFERRALS) may use these pages: the area lead
and the steering member get 403 on the queue and 404 on a page about one referral (they never see
a child's details), the area lead of another partnership 404. `args()` gives the partnership an SPA
and a submitted referral, so the 404 is for a referral that exists. The roles who may triage are
covered by tests/referrals/matrix/triage.py.
"""

from ...referrals.factories import referral_from_a_new_school
from . import SIGN_IN

NO = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
# a page about one referral: 404 for anyone who may not triage it (they must not learn it exists)
NONE = {"lead": 404, "reader": 404, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "referrals_queue": ("get", NO),
    "referrals_triage_detail": ("get", NONE),
    "referrals_triage_claim:post": ("post", NONE),
    "referrals_triage_release:post": ("post", NONE),
    "referrals_triage_decide:post": ("post", NONE),
    "referrals_triage_first_contact:post": ("post", NONE),
    "referrals_triage_close": ("get", NONE),
    "referrals_triage_close:post": ("post", NONE),
    "referrals_triage_reassign:post": ("post", NONE),
    "referrals_triage_message:post": ("post", NONE),
}
PUBLIC = set()

ONE_REFERRAL = {name.split(":")[0] for name in RULES} - {"referrals_queue"}


def submitted_referral(partnership):
    return referral_from_a_new_school(partnership)


def args(name, cast):
    if name == "referrals_queue":
        return [cast.partnership.slug]
    if name in ONE_REFERRAL:
        referral = submitted_referral(cast.partnership)
        if name == "referrals_triage_decide":
            return [cast.partnership.slug, referral.pk, "accept"]
        return [cast.partnership.slug, referral.pk]
    return None
