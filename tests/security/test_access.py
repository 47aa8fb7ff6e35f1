"""The access-control matrix (issue 8 item 3): every URL pattern and every method its view accepts
(pages and API operations) x every role x own and foreign object.

The expectations live in two rule sets, one module per area: tests/security/rules/ (governance,
CASCADE, MHST, dashboards, kernel) and tests/referrals/matrix/ (referral pages and API). The cast
(tests/security/cast.py) is two partnerships built alike, P and Q, each with children's referrals,
and eleven roles: lead (area lead of P), reader (steering member of P: read-only), outsider (area
lead of Q), school_a and school_b (school staff of P's schools A and B; the referrals are school
A's), duty and duty_lead (P's SPA), foreign_duty (duty clinician of Q's SPA), mhst (MHST
practitioner of P), commissioner (of P) and anonymous.

Each URL is asked:
- with its own object (made in P by the rules' `args()`) by every role: the answer is the rule's;
  anonymous is sent to sign in (pages) or gets 401 (API), which the rules state;
- with a foreign object (the same kind of object made in Q by the same `args()`, so for a
  referral another school's, in another partnership) by every member of P: the answer is 404,
  never 403 or 200, except where a module says otherwise: its REFUSED_FIRST roles, refused (403)
  before any object is looked up because they lack the area's permission in P, get the same 403
  on P's address (it tells nothing about the object), and its FOREIGN names the rest (public
  pages, emailed links). A page of P's object is asked with Q's object under P's address (a
  foreign id); a page of the partnership itself is asked for Q; an API operation with Q's
  object's id. Q's own members are not asked (P's object is their foreign one, asked in the first
  part); a URL without an object has no foreign case.
- Responses to the roles in NO_CHILD_DETAILS, and every response about a foreign object, must not
  contain a child's name, date of birth (as the pages and the API print it) or NHS number (with or
  without spaces), downloads (CSV, XLSX) included.

`test_every_url_and_method_is_in_the_matrix` fails when a URL pattern, or a method a view accepts,
or an operation of the OpenAPI schema, has no rule. The world is built once for the module and
every role signed in once through the real sign-in pages; each request runs in a savepoint rolled
back after it, so every role meets the object as `args()` made it.
"""

import inspect
import io
import json
import re
import zipfile
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from ..conftest import sign_in
from ..referrals import matrix as referral_matrix
from ..referrals.factories import complete_fields
from . import rules as security_rules
from .cast import MEMBERS_OF_P, NO_CHILD_DETAILS, ROLES, make_cast

SIGN_IN = security_rules.SIGN_IN
assert referral_matrix.SIGN_IN == SIGN_IN
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _collect():
    """{rule: (method, expectations, rule set)} from both rule sets."""
    found = {}
    for source, rules in ((security_rules, security_rules.all_rules()), (referral_matrix, referral_matrix.all_rules())):
        overlap = found.keys() & rules.keys()
        assert not overlap, f"rules declared in both rule sets: {overlap}"
        for rule, (method, expected) in rules.items():
            assert set(expected) == set(ROLES), f"{rule}: missing {set(ROLES) - set(expected)}"
            found[rule] = (method, expected, source)
    return found


RULES = _collect()
PUBLIC = set().union(*(getattr(module, "PUBLIC", set()) for module in security_rules.modules()))


# --- the child's details ------------------------------------------------------------------------

_CHILD = complete_fields()
_BORN = _CHILD["date_of_birth"]
_NHS = _CHILD["nhs_number"]
CHILD_DETAILS = (
    _CHILD["child_first_name"],
    _CHILD["child_last_name"],
    _NHS,
    f"{_NHS[:3]} {_NHS[3:6]} {_NHS[6:]}",
    f"{_NHS[:3]}-{_NHS[3:6]}-{_NHS[6:]}",
    _BORN.isoformat(),  # the API
    _BORN.strftime("%-d %B %Y"),  # the pages
    _BORN.strftime("%d %B %Y"),
    _BORN.strftime("%-d %b %Y"),
    _BORN.strftime("%d/%m/%Y"),
)


def _body(response) -> str:
    streaming = getattr(response, "streaming", False)
    content = b"".join(response.streaming_content) if streaming else response.content
    if content[:2] == b"PK":  # an XLSX download: read every part
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    return content.decode(errors="replace")


def _leaks(response) -> list[str]:
    body = _body(response)
    return [detail for detail in CHILD_DETAILS if detail in body]


# --- the world, once for the module -------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The cast and a signed-in session per role, in a transaction rolled back after the module."""
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            cast = make_cast()
            sessions = {}
            for who in ROLES:
                if who != "anonymous":
                    client = Client()
                    sign_in(client, cast.user(who))
                    sessions[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield cast, sessions
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _request(sessions, who, method, url, rule, source):
    client = Client()
    if who != "anonymous":
        client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: sessions[who]})
    name = rule.split(":")[0]
    call = getattr(client, method)
    if source is referral_matrix:
        headers, data = referral_matrix.headers_for(rule), referral_matrix.data_for(rule)
        if method == "get":
            return call(url, **headers)
        if name.startswith("api_"):
            return call(url, json.dumps(data), content_type="application/json", **headers)
        return call(url, data, **headers)
    if method == "post":
        return call(url, security_rules.data_for(rule))
    return call(url)


def _check(response, expected) -> str | None:
    if expected == SIGN_IN:
        if response.status_code == 302 and response.url.startswith(reverse("account_login")):
            return None
        return f"{response.status_code} (expected a redirect to sign in)"
    if response.status_code != expected:
        return f"{response.status_code} (expected {expected})"
    return None


