"""Every referral page and API endpoint has a row in the referral matrix (issue 5 item 9).

The rows live in tests/referrals/matrix/, one module per area (see its __init__); they are asked,
with every other URL's rules, by tests/security/test_access.py: every role, own and foreign
referral, and no child's details for the roles that must not see them.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from .matrix import all_rules

REFERRAL_URL_PREFIXES = ("referrals_", "api_referral", "api_reference")


def _referral_url_names():
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name and pattern.name.startswith(REFERRAL_URL_PREFIXES):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_referral_url_is_in_the_matrix():
    assert _referral_url_names() == {rule.split(":")[0] for rule in all_rules()}
