"""Access rules for the duty lead's CSV export of referrals (referrals/api/export.py).

The generic cast leads no duty team: the area lead, the steering member and the outsider get 403;
anonymous 401. What a duty lead gets (only their own SPA's referrals) is in
tests/referrals/test_export.py.
"""

NOT_A_DUTY_LEAD = {"lead": 403, "reader": 403, "outsider": 403, "anonymous": 401}

RULES = {"api_referrals_export": ("get", NOT_A_DUTY_LEAD)}
PUBLIC = set()


def args(name, cast):
    return [] if name == "api_referrals_export" else None
