"""The referrals API in the access matrix (see __init__.py for the shape).

The queue is the duty team's (403 for everyone else; the other SPA's clinician gets their own,
empty, queue); creating is for school staff (an empty body is a 400: a referral must be complete to
submit); one referral is for its school, its SPA's duty team and, once allocated, the MHST (404 for
anyone else, never 403); the duty team's actions are 403 for the school and the MHST, who can see
the referral but not change it. Each action is sent with the right If-Match and an empty body: a
claim or release then succeeds (200), the others are 400 (their fields are required).
"""

ANONYMOUS = 401  # the API answers 401, never a redirect to sign in
QUEUE = {
    "school_a": 403,
    "school_b": 403,
    "duty": 200,
    "duty_lead": 200,
    "foreign_duty": 200,
    "mhst": 403,
    "lead": 403,
    "reader": 403,
    "outsider": 403,
    "commissioner": 403,
    "anonymous": ANONYMOUS,
}
CREATE = {
    "school_a": 400,
    "school_b": 400,
    "duty": 403,
    "duty_lead": 403,
    "foreign_duty": 403,
    "mhst": 403,
    "lead": 403,
    "reader": 403,
    "outsider": 403,
    "commissioner": 403,
    "anonymous": ANONYMOUS,
}
READ = {
    "school_a": 200,
    "school_b": 404,
    "duty": 200,
    "duty_lead": 200,
    "foreign_duty": 404,
    "mhst": 200,
    "lead": 404,
    "reader": 404,
    "outsider": 404,
    "commissioner": 404,
    "anonymous": ANONYMOUS,
}
REFERENCE = {
    "school_a": 200,
    "school_b": 200,
    "duty": 200,
    "duty_lead": 200,
    "foreign_duty": 200,
    "mhst": 403,
    "lead": 403,
    "reader": 403,
    "outsider": 403,
    "commissioner": 403,
    "anonymous": ANONYMOUS,
}


#: the duty team's CSV of its referrals: duty leads only, never a child's details
EXPORT = {
    "school_a": 403,
    "school_b": 403,
    "duty": 403,
    "duty_lead": 200,
    "foreign_duty": 403,
    "mhst": 403,
    "lead": 403,
    "reader": 403,
    "outsider": 403,
    "commissioner": 403,
    "anonymous": ANONYMOUS,
}


def _act(duty: int, *, mhst_sees: bool = False) -> dict:
    return {
        "school_a": 403,
        "school_b": 404,
        "duty": duty,
        "duty_lead": duty,
        "foreign_duty": 404,
        "mhst": 403 if mhst_sees else 404,
        "lead": 404,
        "reader": 404,
        "outsider": 404,
        "commissioner": 404,
        "anonymous": ANONYMOUS,
    }


MATRIX = {
    "api_referrals": ("get", QUEUE),
    "api_referrals:post": ("post", CREATE),
    "api_referrals_export": ("get", EXPORT),
    "api_referral_detail": ("get", READ),
    "api_referral_history": ("get", READ),
    "api_referral_claim:post": ("post", _act(200)),
    "api_referral_release:post": ("post", _act(200)),
    "api_referral_triage:post": ("post", _act(400)),
    "api_referral_request_information:post": ("post", _act(400)),
    "api_referral_first_contact:post": ("post", _act(400, mhst_sees=True)),
    "api_referral_close:post": ("post", _act(400, mhst_sees=True)),
    "api_reference_thrive": ("get", REFERENCE),
    "api_reference_reasons": ("get", REFERENCE),
    "api_reference_services": ("get", REFERENCE),
}

#: the status each action's referral is in (the versions follow: draft 1, then +1 per transition)
STATUS_FOR = {
    "api_referral_detail": "accepted",
    "api_referral_history": "accepted",
    "api_referral_claim": "submitted",
    "api_referral_release": "in_triage",
    "api_referral_triage": "in_triage",
    "api_referral_request_information": "in_triage",
    "api_referral_first_contact": "accepted",
    "api_referral_close": "first_contact",
}
VERSION = {"submitted": 2, "in_triage": 3, "accepted": 4, "first_contact": 5}

HEADERS = {
    "api_referrals:post": {"HTTP_IDEMPOTENCY_KEY": "matrix"},
    **{f"{name}:post": {"HTTP_IF_MATCH": f'"{VERSION[status]}"'} for name, status in STATUS_FOR.items()},
}


def args(name, cast):
    if name in (
        "api_referrals",
        "api_referrals_export",
        "api_reference_thrive",
        "api_reference_reasons",
        "api_reference_services",
    ):
        return []
    if name in STATUS_FOR:
        referral = cast.referral(STATUS_FOR[name])
        assert referral.version == VERSION[STATUS_FOR[name]]
        return [referral.pk]
    return None
