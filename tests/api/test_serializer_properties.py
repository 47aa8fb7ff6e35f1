"""Property tests of every API serializer that accepts user input (issue 8 item 4): whatever JSON-like
value arrives, validating it never raises, and a refusal is keyed by the serializer's own field names
(or non_field_errors), every message a string; nothing valid carries a NUL byte (PostgreSQL refuses
"\\x00" in text, which would be a 500). Then, with fewer examples, the same bodies go through the
API view as a role that may call it: never a 5xx, and a 400 is the documented JSON keyed by field.

The serializers are found, not listed: drf-spectacular's view of every unsafe operation under
/api/v1/ (the URL patterns, as tests/api/test_fuzz.py walks them) gives its request serializer, and
`test_every_input_is_covered` sends a request to each operation while recording the serializers the
view really instantiates with `data=` (and the context it gives them): a new input serializer, or a
view that validates with another one than it documents, fails it. Views that parse input without a
serializer are named in READS_ITSELF and covered by their own property test.

The world and the credentials are the API fuzzer's (tests/api/fuzz/world.py).

SERIALIZER_EXAMPLES sets the examples per serializer (default 40; a fifth of them, at least 4, go
through the API).
"""

import datetime
import json
import os
import re
import uuid
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from partnership.api.errors import encodable
from referrals.models import Referral

from .fuzz.operations import api_operations_from_urls, id_key
from .fuzz.world import build

EXAMPLES = int(os.environ.get("SERIALIZER_EXAMPLES", "40"))
API_EXAMPLES = max(4, EXAMPLES // 5)
UNSAFE = ("post", "put", "patch", "delete")
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
SETTINGS = {
    "deadline": None,
    "database": None,
    "derandomize": False,
    "suppress_health_check": list(HealthCheck),
}


# --- which serializers take input ---------------------------------------------------------------
def _documented_requests() -> dict[str, object]:
    """Each unsafe operation's request as drf-spectacular reads it off the view (its `extend_schema`
    request, else the view's serializer class)."""
    found = {}
    get_operation = AutoSchema.get_operation

    def spy(schema, path, path_regex, path_prefix, method, registry):
        operation = get_operation(schema, path, path_regex, path_prefix, method, registry)
        if method.lower() in UNSAFE:
            found[f"{method.upper()} {path}"] = schema.get_request_serializer()
        return operation

    with mock.patch.object(AutoSchema, "get_operation", spy):
        SchemaGenerator().get_schema(request=None, public=True)
    return found


def _serializer_class(request) -> type[serializers.BaseSerializer] | None:
    if isinstance(request, serializers.BaseSerializer):
        return type(request)
    if isinstance(request, type) and issubclass(request, serializers.BaseSerializer):
        return request
    return None


#: operations whose view reads the body itself, without a serializer: what it parses is covered by
#: its own property test below (the reason is the assertion's message)
READS_ITSELF = {
    "POST /api/v1/cascade/imports/": "reads the CSV file itself (a multipart `file` or a text/csv body); "
    "ImportUploadSerializer only documents the form: test_score_import_never_fails covers it",
}

DOCUMENTED = _documented_requests()
INPUTS = {
    operation: _serializer_class(request)
    for operation, request in sorted(DOCUMENTED.items())
    if operation not in READS_ITSELF
}
SERIALIZERS = sorted({s for s in INPUTS.values() if s is not None}, key=lambda s: f"{s.__module__}.{s.__name__}")

#: the role each operation is called as through the API (one the operation allows)
ROLE = {
    "POST /api/v1/referrals/": "school_staff",
    "POST /api/v1/referrals/{id}/claim/": "duty_clinician",
    "POST /api/v1/referrals/{id}/release/": "duty_clinician",
    "POST /api/v1/referrals/{id}/triage/": "duty_clinician",
    "POST /api/v1/referrals/{id}/request-information/": "duty_clinician",
    "POST /api/v1/referrals/{id}/first-contact/": "duty_clinician",
    "POST /api/v1/referrals/{id}/close/": "duty_clinician",
    "PUT /api/v1/cascade/tables/{id}/scores/{domain_code}/": "facilitator",
    "POST /api/v1/cascade/imports/": "facilitator",
    "POST /api/v1/mhst/activity/": "mhst_practitioner",
}

#: the context each view gives its input serializer (none of them gives one today; the coverage
#: test fails if a view starts to, so that the property tests give the same)
CONTEXT: dict[type, dict] = {}

#: keys a 400 may name besides the serializer's fields, by operation (the service's own checks)
EXTRA_ERROR_KEYS = {
    # record_score: the domain of the path, the closed workshop (409); DRF's {"detail"} for a parse error
    "PUT /api/v1/cascade/tables/{id}/scores/{domain_code}/": {"domain", "workshop", "detail"},
}


def test_every_input_is_covered():
    """Every unsafe API operation is documented with a request serializer the tests cover, or named
    in READS_ITSELF, and has a role to call it as."""
    operations = api_operations_from_urls(UNSAFE)
    assert set(DOCUMENTED) == operations
    for operation in operations - set(READS_ITSELF):
        assert INPUTS[operation] is not None, f"{operation}: no request serializer documented"
    assert set(ROLE) == operations
    assert set(READS_ITSELF) <= operations, "READS_ITSELF names an operation that no longer exists"
    assert len(SERIALIZERS) >= 8  # the discovery found them (NoteSerializer serves claim and release)


# --- values --------------------------------------------------------------------------------------
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x00" * 3,
    "\ud800",  # a lone surrogate: not encodable as UTF-8
    "\udfff",
    "\u202egnp.exe",
    "\ufeff",
    "\u2028\u2029",
    "\t\r\n\x0b\x0c\x1b\x7f\x85",
    "🙂" * 5,
    "١٢٣",
    "²",
    "Ⅻ",
    "0",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "true",
    "null",
    "[]",
    "{}",
    " 1 ",
    "1.5",
    "1_000",
    "2026-02-30",
    "2026-13-01",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "2026-01-01T00:00:00",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "'; DROP TABLE referrals_referral; --",
    "%s%s%s",
    "{0}{1}",
    "../../etc/passwd",
]
LONG_TEXT = [n * "x" for n in (25, 26, 101, 2_001, 10_001, 200_000)]
BIG_INTS = [2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 2**64, 10**30, -(10**30)]

