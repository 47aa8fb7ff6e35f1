"""Every referral page and API endpoint x every role, own versus other organisation (issue 5
item 9). The rows live in tests/referrals/matrix/, one module per area (see its __init__).

The referral is school A's in partnership P. Staff of school B and the duty clinician of another
partnership's SPA get 404 (never 403: they must not learn it exists); a role without the
permission in P gets 403 (or 404 where the page is about one referral they cannot see); anonymous
users are sent to sign in (401 on the API). Responses to roles that must never see a child's
details are checked for the child's name, date of birth and NHS number.
"""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..conftest import sign_in
from .matrix import NO_CHILD_DETAILS, ROLES, SIGN_IN, all_rules, args_for, data_for, headers_for, make_cast

pytestmark = pytest.mark.django_db

RULES = all_rules()
CASES = [(rule, who) for rule in RULES for who in ROLES]
REFERRAL_URL_PREFIXES = ("referrals_", "api_referral", "api_reference")
CHILD = ("Zebedee", "Quagmire", "9434765919")


@pytest.mark.parametrize(("rule", "who"), CASES, ids=[f"{r}-{w}" for r, w in CASES])
def test_access(client, rule, who):
    cast = make_cast()
    method, expectations = RULES[rule]
    expected = expectations[who]
    name = rule.split(":")[0]
    url = reverse(name, args=args_for(name, cast))
    if who != "anonymous":
        sign_in(client, cast.user(who))
    call, headers = getattr(client, method), headers_for(rule)
    if method == "get":
        response = call(url, **headers)
    elif name.startswith("api_"):
        response = call(url, json.dumps(data_for(rule)), content_type="application/json", **headers)
    else:
        response = call(url, data_for(rule), **headers)
    if expected == SIGN_IN:
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    if who in NO_CHILD_DETAILS and not getattr(response, "streaming", False):
        body = response.content.decode(errors="replace")
        for detail in CHILD:
            assert detail not in body, f"{who} was shown {detail!r} on {rule}"


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
    assert _referral_url_names() == {rule.split(":")[0] for rule in RULES}
