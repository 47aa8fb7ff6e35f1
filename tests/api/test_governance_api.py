from datetime import date, timedelta

import pytest
import time_machine
import yaml
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from openapi_spec_validator import validate

from partnership.models import Action, GroupMember, Risk, ServiceSchedule, TermsOfReference
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from ..governance.factories import (
    ActionFactory,
    DirectoryServiceFactory,
    GroupFactory,
    GroupMemberFactory,
    RiskFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 15, 10, 0)), tick=False):
        yield


def token_for(user) -> dict:
    _, token = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {token}"}


def get(client, name, headers, *args, **params):
    return client.get(reverse(name, args=args), params, headers=headers)


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_anonymous_callers_get_401_everywhere(client, cast):
    action = ActionFactory(partnership=cast.partnership)
    assert client.get(reverse("api_actions")).status_code == 401
    assert client.get(reverse("api_action_detail", args=[action.pk])).status_code == 401
    assert client.get(reverse("api_directory"), headers={"Authorization": "Token cyp_nonsense"}).status_code == 401


def test_a_token_of_another_partnership_sees_nothing_and_gets_404_on_details(client, cast):
    group = GroupFactory(partnership=cast.partnership)
    action = ActionFactory(partnership=cast.partnership)
    risk = RiskFactory(partnership=cast.partnership)
    entry = DirectoryServiceFactory(partnership=cast.partnership)
    outsider = token_for(cast.outsider)
    ours = {
        "api_groups": {group.pk},
        "api_actions": {action.pk},
        "api_risks": set(Risk.objects.filter(partnership=cast.partnership).values_list("pk", flat=True)),
        "api_directory": {entry.pk},
    }
    for name, pks in ours.items():
        # the outsider's own partnership has its seeded common risks: none of ours may appear
        assert {item["id"] for item in results(get(client, name, outsider))}.isdisjoint(pks)
    for name, obj in (
        ("api_group_detail", group),
        ("api_action_detail", action),
        ("api_risk_detail", risk),
        ("api_directory_detail", entry),
    ):
        assert get(client, name, outsider, obj.pk).status_code == 404
        assert get(client, name, token_for(cast.lead), obj.pk).status_code == 200


def test_a_steering_member_reads_through_their_session(client, cast):
    ActionFactory(partnership=cast.partnership, title="Map the school links")
    sign_in(client, cast.reader)
    assert [a["title"] for a in results(client.get(reverse("api_actions")))] == ["Map the school links"]


def test_groups_show_current_seats_and_the_published_terms_version(client, cast):
    group = GroupFactory(partnership=cast.partnership, name="Steering group")
    chair = member(cast.partnership, Role.STEERING_MEMBER, full_name="Pat Chair")
    org = OrganisationFactory(name="Northshire ICB")
    GroupMemberFactory(group=group, user=chair, organisation=org, role=GroupMember.SeatRole.CHAIR)
    GroupMemberFactory(group=group, role=GroupMember.SeatRole.MEMBER, left_on=TODAY - timedelta(days=1))
    TermsOfReferenceFactory(group=group, version=1, status=TermsOfReference.Status.SUPERSEDED)
    TermsOfReferenceFactory(group=group, version=2, status=TermsOfReference.Status.PUBLISHED)
    TermsOfReferenceFactory(group=group, version=3, status=TermsOfReference.Status.DRAFT)
    GroupFactory(partnership=cast.partnership, name="Forum", kind="forum")
    lead = token_for(cast.lead)
    body = get(client, "api_group_detail", lead, group.pk).json()
    assert body["partnership"] == "own"
    assert body["published_terms_version"] == 2
    assert body["current_seats"] == [
        {"name": "Pat Chair", "organisation": "Northshire ICB", "seat_role": "chair", "joined_on": str(TODAY)}
    ]
    assert [g["name"] for g in results(get(client, "api_groups", lead, kind="forum"))] == ["Forum"]