text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.sampled_from(NASTY_TEXT),
    st.sampled_from(LONG_TEXT),
    st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=5), st.text(max_size=5)),
)


ints = st.one_of(st.integers(), st.integers(-5, 5), st.sampled_from(BIG_INTS))
floats = st.one_of(st.floats(), st.sampled_from([float("nan"), float("inf"), float("-inf"), -0.0, 0.5]))


def _containers(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.lists(children, max_size=4), st.dictionaries(text, children, max_size=4))


#: anything JSON-like (and NaN and the infinities, which a strict JSON parser refuses)
json_values = st.recursive(st.one_of(st.none(), st.booleans(), ints, floats, text), _containers, max_leaves=12)


def plausible(field) -> st.SearchStrategy:
    """Values of the field's own type, near and over its limits, to reach the later checks."""
    anything = json_values
    if isinstance(field, serializers.ChoiceField):
        keys = list(field.choices)
        return st.one_of(st.sampled_from(keys), st.sampled_from([str(k) for k in keys]), anything)
    if isinstance(field, serializers.BooleanField):
        return st.one_of(st.sampled_from([True, False, None, "true", "false", "yes", 1, 0, 2, "on"]), anything)
    if isinstance(field, serializers.IntegerField):
        low = field.min_value if field.min_value is not None else -(2**31)
        high = field.max_value if field.max_value is not None else 2**31 - 1
        edges = [low - 1, low, high, high + 1]
        return st.one_of(
            st.integers(low, high), st.sampled_from(edges), st.sampled_from([str(v) for v in edges]), anything
        )
    if isinstance(field, serializers.DateField):
        today = datetime.date.today()
        days = st.integers(-400, 400).map(lambda n: today + datetime.timedelta(days=n))
        return st.one_of(st.dates().map(datetime.date.isoformat), days.map(datetime.date.isoformat), anything)
    if isinstance(field, serializers.ListField):
        return st.one_of(st.lists(plausible(field.child), max_size=60), anything)
    if isinstance(field, serializers.CharField):
        limit = field.max_length or 50
        return st.one_of(text, st.sampled_from(["x" * limit, "x" * (limit + 1), " " * limit]), anything)
    return anything


def bodies(serializer_class) -> st.SearchStrategy:
    """Anything JSON-like; dicts with the serializer's field names (and a few others) holding
    arbitrary or nearly right values."""
    fields = serializer_class().fields
    known = st.fixed_dictionaries({}, optional={name: plausible(field) for name, field in fields.items()})
    extra = st.dictionaries(text, json_values, max_size=2)
    return st.one_of(
        json_values,
        known,
        known,
        st.builds(lambda a, b: {**b, **a}, known, extra),
    )


