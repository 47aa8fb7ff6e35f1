"""The metrics API (issue 7 item 5): the same suppressed figures as the pages, for the scopes the
caller may read, with the dashboard's filters, documented in the OpenAPI schema."""

import datetime

import pytest
import time_machine
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from openapi_spec_validator import validate

from partnership.api.metrics import table_json
from partnership.dashboards import scopes
from partnership.dashboards.service import shown_panel
from partnership.disclosure import FOOTNOTE
from partnership.figures import Filters, Level
from partnership.models import OrganisationKind
from partnership.roles import Permission, Role

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, UserFactory, member
from .fakes import install

pytestmark = pytest.mark.django_db

FLOW_ROWS = [
    {"label": "Primary", "values": ["*", "*", "*", "*", "Red"]},
    {"label": "Secondary", "values": [10, 10, 100.0, 21, "Green"]},
    {"label": "Special", "values": [0, 0, None, None, "Amber"]},
]
FLOW_TOTAL = {"label": "Total", "values": [15, 10, 66.7, 19, ""]}


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 0)), tick=False):
        yield


@pytest.fixture
def panel(monkeypatch):
    return install(monkeypatch)


def token_for(user) -> dict:
    _, token = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {token}"}


def metrics(client, panel_key="fake", headers=None, **params):
    return client.get(reverse("api_metrics_panel", args=[panel_key]), params, headers=headers or {})