def _foreign_args(own: list, foreign: list, cast) -> tuple[list, bool] | None:
    """The URL arguments for a foreign object and whether they name P's partnership (or an API
    object), or None when the URL names no object."""
    ours, theirs = cast.partnership.slug, cast.other_partnership.slug
    if foreign == own:
        return None  # no object in the URL (a list, a panel, a public page)
    if foreign and foreign[0] == theirs:
        if foreign[1:] == own[1:]:
            return foreign, False  # the object is the partnership itself: ask for Q's
        return [ours, *foreign[1:]], True  # Q's object under P's address
    return foreign, True


@pytest.mark.django_db
@pytest.mark.parametrize("rule", list(RULES))
def test_access(world, rule):
    cast, sessions = world
    method, expectations, source = RULES[rule]
    name = rule.split(":")[0]
    problems = []

    def ask(who, args, expected, *, foreign):
        url = reverse(name, args=args)
        with transaction.atomic():
            try:
                response = _request(sessions, who, method, url, rule, source)
            except Exception as error:
                problems.append(f"{who}{' (foreign)' if foreign else ''}: raised {error!r}")
                transaction.set_rollback(True)
                return
            wrong = _check(response, expected)
            if wrong:
                problems.append(f"{who}{' (foreign)' if foreign else ''}: {url} answered {wrong}")
            if foreign or who in NO_CHILD_DETAILS:
                leaked = _leaks(response)
                if leaked:
                    problems.append(f"{who}{' (foreign)' if foreign else ''}: {url} showed {leaked}")
            transaction.set_rollback(True)

    own = source.args_for(name, cast)
    for who in ROLES:
        ask(who, own, expectations[who], foreign=False)
    found = _foreign_args(own, source.args_for(name, cast.mirror()), cast)
    if found is not None:
        foreign, under_ours = found
        for who in MEMBERS_OF_P:
            # refused first: only where the URL is P's (for Q's partnership, nobody of P is a member)
            own_answer = expectations[who] if under_ours else None
            ask(who, foreign, source.foreign_for(rule, who, own_answer), foreign=True)
    assert not problems, f"{rule}:\n" + "\n".join(problems)


# --- every URL and method has a rule ------------------------------------------------------------


def _declared_methods(callback) -> set[str] | None:
    """The methods a view accepts: a class's handlers, or a function's require_http_methods."""
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return {method for method in METHODS if hasattr(view_class, method.lower())}
    accepted = None
    function = callback
    while function is not None:
        allowed = inspect.getclosurevars(function).nonlocals.get("request_method_list")
        if allowed is not None:
            accepted = set(allowed) if accepted is None else accepted & set(allowed)
        function = getattr(function, "__wrapped__", None)
    return accepted


def _our_urls() -> dict:
    """{url name: callback} for every named URL of ours (allauth and the admin are third-party,
    covered by tests/partnership/test_auth.py)."""
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                module = getattr(pattern.urlconf_module, "__name__", "")
                if module.startswith("allauth") or pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"an unnamed URL pattern: {pattern.pattern}"
                found[pattern.name] = pattern.callback

    walk(get_resolver().url_patterns)
    return found


def _rule_key(name, method):
    return name if method == "GET" else f"{name}:{method.lower()}"


def test_every_url_and_method_is_in_the_matrix():
    wanted, undeclared = set(), []
    for name, callback in _our_urls().items():
        methods = _declared_methods(callback)
        if methods is None:
            undeclared.append(name)  # a page must say which methods it accepts (require_GET...)
            continue
        wanted |= {_rule_key(name, method) for method in methods}
    assert not undeclared, f"views that do not declare their methods: {undeclared}"
    assert wanted - RULES.keys() == set(), "URLs or methods without a rule"
    assert RULES.keys() - wanted == set(), "rules for URLs or methods that do not exist"
    for rule, (method, _, _) in RULES.items():
        assert rule == _rule_key(rule.split(":")[0], method.upper()), f"{rule} is asked with {method}"


def test_every_api_operation_is_in_the_matrix():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = set()
    for path, items in schema["paths"].items():
        name = resolve(re.sub(r"\{[^}]+\}", "1", path)).url_name
        operations |= {_rule_key(name, method.upper()) for method in items if method.upper() in METHODS}
    assert operations
    assert operations - RULES.keys() == set(), "API operations without a rule"


def test_public_pages_are_exactly_the_declared_ones():
    assert {rule for rule, (_, expected, _) in RULES.items() if expected["anonymous"] == 200} == PUBLIC


@pytest.mark.django_db
def test_the_child_details_check_can_fail(world):
    """The school sees its own child on its referral page, the duty clinician through the API: the
    check finds the name, the NHS number and the date of birth as each prints them."""
    cast, sessions = world
    referral = cast.referral("submitted")
    page = reverse("referrals_school_detail", args=[cast.partnership.slug, referral.pk])
    triage = reverse("referrals_triage_detail", args=[cast.partnership.slug, referral.pk])
    api = reverse("api_referral_detail", args=[referral.pk])
    for who, url, born in (
        ("school_a", page, None),
        ("duty", triage, _BORN.strftime("%-d %B %Y")),
        ("duty", api, _BORN.isoformat()),
    ):
        leaked = _leaks(_request(sessions, who, "get", url, url, referral_matrix))
        assert {_CHILD["child_first_name"], _CHILD["child_last_name"]} <= set(leaked), (who, url, leaked)
        assert set(CHILD_DETAILS[2:5]) & set(leaked), f"no NHS number found: {who} {url} {leaked}"
        assert born is None or born in leaked, (who, url, leaked)