# --- what a refusal must look like -------------------------------------------------------------
def _messages(detail, where: str) -> None:
    assert isinstance(detail, list) and detail, f"{where}: {detail!r} is not a list of messages"
    for message in detail:
        assert isinstance(message, str) and message.strip(), f"{where}: {message!r} is not a message"


def _field_errors(field, detail, where: str) -> None:
    """`detail` is what DRF reports for `field`: the shape follows the field's kind."""
    if isinstance(field, serializers.ListSerializer):
        if isinstance(detail, dict):
            assert set(detail) == {NON_FIELD}, where
            return _messages(detail[NON_FIELD], where)
        assert isinstance(detail, list), where
        for item in detail:
            if item:
                _serializer_errors(field.child, item, where)
    elif isinstance(field, serializers.Serializer):
        _serializer_errors(field, detail, where)
    elif isinstance(field, serializers.ListField | serializers.DictField):
        if isinstance(detail, dict):  # by index (a list) or by key (a dict)
            for key, item in detail.items():
                _field_errors(field.child, item, f"{where}[{key!r}]")
        else:
            _messages(detail, where)
    else:
        _messages(detail, where)


def _serializer_errors(serializer, errors, where: str, sent=frozenset()) -> None:
    """Keyed by the serializer's fields, or non_field_errors; a serializer that refuses a field it
    does not know (NewReferralSerializer: "This field can't be set by a school") keys it as sent."""
    assert isinstance(errors, dict) and errors, f"{where}: errors {errors!r} are not keyed by field"
    for key, detail in errors.items():
        assert key == NON_FIELD or key in serializer.fields or key in sent, f"{where}: {key!r} is not a field"
        if key == NON_FIELD or key not in serializer.fields:
            _messages(detail, f"{where}.{key}")
        else:
            _field_errors(serializer.fields[key], detail, f"{where}.{key}")


def _no_nul(value, where: str) -> None:
    if isinstance(value, str):
        assert "\x00" not in value, f"{where}: a NUL byte was accepted"
    elif isinstance(value, dict):
        for key, item in value.items():
            _no_nul(key, where)
            _no_nul(item, f"{where}.{key}")
    elif isinstance(value, list | tuple | set):
        for item in value:
            _no_nul(item, where)


def check(serializer_class, data) -> serializers.BaseSerializer:
    serializer = serializer_class(data=data, context=dict(CONTEXT.get(serializer_class, {})))
    name = serializer_class.__name__
    if serializer.is_valid():
        assert set(serializer.validated_data) <= set(serializer.fields), name
        _no_nul(dict(serializer.validated_data), name)
    else:
        sent = {str(key) for key in data} if isinstance(data, dict) else set()
        _serializer_errors(serializer, serializer.errors, name, sent)
    return serializer


# --- the serializers, directly -----------------------------------------------------------------
@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=[s.__name__ for s in SERIALIZERS])
def test_serializer_never_raises(serializer_class):
    @settings(max_examples=EXAMPLES, **SETTINGS)
    @given(data=bodies(serializer_class))
    def validate(data):
        check(serializer_class, data)

    validate()


def _nul_values(field) -> list:
    if isinstance(field, serializers.ListField):
        return [[v] for v in _nul_values(field.child)]
    if isinstance(field, serializers.ChoiceField):
        return ["\x00", *(f"{key}\x00" for key in field.choices)]
    return ["\x00", "a\x00", "1\x00", "2026-01-01\x00", "true\x00"]


NUL_CASES = [(s, name) for s in SERIALIZERS for name in s().fields]


@pytest.mark.parametrize(("serializer_class", "name"), NUL_CASES, ids=[f"{s.__name__}.{n}" for s, n in NUL_CASES])
def test_nul_byte_is_a_field_error(serializer_class, name):
    """Every field refuses a value carrying a NUL byte, with an error under its own name."""
    for value in _nul_values(serializer_class().fields[name]):
        serializer = check(serializer_class, {name: value})
        assert not serializer.is_valid(), f"{name}={value!r} was accepted"
        assert name in serializer.errors, f"{name}={value!r}: {serializer.errors}"


