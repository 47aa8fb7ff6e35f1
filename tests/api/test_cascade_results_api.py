"""GET /api/v1/cascade/partnerships/{slug}/results/: values match a hand calculation."""

import pytest
import yaml
from django.urls import reverse
from knox.models import AuthToken
from openapi_spec_validator import validate

from partnership.roles import Role

from ..cascade.factories_results import make_workshop, score_table
from ..factories import member

pytestmark = pytest.mark.django_db


def token_for(user) -> dict:
    _, token = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {token}"}


def get(client, user, slug, **params):
    return client.get(reverse("api_cascade_results", args=[slug]), params, headers=token_for(user))


@pytest.fixture
def scored(cast):
    north = make_workshop(cast.partnership, "North", 1)
    south = make_workshop(cast.partnership, "South", 1)
    score_table(north, "1", [0, 1, 2, 3, 0, 1, 2])
    score_table(north, "2", [1, 1, 2, 2, 0, 0, 3])
    score_table(south, "1", [2, 0, 1, 3, 1, 1, 2])
    score_table(make_workshop(cast.other_partnership, "Elsewhere", 1), "1", [3] * 7)


def test_results_match_a_hand_calculation(client, cast, scored):
    response = get(client, cast.lead, cast.partnership.slug, round=1)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["partnership"] == "own" and data["round"] == 1
    domains = {d["code"]: d for d in data["domains"]}
    # structures: (2 + 2 + 1) / 3 = 5/3
    structures = domains["structures"]
    assert structures["mean"] == "1.6666666667"
    assert structures["mean_fraction"] == "5/3"
    assert structures["mean_rounded"] == "1.7"
    assert structures["tables"] == 3
    assert structures["distribution"] == [
        {"score": 0, "tables": 0},
        {"score": 1, "tables": 1},
        {"score": 2, "tables": 2},
        {"score": 3, "tables": 0},
    ]
    assert structures["major_challenge_percent"] == "0.0"
    assert structures["widespread_or_better_percent"] == "66.7"
    # ability to learn: (0 + 0 + 1) / 3, two tables at Major challenge
    assert domains["ability_to_learn"]["mean_rounded"] == "0.3"
    assert domains["ability_to_learn"]["major_challenge_percent"] == "66.7"
    # total 28/3, High; another partnership's table does not count
    assert data["total"] == "9.3333333333" and data["total_rounded"] == "9.3" and data["band"] == "High"
    cohorts = {c["cohort"]: c for c in data["cohorts"]}
    assert set(cohorts) == {"North", "South"}
    assert cohorts["North"]["total"] == "9.0000000000" and cohorts["North"]["band"] == "High"
    assert {d["code"]: d["mean"] for d in cohorts["North"]["domains"]}["clarity"] == "0.5000000000"
    assert cohorts["South"]["total_rounded"] == "10.0"


def test_a_round_without_scores_has_no_total(client, cast, scored):
    data = get(client, cast.lead, cast.partnership.slug, round=2).json()
    assert data["total"] is None and data["band"] is None and data["cohorts"] == []
    assert all(d["mean"] is None and d["tables"] == 0 for d in data["domains"])


@pytest.mark.parametrize("bad", ["3", "0", "x", "", "1.0"])
def test_a_bad_round_is_a_400_keyed_by_field(client, cast, bad):
    response = get(client, cast.lead, cast.partnership.slug, round=bad)
    assert response.status_code == 400
    assert response.json() == {"round": ["Round must be 1 or 2"]}


def test_another_partnership_is_404_and_anonymous_401(client, cast, scored):
    assert get(client, cast.lead, cast.other_partnership.slug).status_code == 404
    assert get(client, cast.lead, "nowhere").status_code == 404
    assert client.get(reverse("api_cascade_results", args=[cast.partnership.slug])).status_code == 401


def test_a_commissioner_reads_the_results(client, cast, scored):
    assert get(client, member(cast.partnership, Role.COMMISSIONER), cast.partnership.slug).json()["band"] == "High"


def test_the_schema_describes_the_results_endpoint(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    operation = schema["paths"]["/api/v1/cascade/partnerships/{slug}/results/"]["get"]
    assert operation["operationId"] == "cascade_results_retrieve"
    assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == ["round"]
    properties = schema["components"]["schemas"]["PartnershipResults"]["properties"]
    assert {"domains", "total", "total_rounded", "band", "cohorts"} <= set(properties)
