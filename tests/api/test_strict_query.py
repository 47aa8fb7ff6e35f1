"""Regressions found by the API fuzzer (tests/api/test_fuzz.py): a query value that its documented
type does not allow is refused, never read as "not given"; the error statuses are documented."""

import pytest
from django.test import Client
from knox.models import AuthToken

from partnership.roles import Role

from ..factories import member
from ..referrals.factories import make_world

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, key = AuthToken.objects.create(user=user)
    return Client(headers={"Authorization": f"Token {key}"})


@pytest.fixture
def world():
    return make_world("Strict")


@pytest.mark.parametrize(
    ("url", "params", "status", "field"),
    [
        ("/api/v1/groups/", {"is_active": "-3"}, 400, "is_active"),
        ("/api/v1/directory/services/", {"include_inactive": "7"}, 400, "include_inactive"),
        ("/api/v1/directory/services/", {"age": ""}, 400, "age"),
        ("/api/v1/actions/", {"owner": ""}, 400, "owner"),
        ("/api/v1/cascade/workshops/", {"round": ""}, 400, "round"),
        ("/api/v1/groups/", {"page": ""}, 404, None),
        ("/api/v1/mhst/teams/", {"page": ""}, 404, None),
        ("/api/v1/mhst/activity/summary/", {"team": ""}, 400, "team"),
        ("/api/v1/mhst/allocations/", {"include": ""}, 400, "include"),
    ],
)
def test_a_value_its_type_does_not_allow_is_refused(world, url, params, status, field):
    user = member(world.partnership, Role.AREA_LEAD)
    response = api(user).get(url, params)
    assert response.status_code == status, response.content
    if field:
        body = response.json()
        assert field in body.get("errors", body)


@pytest.mark.parametrize(
    ("params", "field"),
    [({"open": "-200"}, "open"), ({"page_size": "null"}, "page_size"), ({"min_days": ""}, "min_days")],
)
def test_the_queue_refuses_what_its_parameters_do_not_allow(world, params, field):
    response = api(world.clinician).get("/api/v1/referrals/", params)
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) == {field}


def test_the_queue_still_takes_true_and_false(world):
    for value in ("true", "false"):
        assert api(world.clinician).get("/api/v1/referrals/", {"open": value}).status_code == 200