# --- through the API ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The API fuzzer's world, built once inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def _call(world, operation: str, body, content_type: str = "application/json", **extra):
    """Send `body` to the operation as its role, on the caller's own objects."""
    method, path = operation.split(" ", 1)
    ids = {"id": world.ids.get(id_key(path), [None])[0], "domain_code": (world.known["domain_code"] or [None])[0]}
    url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
    credentials = world.credentials[ROLE[operation]]
    client = Client()
    for name, value in credentials.cookies.items():
        client.cookies[name] = value
    headers = {**credentials.headers, "Idempotency-Key": str(uuid.uuid4())}
    if path.startswith("/api/v1/referrals/{id}/"):
        headers["If-Match"] = f'"{Referral.objects.get(pk=ids["id"]).version}"'
    send = getattr(client, method.lower())
    return send(url, data=body, content_type=content_type, headers=headers, **extra)


def _field_names(operation: str) -> set[str]:
    return set(INPUTS[operation]().fields)


def _check_response(operation: str, response, data) -> None:
    assert response.status_code < 500, f"{operation}: {response.status_code} for {data!r}"
    if response.status_code != 400:
        return
    body = json.loads(response.content)
    assert isinstance(body, dict), f"{operation}: a 400 that is not a JSON object: {body!r}"
    names = _field_names(operation) | {NON_FIELD}
    sent = {encodable(str(key)) for key in data} if isinstance(data, dict) else set()
    # sent as a form, a lone surrogate arrives as its UTF-8-ish bytes, which the server reads with
    # replacement characters
    if isinstance(data, dict):
        sent |= {str(key).encode("utf-8", "surrogatepass").decode("utf-8", "replace") for key in data}
    if "code" in body:  # partnership/api/errors.py: {"code", "message", "errors"?}
        assert isinstance(body["code"], str) and isinstance(body["message"], str), body
        assert set(body) <= {"code", "message", "errors"}, body
        if body["code"] == "invalid":
            assert isinstance(body.get("errors"), dict) and body["errors"], body
        for key, messages in body.get("errors", {}).items():
            # a field it does not know is refused under the name it was sent as ("Unknown field")
            assert key in names or key in sent, f"{operation}: errors keyed by {key!r}, not a field: {body}"
            _messages(messages, f"{operation}.{key}")
    else:  # DRF's default handler: messages keyed by field
        allowed = names | EXTRA_ERROR_KEYS.get(operation, set())
        assert body and set(body) <= allowed, f"{operation}: 400 keyed by {sorted(body)}: {body}"
        for key, messages in body.items():
            if key == "detail":
                assert isinstance(messages, str), body
            else:
                _messages(messages, f"{operation}.{key}")


API_OPERATIONS = sorted(INPUTS)
FORM = "application/x-www-form-urlencoded"


def _form(data: dict) -> bytes:
    """The body as a form (the API's parsers take forms too): a list is the field repeated."""
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            text = "" if item is None else json.dumps(item) if isinstance(item, dict | list) else str(item)
            pairs.append((str(key), text))
    return urlencode(pairs, errors="surrogatepass").encode()


@pytest.mark.parametrize("operation", API_OPERATIONS)
def test_api_never_fails(db, world, operation):
    """Arbitrary JSON bodies (a dict sometimes as a form) through the view, as a role that may call
    it, on its own objects; a field the fuzzer's world knows real values for (team, school, service,
    reason...) sometimes carries one."""

    @settings(max_examples=API_EXAMPLES, **SETTINGS)
    @given(data=bodies(INPUTS[operation]), draw=st.data())
    def post(data, draw):
        if isinstance(data, dict):  # sometimes a real id or code, to reach the checks behind them
            for name in list(data):
                if world.known.get(name) and draw.draw(st.booleans(), label=f"real {name}"):
                    data[name] = draw.draw(st.sampled_from(world.known[name]), label=name)
        as_form = isinstance(data, dict) and draw.draw(st.booleans(), label="as a form")
        body, content_type = (_form(data), FORM) if as_form else (json.dumps(data).encode(), "application/json")
        with transaction.atomic():
            response = _call(world, operation, body, content_type)
            transaction.set_rollback(True)
        _check_response(operation, response, data)

    post()


@pytest.mark.parametrize("operation", API_OPERATIONS)
def test_api_refuses_nul_by_field(db, world, operation):
    """A NUL byte in any field is a 400 naming that field, never a 500 from PostgreSQL."""
    for name, field in INPUTS[operation]().fields.items():
        for value in _nul_values(field)[:2]:
            with transaction.atomic():
                response = _call(world, operation, json.dumps({name: value}).encode())
                transaction.set_rollback(True)
            assert response.status_code == 400, f"{operation} {name}={value!r}: {response.status_code}"
            _check_response(operation, response, {name: value})
            body = json.loads(response.content)
            assert name in body.get("errors", body), f"{operation} {name}={value!r}: {body}"


