"""API fuzzing (issue 8 item 2): schemathesis generates requests from the live OpenAPI schema
(/api/schema/, drf-spectacular) for every operation, valid and invalid, sent in process to the
WSGI app on the real PostgreSQL test database, as each role that uses the API (and anonymous).
Every response must pass `not_a_server_error`, `status_code_conformance` (the status is one the
schema documents), `response_schema_conformance` (the body matches the documented shape) and
`negative_data_rejection` (invalid input is refused with a 4xx).

Generated requests act on a small world (tests/api/fuzz/world.py): a valid request's ids, slugs
and codes are sometimes replaced by real ones (the caller's own objects and another
partnership's), and a referral action sometimes carries the referral's current `If-Match`, so the
fuzzer reaches the code behind the 404s, 412s and 428s. Each example runs in a savepoint that is
rolled back, so every example sees the same world.

FUZZ_EXAMPLES sets the examples per operation and role (default 3; `make fuzz` runs 500).
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from referrals.models import Referral

from .fuzz.operations import HTTP_METHODS, api_operations_from_urls, id_key
from .fuzz.world import ROLES, build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, negative_data_rejection]

SCHEMA = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}
CASES = [(label, role) for label in sorted(OPERATIONS) for role in ROLES]


def keep_connection() -> None:
    """Requests run in this thread on the test's connection: Django must not close it around a
    request (as its own test client arranges, reconnecting the handlers after each of its requests)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


@pytest.fixture(scope="module")
def in_process():
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, in_process):
    """Built once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def plant(case, world, data) -> None:
    """Replace some generated values of a valid request with real ones."""
    if case.path_parameters:
        for name in list(case.path_parameters):
            choices = world.ids.get(id_key(case.path)) if name == "id" else world.known.get(name)
            if choices and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(choices), label=name)
    if case.query:
        for name in list(case.query):
            if name in world.known and data.draw(st.booleans(), label=f"real {name}"):
                case.query[name] = data.draw(st.sampled_from(world.known[name]), label=name)
    if isinstance(case.body, dict):
        for name in list(case.body):
            if name in world.known and data.draw(st.booleans(), label=f"real {name}"):
                case.body[name] = data.draw(st.sampled_from(world.known[name]), label=name)
    if (
        case.path.startswith("/api/v1/referrals/{id}/")
        and case.method.upper() == "POST"
        and data.draw(st.booleans(), label="current If-Match")
    ):
        version = Referral.objects.filter(pk=case.path_parameters["id"]).values_list("version", flat=True).first()
        if version is not None:
            case.headers = {**(case.headers or {}), "If-Match": f'"{version}"'}


def _strategy(operation, mode):
    return operation.as_strategy(generation_mode=mode)


@pytest.mark.parametrize(("label", "role"), CASES, ids=[f"{label} as {role}" for label, role in CASES])
def test_fuzz(db, world, label, role):
    operation = OPERATIONS[label]
    credentials = world.credentials[role]
    strategies = {mode: _strategy(operation, mode) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data):
        mode = data.draw(st.sampled_from(list(strategies)), label="mode")
        case = data.draw(strategies[mode], label="case")
        if mode is GenerationMode.POSITIVE:
            plant(case, world, data)
        keep_connection()
        with transaction.atomic():
            response = case.call(headers=credentials.headers, cookies=credentials.cookies)
            try:
                case.validate_response(response, checks=CHECKS, headers=credentials.headers)
            finally:
                transaction.set_rollback(True)

    fuzz()


# --- nothing is silently left out -----------------------------------------------------------------
def test_every_api_operation_is_fuzzed(client):
    """The schema documents every operation the URLs route to, and the fuzzer runs every one of
    them as every role: a new view cannot slip past either."""
    schema = json.loads(client.get("/api/schema/?format=json").content)
    documented = {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in HTTP_METHODS
    }
    assert documented == api_operations_from_urls()
    assert set(OPERATIONS) == documented
    assert {(label, role) for label, role in CASES} == {(label, role) for label in documented for role in ROLES}
