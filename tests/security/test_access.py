"""Every URL, every kind of user.

The cast: `lead` (area lead of the partnership: allowed), `reader` (steering member: read-only,
403 on writes), `outsider` (area lead of another partnership: 404, never 403), `anonymous`
(redirected to sign in, or 401 on the API). The rules live in tests/security/rules/, one module
per area; test_every_url_has_an_access_rule fails when a URL is added without a rule.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ..conftest import sign_in
from .rules import SIGN_IN, all_rules, args_for, data_for, modules

pytestmark = pytest.mark.django_db

RULES = all_rules()
PUBLIC = set().union(*(getattr(module, "PUBLIC", set()) for module in modules()))
CASES = [(rule, who) for rule, (_, expected) in RULES.items() for who in expected]


@pytest.mark.parametrize(("rule", "who"), CASES, ids=[f"{r}-{w}" for r, w in CASES])
def test_access(client, cast, rule, who):
    method, expectations = RULES[rule]
    expected = expectations[who]
    name = rule.split(":")[0]
    url = reverse(name, args=args_for(name, cast))
    if who != "anonymous":
        sign_in(client, getattr(cast, who))
    # A POST sends an invalid form by default, so a 200 re-shows it.
    response = client.post(url, data_for(rule)) if method == "post" else getattr(client, method)(url)
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def _our_url_names():
    names = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                if module.startswith("allauth") or pattern.app_name == "admin":
                    continue  # third-party pages, covered by test_auth.py
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_has_an_access_rule():
    covered = {rule.split(":")[0] for rule in RULES}
    assert _our_url_names() == covered


def test_public_pages_are_exactly_the_declared_ones():
    assert {name for name, (_, expected) in RULES.items() if expected.get("anonymous") == 200} == PUBLIC