CSV_HEADER = b"partnership,cohort,round,table,domain,score,note,held_on\n"
#: a body each operation reads (an empty JSON object unless named)
SAMPLE = {"POST /api/v1/cascade/imports/": (CSV_HEADER, "text/csv")}


@pytest.mark.parametrize("operation", sorted(DOCUMENTED))
def test_view_validates_with_the_documented_serializer(db, world, operation):
    """The serializers the view really instantiates with `data=` are the one the operation documents
    (none for READS_ITSELF), with the context CONTEXT gives: a view that starts to validate another
    way fails here."""
    seen = []
    init = serializers.BaseSerializer.__init__

    def spy(self, instance=None, data=empty, **kwargs):
        if data is not empty:
            seen.append((type(self), set(kwargs.get("context") or {})))
        init(self, instance, data, **kwargs)

    with mock.patch.object(serializers.BaseSerializer, "__init__", spy), transaction.atomic():
        body, content_type = SAMPLE.get(operation, (b"{}", "application/json"))
        response = _call(world, operation, body, content_type)
        transaction.set_rollback(True)
    assert response.status_code < 500
    assert response.status_code not in (401, 403, 404, 415), f"{operation}: {response.status_code} as its role"
    if operation in READS_ITSELF:
        assert seen == [], READS_ITSELF[operation]
    else:
        assert seen == [(INPUTS[operation], set(CONTEXT.get(INPUTS[operation], {})))], (operation, seen)


# --- what the views parse themselves -----------------------------------------------------------


@pytest.mark.parametrize("how", ["text/csv", "multipart"])
def test_score_import_never_fails(db, world, how):
    """Any bytes, as a text/csv body or a multipart file, give a report: never a 5xx."""
    operation = "POST /api/v1/cascade/imports/"
    content = st.one_of(
        st.binary(max_size=200),
        st.builds(lambda rows: CSV_HEADER + rows, st.binary(max_size=200)),
        st.builds(lambda rows: CSV_HEADER + rows.encode("utf-8", "surrogatepass"), text),
    )

    @settings(max_examples=API_EXAMPLES, **SETTINGS)
    @given(data=content)
    def upload(data):
        with transaction.atomic():
            if how == "multipart":
                form = {"file": SimpleUploadedFile("scores.csv", data, content_type="text/csv")}
                response = _call(world, operation, form, content_type=MULTIPART_CONTENT)
            else:
                response = _call(world, operation, data, content_type="text/csv")
            transaction.set_rollback(True)
        assert response.status_code in (201, 400), f"{response.status_code} for {data!r}"
        report = json.loads(response.content)
        assert report["imported"] is (response.status_code == 201)
        for error in report["errors"]:
            assert set(error) == {"line", "message"} and isinstance(error["message"], str), error

    upload()


@pytest.mark.parametrize("operation", API_OPERATIONS)
def test_api_refuses_integers_too_long_to_read(db, world, operation):
    """An integer of more digits than Python converts (4,300) never reaches a serializer (where DRF's
    ChoiceField would raise on `str()` of it): the JSON parser refuses the body with a 400."""
    field = next(iter(INPUTS[operation]().fields))
    body = f'{{"{field}": {"9" * 5000}}}'.encode()
    with transaction.atomic():
        response = _call(world, operation, body)
        transaction.set_rollback(True)
    assert response.status_code == 400, response.content[:200]
    assert json.loads(response.content)


# --- regressions ---------------------------------------------------------------------------------
SURROGATE_BODIES = {
    # an unknown field is refused under its own name; a bad choice is quoted in DRF's message
    "POST /api/v1/mhst/activity/": [{"\ud800": 1}, {"type": "\ud800"}, {"function": "x\udfff"}],
    "POST /api/v1/referrals/": [{"\ud800": 1}, {"urgency": "\ud800"}, {"other_services": ["\ud800"]}],
}


@pytest.mark.parametrize(
    ("operation", "data"), [(op, data) for op, bodies in SURROGATE_BODIES.items() for data in bodies]
)
def test_an_error_quoting_a_lone_surrogate_is_a_400(db, world, operation, data):
    """A lone surrogate (valid in JSON as "\\ud800", not encodable as UTF-8) quoted back in an
    error message or key was a 500 (UnicodeEncodeError rendering the 400): it comes back escaped."""
    with transaction.atomic():
        response = _call(world, operation, json.dumps(data).encode())
        transaction.set_rollback(True)
    assert response.status_code == 400
    _check_response(operation, response, data)
    assert "\\ud800" in response.content.decode() or "\\udfff" in response.content.decode()