def test_anonymous_callers_get_401(client, panel):
    assert client.get(reverse("api_metrics")).status_code == 401
    response = metrics(client, partnership="own")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_commissioner_reads_one_panel_with_small_numbers_suppressed(client, cast, panel):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    response = metrics(
        client, headers=token_for(commissioner), partnership="own", **{"from": "2026-01", "to": "2026-03"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["key"], body["title"], body["description"]) == ("fake", "Fake referrals", "Made up.")
    assert body["scope"] == {"scope": "own", "level": "partnership", "label": cast.partnership.name, "suppressed": True}
    assert body["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert body["filters"] == {"phase": "", "school": None}
    assert body["refreshed_at"] == "2026-04-01T06:30:00+01:00"
    assert body["footnote"] == FOOTNOTE
    assert body["notes"] == ["Figures are made up."]
    flow, staff = body["tables"]
    assert flow["key"] == "flow" and flow["title"] == "Referrals by phase"
    assert flow["columns"] == ["Phase", "Referrals", "Accepted", "% accepted", "Median wait", "RAG"]
    assert flow["units"] == ["", "", "%", "days", ""]
    assert flow["rows"] == FLOW_ROWS
    assert flow["total"] == FLOW_TOTAL  # 15 and 10 from the raw figures, 66.7% = 10 / 15
    assert staff["rows"] == [{"label": "North", "values": [2.5]}] and staff["total"] is None
    scope, filters = panel.calls[-1]
    assert scope == scopes.partnership_scope(cast.partnership)
    assert filters == Filters(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "", None)


def test_the_api_returns_exactly_what_the_pages_get_from_the_service(client, cast, panel, monkeypatch):
    from partnership import registry

    sign_in(client, cast.lead)
    body = metrics(client, partnership="own", phase="Primary").json()
    scope, filters = panel.calls[-1]
    assert filters.phase == "Primary"
    shown = shown_panel(registry.dashboard_panel("fake"), scope, filters)
    assert body["tables"] == [yaml.safe_load(yaml.safe_dump(table_json(t))) for t in shown.tables]


def test_another_partnership_is_a_404_and_an_unknown_panel_too(client, cast, panel):
    headers = token_for(cast.outsider)
    assert metrics(client, headers=headers, partnership="own").status_code == 404
    assert metrics(client, headers=headers, partnership="no-such").status_code == 404
    response = metrics(client, "no-such-panel", headers=headers, partnership="other")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert metrics(client, headers=headers, partnership="other").status_code == 200
    assert panel.calls[-1][0].partnership_ids == (cast.other_partnership.pk,)


def test_a_member_who_does_not_read_dashboards_gets_403(client, cast, panel):
    sign_in(client, cast.reader)  # steering member: sees the partnership, reads no dashboards
    assert client.get(reverse("api_metrics")).status_code == 403
    response = metrics(client, partnership="own")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    # a commissioner elsewhere who is only a steering member here
    both = member(cast.other_partnership, Role.COMMISSIONER)
    member_of_own = both.memberships.model.objects.create(
        user=both, partnership=cast.partnership, organisation=OrganisationFactory(), roles=[Role.STEERING_MEMBER.value]
    )
    assert member_of_own.pk
    client.logout()
    sign_in(client, both)
    assert metrics(client, partnership="own").status_code == 403
    assert metrics(client, partnership="other").status_code == 200
    assert panel.calls[-1][0].partnership_ids == (cast.other_partnership.pk,)


def test_a_panel_needing_another_permission_is_403(client, cast, monkeypatch):
    install(monkeypatch, permission=Permission.MANAGE_PARTNERSHIP)
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    assert metrics(client, headers=token_for(commissioner), partnership="own").status_code == 403
    assert metrics(client, headers=token_for(cast.lead), partnership="own").status_code == 200


def test_the_commissioned_scope_adds_up_every_partnership_the_caller_reads(client, cast, panel):
    second = PartnershipFactory()
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    commissioner.memberships.model.objects.create(
        user=commissioner, partnership=second, organisation=OrganisationFactory(), roles=[Role.COMMISSIONER.value]
    )
    headers = token_for(commissioner)
    body = metrics(client, headers=headers, scope="commissioned").json()
    assert body["scope"]["scope"] == "commissioned" and body["scope"]["level"] == "commissioner"
    assert body["tables"][0]["rows"] == FLOW_ROWS
    assert set(panel.calls[-1][0].partnership_ids) == {cast.partnership.pk, second.pk}
    assert metrics(client, headers=headers).json()["scope"]["scope"] == "commissioned"  # the default


def test_the_national_scope_is_for_national_readers_and_is_not_suppressed(client, cast, panel):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    response = metrics(client, headers=token_for(commissioner), scope="national")
    assert response.status_code == 403
    national = UserFactory(reads_national_dashboard=True)
    sign_in(client, national)
    body = metrics(client, scope="national").json()
    assert body["scope"] == {
        "scope": "national",
        "level": "national",
        "label": "England (all partnerships)",
        "suppressed": False,
    }
    assert body["tables"][0]["rows"][:2] == [
        {"label": "Primary", "values": [3, 2, 66.7, 13, "Red"]},
        {"label": "Secondary", "values": [12, 8, 66.7, 21, "Green"]},
    ]
    assert body["tables"][0]["total"] == {"label": "Total", "values": [15, 10, 66.7, 19, ""]}
    assert panel.calls[-1][0].level == Level.NATIONAL
    assert metrics(client).json()["scope"]["scope"] == "national"  # their only scope
    # a national reader has no partnership's dashboard
    assert metrics(client, partnership="own").status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13"}, "from"),
        ({"from": "April"}, "from"),
        ({"to": "2026-1"}, "to"),
        ({"from": "2026-05", "to": "2026-01"}, "non_field_errors"),
        ({"from": "2020-01", "to": "2026-01"}, "non_field_errors"),
        ({"phase": "Nursery school"}, "phase"),
        ({"school": "1"}, "school"),  # a commissioner may not filter by school
        ({"scope": "regional"}, "scope"),
        ({"scope": "commissioned", "partnership": "own"}, "scope"),
    ],
)
def test_bad_filters_are_400_naming_the_parameter(client, cast, panel, params, field):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    params = {"partnership": "own", **params} if "scope" not in params else params
    response = metrics(client, headers=token_for(commissioner), **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["errors"], body
    assert panel.calls == []


def test_an_area_lead_filters_by_one_of_their_schools(client, cast, panel):
    school = OrganisationFactory(kind=OrganisationKind.PRIMARY)
    PartnershipOrganisationFactory(partnership=cast.partnership, organisation=school)
    elsewhere = OrganisationFactory(kind=OrganisationKind.PRIMARY)
    PartnershipOrganisationFactory(partnership=cast.other_partnership, organisation=elsewhere)
    headers = token_for(cast.lead)
    response = metrics(client, headers=headers, partnership="own", school=str(school.pk))
    assert response.status_code == 200
    assert response.json()["filters"] == {"phase": "", "school": school.pk}
    assert panel.calls[-1][1].school_id == school.pk
    assert metrics(client, headers=headers, partnership="own", school=str(elsewhere.pk)).status_code == 400
    # not on the commissioned view, even for an area lead
    assert metrics(client, headers=headers, scope="commissioned", school=str(school.pk)).status_code == 400


def test_the_index_lists_panels_and_scopes(client, cast, panel):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    response = client.get(reverse("api_metrics"), headers=token_for(commissioner))
    assert response.status_code == 200
    body = response.json()
    assert [s["scope"] for s in body["scopes"]] == ["own", "commissioned"]
    assert body["panels"] == [
        {
            "key": "fake",
            "title": "Fake referrals",
            "description": "Made up.",
            "scopes": ["own", "commissioned"],
            "url": "http://testserver" + reverse("api_metrics_panel", args=["fake"]),
        }
    ]
    assert body["footnote"] == FOOTNOTE
    national = UserFactory(reads_national_dashboard=True)
    sign_in(client, national)
    body = client.get(reverse("api_metrics")).json()
    assert [s["scope"] for s in body["scopes"]] == ["national"]
    assert body["panels"][0]["scopes"] == ["national"]


def test_the_index_omits_panels_the_caller_cannot_read(client, cast, monkeypatch):
    install(monkeypatch, permission=Permission.MANAGE_PARTNERSHIP)
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    assert client.get(reverse("api_metrics"), headers=token_for(commissioner)).json()["panels"] == []
    assert [p["key"] for p in client.get(reverse("api_metrics"), headers=token_for(cast.lead)).json()["panels"]] == [
        "fake"
    ]


def _queries(client, headers, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert metrics(client, headers=headers, **params).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_rows(client, cast, monkeypatch):
    headers = token_for(cast.lead)
    install(monkeypatch, rows=1)
    few = _queries(client, headers, partnership="own")
    install(monkeypatch, rows=200)
    assert _queries(client, headers, partnership="own") == few
    second = PartnershipFactory()
    cast.lead.memberships.model.objects.create(
        user=cast.lead, partnership=second, organisation=OrganisationFactory(), roles=[Role.AREA_LEAD.value]
    )
    before = _queries(client, headers, scope="commissioned")
    for _ in range(3):
        cast.lead.memberships.model.objects.create(
            user=cast.lead, partnership=PartnershipFactory(), organisation=OrganisationFactory(), roles=["commissioner"]
        )
    assert _queries(client, headers, scope="commissioned") == before


def test_the_schema_documents_the_metrics_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    index = schema["paths"]["/api/v1/metrics/"]["get"]
    assert index["operationId"] == "metrics_index"
    operation = schema["paths"]["/api/v1/metrics/{panel}/"]["get"]
    assert operation["operationId"] == "metrics_panel"
    assert {p["name"] for p in operation["parameters"]} >= {
        "panel",
        "partnership",
        "scope",
        "from",
        "to",
        "phase",
        "school",
    }
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404"}
    components = schema["components"]["schemas"]
    table = components["MetricsTable"]["properties"]
    assert set(table) >= {"key", "title", "description", "columns", "rows", "total"}
    value = components["MetricsRow"]["properties"]["values"]["items"]
    assert value["nullable"] is True and {"type": "string"} in value["oneOf"]
