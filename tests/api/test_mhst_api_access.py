"""Every role of make_world() against every MHST API endpoint (issue 6 item 9): expected status
codes through a signed-in session (the roles without USE_API cannot hold a token), and that another
partnership's team or allocation, and a proposal, are 404s."""

import datetime
import json

import pytest
from django.urls import reverse

from mhst.models import Activity
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import member
from ..mhst.factories import approved, make_world, today
from .test_mhst_api import proposal

pytestmark = pytest.mark.django_db

ROLES = [
    "manager",
    "other_manager",
    "practitioner_user",
    "school_lead",
    "other_school_lead",
    "area_lead",
    "steering",
    "commissioner",
    "outsider",
]


def row(**statuses):
    assert set(statuses) == set(ROLES)
    return statuses


ALL_MEMBERS = row(
    manager=200, other_manager=200, practitioner_user=200, school_lead=200, other_school_lead=200,
    area_lead=200, steering=200, commissioner=200, outsider=200,
)  # fmt: skip
OURS = {**ALL_MEMBERS, "outsider": 404}
NOBODY = dict.fromkeys(ROLES, 404)
EXPECTED = {
    "teams": ALL_MEMBERS,
    "team": OURS,
    "allocations": ALL_MEMBERS,
    "allocation": OURS,
    "proposal": NOBODY,
    "readiness": row(
        manager=200,
        other_manager=200,
        practitioner_user=403,
        school_lead=200,
        other_school_lead=200,
        area_lead=200,
        steering=200,
        commissioner=403,
        outsider=200,
    ),
    "summary": row(
        manager=200,
        other_manager=200,
        practitioner_user=200,
        school_lead=403,
        other_school_lead=403,
        area_lead=200,
        steering=403,
        commissioner=200,
        outsider=200,
    ),
    "record": row(
        manager=201,
        other_manager=404,
        practitioner_user=201,
        school_lead=403,
        other_school_lead=403,
        area_lead=403,
        steering=403,
        commissioner=403,
        outsider=403,
    ),
}
CASES = [(what, who) for what in EXPECTED for who in ROLES]


@pytest.fixture
def world():
    world = make_world()
    world.allocation = approved(world.team, {world.school: "1.00"}, by=world.area_lead)
    world.proposal = proposal(world.other_team, world.other_manager)
    world.outsider = member(make_world().partnership, Role.AREA_LEAD)
    return world


def request(client, world, what):
    if what == "record":
        body = {
            "team": world.team.pk,
            "school": world.school.pk,
            "practitioner": world.practitioner.pk,
            "date": (today() - datetime.timedelta(days=2)).isoformat(),
            "function": 2,
            "type": "assembly",
            "duration_minutes": 30,
            "children_reached": 120,
            "adults_reached": 4,
        }
        return client.post(reverse("api_mhst_activity"), json.dumps(body), content_type="application/json")
    name, args = {
        "teams": ("api_mhst_teams", []),
        "team": ("api_mhst_team", [world.team.pk]),
        "allocations": ("api_mhst_allocations", []),
        "allocation": ("api_mhst_allocation", [world.allocation.pk]),
        "proposal": ("api_mhst_allocation", [world.proposal.pk]),
        "readiness": ("api_mhst_readiness", []),
        "summary": ("api_mhst_activity_summary", []),
    }[what]
    return client.get(reverse(name, args=args))


@pytest.mark.parametrize(("what", "who"), CASES, ids=[f"{w}-{r}" for w, r in CASES])
def test_each_role_gets_what_it_may(client, world, what, who):
    sign_in(client, getattr(world, who))
    response = request(client, world, what)
    assert response.status_code == EXPECTED[what][who], response.content
    body = response.json()
    if response.status_code >= 400:
        assert set(body) >= {"code", "message"}
    if what == "record":
        assert Activity.objects.count() == (1 if response.status_code == 201 else 0)
    if what == "teams":
        mine = {t["id"] for t in body["results"]} & {world.team.pk, world.other_team.pk}
        assert mine == (set() if who == "outsider" else {world.team.pk, world.other_team.pk})
    if what == "allocations":
        assert [a["id"] for a in body["results"]] == ([] if who == "outsider" else [world.allocation.pk])
    if what == "readiness" and response.status_code == 200:
        visible = {r["school"]["id"] for r in body["results"]}
        # only the team's school is allocated; the other school's lead sees their own school only
        expected = {
            "manager": {world.school.pk},
            "other_manager": set(),
            "school_lead": {world.school.pk},
            "other_school_lead": {world.other_school.pk},
            "area_lead": {world.school.pk},
            "steering": {world.school.pk},
            "outsider": set(),
        }[who]
        assert visible == expected