def test_actions_carry_the_rag_computed_today_and_filter_by_rag_status_and_owner(client, cast):
    owner = member(cast.partnership, Role.STEERING_MEMBER, full_name="Olu Owner")
    overdue = ActionFactory(partnership=cast.partnership, title="Overdue", due_date=TODAY - timedelta(days=1))
    ActionFactory(partnership=cast.partnership, title="Due soon", due_date=TODAY + timedelta(days=14), owner=owner)
    ActionFactory(partnership=cast.partnership, title="Later", due_date=TODAY + timedelta(days=15))
    ActionFactory(
        partnership=cast.partnership, title="Done", due_date=TODAY - timedelta(days=30), status=Action.Status.COMPLETE
    )
    lead = token_for(cast.lead)
    rags = {a["title"]: a["rag"] for a in results(get(client, "api_actions", lead))}
    assert rags == {"Overdue": "red", "Due soon": "amber", "Later": "green", "Done": "complete"}
    assert [a["title"] for a in results(get(client, "api_actions", lead, rag="red"))] == ["Overdue"]
    assert [a["title"] for a in results(get(client, "api_actions", lead, status="complete"))] == ["Done"]
    mine = results(get(client, "api_actions", lead, owner=owner.pk))
    assert [(a["title"], a["owner_name"]) for a in mine] == [("Due soon", "Olu Owner")]
    detail = get(client, "api_action_detail", lead, overdue.pk).json()
    assert detail["reference"] == overdue.reference and detail["rag"] == "red"
    assert set(detail) == {
        "id", "partnership", "reference", "title", "owner_name", "organisation", "due_date", "status", "rag", "source"
    }  # fmt: skip
    assert get(client, "api_actions", lead, rag="purple").status_code == 400


def test_risks_show_score_and_rating_and_filter_by_status_and_min_score(client, cast):
    Risk.objects.filter(partnership=cast.partnership).delete()  # the common risks seeded with the partnership
    RiskFactory(partnership=cast.partnership, title="Funding", likelihood=4, impact=5)
    RiskFactory(partnership=cast.partnership, title="Turnover", likelihood=2, impact=3)
    RiskFactory(partnership=cast.partnership, title="Old", likelihood=5, impact=5, status=Risk.Status.CLOSED)
    lead = token_for(cast.lead)
    everything = results(get(client, "api_risks", lead))
    assert [(r["title"], r["score"], r["rating"]) for r in everything] == [
        ("Old", 25, "extreme"),
        ("Funding", 20, "extreme"),
        ("Turnover", 6, "moderate"),
    ]
    assert [r["title"] for r in results(get(client, "api_risks", lead, status="open", min_score=10))] == ["Funding"]


def test_directory_filters_by_need_age_phase_thrive_and_partnership(client, cast):
    DirectoryServiceFactory(
        partnership=cast.partnership,
        name="Teens",
        needs=["anxiety"],
        min_age=11,
        max_age=16,
        school_phases=["secondary"],
    )
    kids = DirectoryServiceFactory(
        partnership=cast.partnership,
        name="Kids",
        needs=["bereavement"],
        min_age=5,
        max_age=11,
        school_phases=["primary"],
        thrive_groupings=["getting_advice"],
    )
    ServiceSchedule.objects.create(service=kids, byday="MO", opens_at="09:00", closes_at="12:00")
    DirectoryServiceFactory(partnership=cast.partnership, name="Closed", is_active=False)
    lead = token_for(cast.lead)

    def found(**params):
        return sorted(s["name"] for s in results(get(client, "api_directory", lead, **params)))

    assert found() == ["Kids", "Teens"]
    assert found(need="bereavement") == ["Kids"]
    assert found(age=11) == ["Kids", "Teens"]
    assert found(age=12) == ["Teens"]
    assert found(phase="primary") == ["Kids"]
    assert found(thrive="getting_advice") == ["Kids"]
    assert found(partnership="other") == []
    assert found(partnership="own", include_inactive="true") == ["Closed", "Kids", "Teens"]
    body = get(client, "api_directory_detail", lead, kids.pk).json()
    assert body["schedules"] == [{"byday": "MO", "opens_at": "09:00:00", "closes_at": "12:00:00"}]
    assert body["needs_review"] is False and body["provider"]["name"] == kids.provider.name
    assert get(client, "api_directory", lead, age="old").status_code == 400


def test_the_schema_describes_the_governance_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    for path in (
        "/api/v1/groups/",
        "/api/v1/groups/{id}/",
        "/api/v1/actions/",
        "/api/v1/actions/{id}/",
        "/api/v1/risks/",
        "/api/v1/risks/{id}/",
        "/api/v1/directory/services/",
        "/api/v1/directory/services/{id}/",
    ):
        operation = schema["paths"][path]["get"]
        assert operation["description"], path
        assert "200" in operation["responses"]
    rag = schema["components"]["schemas"]["Action"]["properties"]["rag"]
    assert rag["allOf"] == [{"$ref": "#/components/schemas/RagEnum"}]
    assert schema["components"]["schemas"]["RagEnum"]["enum"] == ["red", "amber", "green", "complete"]
