"""Access rules for the referrals API (see __init__.py for the shape).

The generic cast holds no referral role: the area lead, the steering member and the outsider get
403 on the queue, on creating and on the reference lists (they neither triage nor refer), and 404
on one referral (they cannot see it: not even that it exists). What the roles that do handle
referrals get is in tests/referrals/matrix/api.py; statuses of real bodies in
tests/api/test_referrals_api.py.
"""

from ...referrals.factories import referral_from_a_new_school

NOT_HERS = {"lead": 403, "reader": 403, "outsider": 403, "anonymous": 401}
ONE_REFERRAL = {"lead": 404, "reader": 404, "outsider": 404, "anonymous": 401}

RULES = {
    "api_referrals": ("get", NOT_HERS),
    "api_referrals:post": ("post", NOT_HERS),
    "api_referral_detail": ("get", ONE_REFERRAL),
    "api_referral_history": ("get", ONE_REFERRAL),
    "api_referral_claim:post": ("post", ONE_REFERRAL),
    "api_referral_release:post": ("post", ONE_REFERRAL),
    "api_referral_triage:post": ("post", ONE_REFERRAL),
    "api_referral_request_information:post": ("post", ONE_REFERRAL),
    "api_referral_first_contact:post": ("post", ONE_REFERRAL),
    "api_referral_close:post": ("post", ONE_REFERRAL),
    "api_reference_thrive": ("get", NOT_HERS),
    "api_reference_reasons": ("get", NOT_HERS),
    "api_reference_services": ("get", NOT_HERS),
}
PUBLIC = set()


def submitted_referral(partnership):
    return referral_from_a_new_school(partnership)


def args(name, cast):
    if name in ("api_referrals", "api_reference_thrive", "api_reference_reasons", "api_reference_services"):
        return []
    if name.startswith("api_referral_"):
        return [submitted_referral(cast.partnership).pk]
    return None
