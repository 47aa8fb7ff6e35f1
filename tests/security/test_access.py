"""Every URL, every kind of user.

The cast: `lead` (area lead of the partnership: allowed), `reader` (steering member: read-only,
403 on writes), `outsider` (area lead of another partnership: 404, never 403), `anonymous`
(redirected to sign in, or 401 on the API). test_every_url_has_an_access_rule fails when a URL is
added without a row here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken

from ..conftest import sign_in

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"  # a redirect to the sign-in page
PUBLIC = {"accessibility", "privacy", "healthz", "api_schema", "api_docs"}

# url name -> (method, {who: expected status})
RULES = {
    "home": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "account": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "partnership_list": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "partnership_detail": ("get", {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}),
    "partnership_edit": ("get", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "partnership_edit:post": ("post", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "api_tokens": ("get", {"lead": 200, "reader": 403, "outsider": 200, "anonymous": SIGN_IN}),
    "api_tokens:post": ("post", {"lead": 403, "reader": 403, "outsider": 403, "anonymous": SIGN_IN}),
    "api_token_revoke": ("get", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "api_token_revoke:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "api_me": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}),
    "account_email": ("get", {"lead": 404, "reader": 404, "outsider": 404, "anonymous": SIGN_IN}),
    "accessibility": ("get", {"lead": 200, "anonymous": 200}),
    "privacy": ("get", {"lead": 200, "anonymous": 200}),
    "healthz": ("get", {"anonymous": 200}),
    "api_schema": ("get", {"anonymous": 200}),
    "api_docs": ("get", {"anonymous": 200}),
}


def _args(name, cast):
    if name in {"partnership_detail", "partnership_edit"}:
        return [cast.partnership.slug]
    if name == "api_token_revoke":
        instance, _ = AuthToken.objects.create(user=cast.lead)
        return [instance.token_key]
    return []


CASES = [(rule, who) for rule, (_, expected) in RULES.items() for who in expected]


@pytest.mark.parametrize(("rule", "who"), CASES, ids=[f"{r}-{w}" for r, w in CASES])
def test_access(client, cast, rule, who):
    method, expectations = RULES[rule]
    expected = expectations[who]
    name = rule.split(":")[0]
    url = reverse(name, args=_args(name, cast))
    if who != "anonymous":
        sign_in(client, getattr(cast, who))
    data = {"name": ""} if method == "post" else None  # invalid on purpose: a 200 re-shows the form
    response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    if expected == SIGN_IN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


def _our_url_names():
    names = set()

    def walk(patterns, inside_api=False):
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
