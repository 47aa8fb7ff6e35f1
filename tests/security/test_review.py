"""The security review (issue 8 item 6): the Content-Security-Policy on every page type, CSRF on
every form and unsafe request, session fixation and sign-out, password reset links, rate limits
(sign-in, password reset, API tokens, the API), request size limits and CSV formula injection.

check --deploy with the production settings: tests/security/test_headers.py. No child's details in
logs: tests/security/test_log_privacy.py. Swagger UI under its CSP in a browser:
tests/browser/test_csp.py.
"""

import base64
import csv
import hashlib
import io
import json
import re
import string
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from knox.models import AuthToken

from partnership.models import User
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import TEST_PASSWORD, PartnershipFactory, UserFactory, member
from .rules import SIGN_IN, all_rules, args_for, data_for

pytestmark = pytest.mark.django_db

RULES = all_rules()
UNSAFE = {"post", "put", "patch", "delete"}


def _directives(csp: str) -> dict[str, list[str]]:
    parts = (part.split() for part in csp.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def csp_problems(response) -> list[str]:
    """What is wrong with a response's Content-Security-Policy (an empty list when nothing is)."""
    csp = response.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy"]
    directives = _directives(csp)
    problems = [f"{name} allows {bad}" for name, values in directives.items() for bad in values if bad in BAD_SOURCES]
    for name in ("default-src", "script-src", "style-src", "object-src", "base-uri", "frame-ancestors"):
        if name not in directives:
            problems.append(f"no {name}")
    return problems


BAD_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:", "data:"}


def csp_problems_strict(response) -> list[str]:
    # img-src may use data: (the NHS.UK icons); nothing else may.
    problems = [p for p in csp_problems(response) if p != "img-src allows data:"]
    return problems


class _Markup(HTMLParser):
    """Inline script, inline style and event-handler attributes, and POST forms without a CSRF token."""

    def __init__(self, nonce: str, style_hashes: set[str]):
        super().__init__()
        self.nonce, self.style_hashes, self.problems, self._form, self._style = nonce, style_hashes, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("nonce") != self.nonce:
            self.problems.append("an inline <script> without the nonce")
        if tag == "style" and attrs.get("nonce") != self.nonce:
            self._style = ""  # allowed only if the CSP names its hash
        if "style" in attrs:
            self.problems.append(f"a style attribute on <{tag}>")
        self.problems += [f"an {name} attribute on <{tag}>" for name in attrs if name.startswith("on")]
        if any((value or "").strip().lower().startswith("javascript:") for value in attrs.values()):
            self.problems.append(f"a javascript: URL on <{tag}>")
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action"), "token": False}
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken" and self._form is not None:
            self._form["token"] = bool(attrs.get("value"))

    def handle_data(self, data):
        if self._style is not None:
            self._style += data

    def handle_endtag(self, tag):
        if tag == "style" and self._style is not None:
            digest = base64.b64encode(hashlib.sha256(self._style.encode()).digest()).decode()
            if f"'sha256-{digest}'" not in self.style_hashes:
                self.problems.append("a <style> element whose hash the CSP does not allow")
            self._style = None
        if tag == "form" and self._form is not None:
            if not self._form["token"]:
                self.problems.append(f"a POST form (action {self._form['action']!r}) without csrfmiddlewaretoken")
            self._form = None


def markup_problems(response) -> list[str]:
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    csp = _directives(response["Content-Security-Policy"])
    nonce = next((v[7:-1] for v in csp.get("script-src", []) if v.startswith("'nonce-")), "")
    parser = _Markup(nonce, {v for v in csp.get("style-src", []) if v.startswith("'sha256-")})
    parser.feed(response.content.decode())
    return sorted(set(parser.problems))


def _request(client, rule, cast, url=None, **extra):
    method, _ = RULES[rule]
    name = rule.split(":")[0]
    url = url or reverse(name, args=args_for(name, cast))
    if method == "post":
        return url, client.post(url, data_for(rule), **extra)
    return url, getattr(client, method)(url, **extra)


# --- Content-Security-Policy ------------------------------------------------------------------------

GET_RULES = [rule for rule, (method, _) in RULES.items() if method == "get"]


@pytest.mark.parametrize("rule", GET_RULES)
def test_every_page_carries_a_strict_csp_and_no_inline_code(client, cast, rule):
    """Every GET URL of the access rules, as the lead (anonymous for pages only the public sees):
    the CSP header allows no inline script or style, and the HTML has no inline script without the
    nonce, no style attribute or element, no event handler, and a CSRF token in every POST form."""
    if "lead" in RULES[rule][1]:
        sign_in(client, cast.lead)
    url, response = _request(client, rule, cast)
    assert csp_problems_strict(response) + markup_problems(response) == [], f"{url} ({response.status_code})"


def _admin_user():
    user = member(PartnershipFactory(), Role.AREA_LEAD, totp=True, email="admin@example.org")
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    return User.objects.get(pk=user.pk)


def test_the_admin_carries_the_strict_csp(client):
    sign_in(client, _admin_user())
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if admin.site._registry[model].has_add_permission(_FakeRequest(client)):
            urls.append(reverse("admin:{}_{}_add".format(*info)))
    problems = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        found = csp_problems_strict(response)
        if found:
            problems[url] = found
    assert not problems, json.dumps(problems, indent=1)


class _FakeRequest:
    def __init__(self, client):
        self.user = User.objects.get(pk=client.session["_auth_user_id"])


def test_the_api_docs_allow_only_swagger_s_own_style_by_its_hash(client):
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    assert csp_problems_strict(response) == []
    style = _directives(response["Content-Security-Policy"])["style-src"]
    assert style[0] == "'self'" and all(v.startswith("'sha256-") for v in style[1:])
    schema = client.get(reverse("api_schema"))
    assert csp_problems_strict(schema) == []


def test_error_pages_carry_the_strict_csp(client, cast, monkeypatch):
    not_found = client.get("/no-such-page/")
    assert not_found.status_code in (302, 404)
    sign_in(client, cast.reader)
    responses = {
        "404": client.get("/no-such-page/"),
        "403": client.get(reverse("partnership_edit", args=[cast.partnership.slug])),
        "400": client.get(reverse("home"), headers={"host": "evil.example"}),
        "api 401": Client().get(reverse("api_me")),
    }
    from partnership.views import kernel

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(kernel, "render", broken)
    crashing = Client(raise_request_exception=False)
    sign_in(crashing, cast.reader)
    responses["500"] = crashing.get(reverse("account"))
    assert {k: r.status_code for k, r in responses.items()} == {
        "404": 404,
        "403": 403,
        "400": 400,
        "api 401": 401,
        "500": 500,
    }
    for kind, response in responses.items():
        assert csp_problems_strict(response) == [], kind
        assert markup_problems(response) == [], kind


# --- CSRF ---------------------------------------------------------------------------------------------

UNSAFE_RULES = [rule for rule, (method, expected) in RULES.items() if method in UNSAFE and "lead" in expected]


@pytest.mark.parametrize("rule", UNSAFE_RULES)
def test_every_unsafe_request_needs_the_csrf_token(cast, rule):
    """Every POST/PUT of the access rules, by the lead signed in with a session: without the CSRF
    token, 403 from the CSRF check (pages and session-authenticated API calls alike); then the same
    request with the token gets the status the access rule expects, so the 403 came from the check.
    A form re-shown with errors carries the token and the strict CSP."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.lead)
    url, refused = _request(client, rule, cast)
    assert refused.status_code == 403 and b"CSRF" in refused.content, (url, refused.status_code)
    secret = get_random_string(32, allowed_chars=string.ascii_letters + string.digits)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    _, response = _request(client, rule, cast, url=url, headers={"X-CSRFToken": secret})
    expected = RULES[rule][1]["lead"]
    assert response.status_code == (302 if expected == SIGN_IN else expected), url
    assert csp_problems_strict(response) + markup_problems(response) == [], url


def test_session_authenticated_api_writes_need_csrf_and_token_authenticated_ones_do_not(cast):
    from referrals.models import Status

    from ..referrals.factories import make_world, referral_in

    world = make_world()
    referral = referral_in(world, Status.SUBMITTED)
    url = reverse("api_referral_claim", args=[referral.pk])
    session = Client(enforce_csrf_checks=True)
    session.force_login(world.clinician)
    refused = session.post(url, "{}", content_type="application/json", headers={"If-Match": referral.etag})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"] if "detail" in refused.json() else "CSRF" in refused.content.decode()
    _, key = AuthToken.objects.create(user=world.clinician)
    by_token = Client(enforce_csrf_checks=True).post(
        url, "{}", content_type="application/json", headers={"If-Match": referral.etag, "Authorization": f"Token {key}"}
    )
    assert by_token.status_code == 200, by_token.content


# --- session fixation and sign-out -----------------------------------------------------------------


def _session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _planted_session(client) -> str:
    session = client.session  # an anonymous session, as an attacker could plant in a victim's browser
    session["planted"] = True
    session.save()
    return session.session_key


@pytest.mark.parametrize("second_factor", [False, True], ids=["password", "password-and-code"])
def test_signing_in_starts_a_new_session(client, second_factor):
    role = Role.DUTY_CLINICIAN if second_factor else Role.COMMISSIONER
    user = member(PartnershipFactory(), role, totp=second_factor)
    planted = _planted_session(client)
    sign_in(client, user)
    assert _session_key(client) != planted
    assert client.session["_auth_user_id"] == str(user.pk)
    assert not SessionStore().exists(planted)
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted
    response = attacker.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_signing_out_ends_the_session_for_good_but_not_api_tokens(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    sign_in(client, user)
    old = _session_key(client)
    _, key = AuthToken.objects.create(user=user)
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not SessionStore().exists(old)
    assert "_auth_user_id" not in client.session
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert replay.get(reverse("home")).status_code == 302
    assert replay.get(reverse("api_me")).status_code in (401, 403)
    # API tokens are separate credentials, by design: revoked on their page, or on a password
    # change or reset or the removal of two-factor (tests/partnership/test_account_security.py).
    assert Client().get(reverse("api_me"), headers={"Authorization": f"Token {key}"}).status_code == 200


def test_signing_out_needs_a_post():
    """A GET (an <img src> on another site) shows the confirmation page; it does not sign out."""
    client = Client()
    user = member(PartnershipFactory(), Role.COMMISSIONER)
    sign_in(client, user)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 200


# --- password reset ------------------------------------------------------------------------------


def _reset_link(client, email) -> str:
    mail.outbox.clear()
    response = client.post(reverse("account_reset_password"), {"email": email})
    assert response.status_code == 302
    [message] = mail.outbox
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body).group(1)


def _use_link(client, link, password) -> int:
    """Follow the link and set `password`; the status of the last step."""
    response = client.get(link)
    if response.status_code == 302:  # allauth moves the key into the session, then shows the form
        link = response.url
        response = client.get(link)
    if b'name="password1"' not in response.content:
        return response.status_code
    return client.post(link, {"password1": password, "password2": password}).status_code


NEW_PASSWORD = "a brand new passphrase 4821"


def test_the_reset_timeout_is_an_hour():
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    assert not getattr(settings, "ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED", False)  # key links, Django's tokens


def test_a_reset_link_works_once():
    user = UserFactory(email="reset@example.org")
    link = _reset_link(Client(), user.email)
    assert _use_link(Client(), link, NEW_PASSWORD) == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _use_link(Client(), link, "another new passphrase 7730") != 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    page = Client().get(link, follow=True).content.decode()
    assert "This link has expired or been used" in page and 'name="password1"' not in page


def test_a_reset_link_expires_after_the_timeout():
    user = UserFactory(email="slow@example.org")
    link = _reset_link(Client(), user.email)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)):
        page = Client().get(link, follow=True).content.decode()
        assert 'name="password1"' in page  # still good a minute before the hour
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)):
        assert _use_link(Client(), link, NEW_PASSWORD) != 302
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_a_reset_request_looks_the_same_for_known_and_unknown_addresses():
    UserFactory(email="known@example.org")
    pages = []
    for email in ("known@example.org", "nobody@example.org"):
        response = Client().post(reverse("account_reset_password"), {"email": email}, follow=True)
        pages.append((response.status_code, response.redirect_chain, _strip_tokens(response.content.decode())))
    assert pages[0] == pages[1]


def _strip_tokens(html: str) -> str:
    return re.sub(r'(value|nonce|content)="[^"]*"', "", html)


# --- rate limits ---------------------------------------------------------------------------------


def test_failed_sign_ins_from_one_address_are_throttled_across_accounts():
    """20 failed sign-ins a minute from one address (each for a different account, so no account
    is locked): the next sign-in from that address is refused, even with the right password."""
    user = UserFactory(email="victim@example.org")
    client = Client()
    for n in range(20):
        client.post(reverse("account_login"), {"login": f"guess{n}@example.org", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    elsewhere = Client(REMOTE_ADDR="192.0.2.9")
    assert elsewhere.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}).status_code == 302


def test_sign_in_attempts_from_one_address_are_limited_to_30_a_minute():
    client = Client()
    statuses = [client.post(reverse("account_login"), {"login": "", "password": ""}).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def test_password_reset_requests_are_limited_per_address_and_per_account():
    UserFactory(email="known@example.org")
    client = Client()
    for _ in range(7):
        client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    assert len(mail.outbox) == 5  # 5 a minute for one account
    statuses = [
        client.post(reverse("account_reset_password"), {"email": f"n{n}@example.org"}).status_code for n in range(14)
    ]
    assert 429 in statuses  # and 20 a minute from one address, whatever the account


def test_issuing_api_tokens_is_rate_limited(client):
    user = member(PartnershipFactory(), Role.DUTY_CLINICIAN, totp=True)
    sign_in(client, user)
    statuses = [client.post(reverse("api_tokens"), {"days": 7}).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    assert AuthToken.objects.filter(user=user).count() == 10


@pytest.fixture
def low_api_rates(settings):
    settings.API_THROTTLE_RATES = {"anon": "3/min", "user": "5/min"}


def test_the_api_throttles_each_account(low_api_rates):
    first = member(PartnershipFactory(), Role.COMMISSIONER)
    second = member(PartnershipFactory(), Role.COMMISSIONER)
    _, key = AuthToken.objects.create(user=first)
    _, other = AuthToken.objects.create(user=second)
    client = Client()
    statuses = [client.get(reverse("api_me"), headers={"Authorization": f"Token {key}"}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    throttled = client.get(reverse("api_me"), headers={"Authorization": f"Token {key}"})
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert client.get(reverse("api_me"), headers={"Authorization": f"Token {other}"}).status_code == 200


def test_the_api_throttles_anonymous_callers_by_address_not_by_a_forged_header(low_api_rates):
    client = Client()
    statuses = [
        client.get(reverse("api_schema"), headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="192.0.2.7").get(reverse("api_schema")).status_code == 200


def test_the_api_throttle_rates_are_set():
    assert settings.API_THROTTLE_RATES["anon"] and settings.API_THROTTLE_RATES["user"]
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]


# --- request size limits -------------------------------------------------------------------------


def test_an_oversized_form_body_is_refused_with_400(client):
    body = "login=" + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(reverse("account_login"), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


def test_more_files_than_an_import_needs_are_refused_with_400():
    client = Client()
    files = {f"file{n}": io.BytesIO(b"a,b\n") for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)}
    for n, handle in enumerate(files.values()):
        handle.name = f"f{n}.csv"
    response = client.post(reverse("account_login"), files)
    assert response.status_code == 400


def test_upload_limits_are_set():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2_621_440
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 5
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000


# --- CSV and XLSX exports: formula injection ------------------------------------------------------

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def _is_formula(cell) -> bool:
    return isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("value", FORMULAS, ids=repr)
def test_every_export_writer_neutralises_formulas(value):
    """The four places that write CSV or XLSX cells (each export goes through one of them: see
    test_every_csv_or_xlsx_writer_is_one_of_the_guarded_ones)."""
    from cascade import exports as cascade_exports
    from partnership.dashboards import downloads
    from partnership.views.common import csv_response

    response = csv_response("x.csv", ["h"], [[value, f"ok {value}"]])
    [_, row] = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert row == ["'" + value, f"ok {value}"]
    assert downloads.safe_text(value) == "'" + value
    assert cascade_exports.safe_text(value) == "'" + value


@pytest.mark.parametrize("value", FORMULAS, ids=repr)
def test_the_referral_export_neutralises_formulas_in_the_database(client, value):
    from referrals.models import Status

    from ..referrals.factories import make_world, referral_in

    world = make_world()
    world.school.name = value
    world.school.save()
    referral_in(world, Status.SUBMITTED)
    _, key = AuthToken.objects.create(user=world.duty_lead)
    response = client.get(reverse("api_referrals_export"), headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))
    assert ["'" + value] == [cell for cell in rows[1] if value in cell]
    assert not any(_is_formula(cell) for row in rows[1:] for cell in row)


def test_the_mhst_activity_export_neutralises_formulas(client):
    from ..mhst.factories import log_activity, make_world

    world = make_world()
    world.school.name = '=HYPERLINK("http://evil.example")'
    world.school.save()
    world.practitioner.name = "@SUM(A1)"
    world.practitioner.save()
    log_activity(world.team, world.school, world.practitioner, world.practitioner_user)
    sign_in(client, world.practitioner_user)
    response = client.get(reverse("mhst_activity_export", args=[world.partnership.slug, world.team.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[1][2] == "'" + world.school.name and rows[1][3] == "'@SUM(A1)"
    assert not any(_is_formula(cell) for row in rows[1:] for cell in row)


GUARDED_WRITERS = {
    "partnership/views/common.py",  # csv_response: actions, directory, CASCADE results and follow-up, MHST
    "partnership/dashboards/downloads.py",  # panel CSV and XLSX (safe_text)
    "cascade/exports.py",  # CASCADE results XLSX (safe_text; its CSV goes through csv_response)
    "referrals/api/export.py",  # the referral export (_guarded, in SQL)
}


def test_every_csv_or_xlsx_writer_is_one_of_the_guarded_ones():
    """A new export that writes cells itself fails here until it neutralises formulas and is listed."""
    root = settings.BASE_DIR
    writers = set()
    for app in ("partnership", "cascade", "referrals", "mhst"):
        for path in (root / app).rglob("*.py"):
            text = path.read_text()
            if re.search(r"csv\.(writer|DictWriter)\(|Workbook\(|xlsxwriter", text):
                writers.add(str(path.relative_to(root)))
    assert writers == GUARDED_WRITERS


def test_a_nul_in_an_api_query_string_is_refused_cleanly(client, cast):
    """PostgreSQL cannot hold a NUL: the API's filters refuse it keyed by parameter (400), and the
    metrics API finds no such partnership (404). Both were 500s. (Pages: tests/security/test_junk_input.py.)"""
    _, key = AuthToken.objects.create(user=cast.lead)
    headers = {"Authorization": f"Token {key}"}
    groups = client.get("/api/v1/groups/", {"is_active": "tr\x00ue"}, headers=headers)
    assert groups.status_code == 400
    assert groups.json() == {"is_active": ["Null characters are not allowed."]}
    from partnership.registry import dashboard_panels

    panel = reverse("api_metrics_panel", args=[dashboard_panels()[0].key])
    metrics = client.get(panel, {"partnership": "a\x00b"}, headers=headers)
    assert metrics.status_code == 404
