"""The MHST API (issue 6 items 8 and 9): teams with capacity, approved allocations only (never a
proposal), readiness of the schools the caller may see, aggregated activity checked against a hand
calculation, recording activity (validation, audit, idempotency) and the OpenAPI schema."""

import datetime
import json
from decimal import Decimal

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openapi_spec_validator import validate

from mhst.models import (
    Activity,
    Allocation,
    AllocationMethod,
    AllocationStatus,
    Function,
    ReadinessCode,
    ReadinessItem,
    ReadinessStatus,
)
from partnership.models import AuditEvent, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.roles import Permission, Role

from ..conftest import sign_in
from ..factories import MembershipFactory, OrganisationFactory, PartnershipOrganisationFactory, member, token
from ..mhst.factories import add_practitioner, approved, log_activity, make_world, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def api(user) -> Client:
    """A client acting as `user`: a token when their role may use the API, else a signed-in session."""
    if user.has_permission(Permission.USE_API):
        return Client(headers=token(user))
    client = Client()
    sign_in(client, user)
    return client


def get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def proposal(team, by):
    return Allocation.objects.create(
        team=team,
        number=Allocation.objects.filter(team=team).count() + 1,
        status=AllocationStatus.PROPOSED,
        method=AllocationMethod.objects.filter(partnership=team.partnership).first(),
        capacity_on=today(),
        capacity_wte=Decimal("1.50"),
        effective_from=today(),
        rationale="Proposed: not yet approved.",
        proposed_by=by,
        proposed_at=timezone.now(),
    )


# --- authentication ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["api_mhst_teams", "api_mhst_allocations", "api_mhst_readiness", "api_mhst_activity_summary"]
)
def test_every_endpoint_needs_a_token_or_session(client, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    response = client.get(reverse(name), headers={"Authorization": "Token cyp_nonsense"})
    assert response.status_code == 401


def test_posting_activity_needs_a_token_or_session(client, world):
    response = client.post(reverse("api_mhst_activity"), "{}", content_type="application/json")
    assert response.status_code == 401
    assert Activity.objects.count() == 0


# --- teams -------------------------------------------------------------------------------------
def test_teams_list_the_caller_s_partnership_teams_with_today_s_capacity(world):
    foreign = make_world()
    body = get(api(world.commissioner), "api_mhst_teams").json()
    assert [t["id"] for t in body["results"]] == [world.team.pk, world.other_team.pk]  # North, South
    north = body["results"][0]
    assert north == {
        "id": world.team.pk,
        "partnership": world.partnership.slug,
        "name": "North MHST",
        "provider": {"id": world.provider.pk, "name": world.provider.name},
        "wave": "Wave 5",
        "started_on": world.team.started_on.isoformat(),
        "service": world.team.service_id,
        # EMHP 1.00 + senior 0.50 qualified; the trainee 1.00 apart; the administrator 0.60 other.
        "capacity": {
            "on": today().isoformat(),
            "qualified_wte": "1.50",
            "trainee_wte": "1.00",
            "other_wte": "0.60",
            "sessions_per_week": "15.00",
        },
    }
    assert body["results"][1]["capacity"]["qualified_wte"] == "0.00"
    assert foreign.team.pk not in {t["id"] for t in body["results"]}


def test_teams_filter_by_partnership_and_another_partnership_s_team_is_a_404(world):
    foreign = make_world()
    both = member(foreign.partnership, Role.COMMISSIONER, email="both@example.org")
    MembershipFactory(user=both, partnership=world.partnership, roles=[Role.COMMISSIONER.value])
    client = api(both)
    assert len(get(client, "api_mhst_teams").json()["results"]) == 4
    only = get(client, "api_mhst_teams", partnership=foreign.partnership.slug).json()["results"]
    assert {t["id"] for t in only} == {foreign.team.pk, foreign.other_team.pk}
    client = api(world.area_lead)
    assert get(client, "api_mhst_team", world.team.pk).json()["name"] == "North MHST"
    response = get(client, "api_mhst_team", foreign.team.pk)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- allocations -------------------------------------------------------------------------------
def test_an_approved_allocation_is_shown_with_its_rationale_decision_and_lines(world):
    allocation = approved(world.team, {world.school: "0.90", world.other_school: "0.60"}, by=world.area_lead)
    line = allocation.lines.get(school=world.other_school)
    line.adjusted_wte, line.adjustment_reason = Decimal("0.50"), "Shares a site with a team already."
    line.workings, line.notes = {"pupils": {"value": 300, "points": "10.00"}}, ["No referral data."]
    line.save()
    body = get(api(world.school_lead), "api_mhst_allocations").json()
    assert [a["id"] for a in body["results"]] == [allocation.pk]
    item = body["results"][0]
    assert item["team"] == {"id": world.team.pk, "name": "North MHST"}
    assert (item["partnership"], item["version"], item["status"]) == (world.partnership.slug, 1, "approved")
    assert (item["capacity_wte"], item["rationale"]) == ("1.50", "Shared by need.")
    assert item["method"]["version"] == world.method.number
    assert item["method"]["weights"] == {
        "pupils": "1.0", "fsm": "1.0", "deprivation": "1.0", "referral_rate": "1.0", "readiness": "0.0"
    }  # fmt: skip
    meeting = allocation.meeting
    assert item["decision"] == {
        "reference": allocation.decision.reference,
        "date": timezone.localtime(meeting.starts_at).date().isoformat(),
        "meeting": meeting.pk,
        "decided_by": world.area_lead.full_name,
    }
    first, second = item["lines"]
    assert first["school"] == {"id": world.school.pk, "name": world.school.name, "urn": world.school.urn}
    assert (first["share_wte"], first["sessions_per_week"], first["adjusted_wte"]) == ("0.90", "9.00", None)
    assert (second["calculated_wte"], second["adjusted_wte"], second["share_wte"]) == ("0.60", "0.50", "0.50")
    assert second["sessions_per_week"] == "5.00"
    assert second["adjustment_reason"] == "Shares a site with a team already."
    assert (second["workings"], second["notes"], second["rank"], second["tied"]) == (
        {"pupils": {"value": 300, "points": "10.00"}},
        ["No referral data."],
        2,
        False,
    )
    assert get(api(world.steering), "api_mhst_allocation", allocation.pk).json() == item


def test_proposals_never_leave_through_the_api_even_to_their_managers(world):
    old = approved(world.team, {world.school: "1.00"}, by=world.area_lead, status=AllocationStatus.SUPERSEDED)
    active = approved(world.team, {world.school: "1.50"}, by=world.area_lead)
    proposed = proposal(world.team, world.manager)
    for user in (world.manager, world.area_lead, world.steering):
        client = api(user)
        assert [a["id"] for a in get(client, "api_mhst_allocations").json()["results"]] == [active.pk]
        listed = get(client, "api_mhst_allocations", include="superseded").json()["results"]
        assert [a["id"] for a in listed] == [active.pk, old.pk]
        response = get(client, "api_mhst_allocation", proposed.pk)
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert get(client, "api_mhst_allocation", old.pk).json()["status"] == "superseded"
    Allocation.objects.filter(pk=proposed.pk).update(status=AllocationStatus.WITHDRAWN)
    refused = approved(world.team, {world.school: "2.00"}, by=world.area_lead, status=AllocationStatus.NOT_APPROVED)
    for hidden in (proposed, refused):
        assert get(api(world.area_lead), "api_mhst_allocation", hidden.pk).status_code == 404
        listed = get(api(world.manager), "api_mhst_allocations", include="superseded").json()["results"]
        assert hidden.pk not in {a["id"] for a in listed}


def test_allocations_filter_and_another_partnership_s_is_a_404(world):
    mine = approved(world.team, {world.school: "1.00"}, by=world.area_lead)
    south = approved(world.other_team, {world.other_school: "0.50"}, by=world.area_lead)
    foreign = make_world()
    theirs = approved(foreign.team, {foreign.school: "1.00"}, by=foreign.area_lead)
    client = api(world.commissioner)
    assert [a["id"] for a in get(client, "api_mhst_allocations").json()["results"]] == [mine.pk, south.pk]
    assert [a["id"] for a in get(client, "api_mhst_allocations", team=south.team_id).json()["results"]] == [south.pk]
    assert get(client, "api_mhst_allocations", partnership=foreign.partnership.slug).json()["results"] == []
    assert get(client, "api_mhst_allocations", team=foreign.team.pk).json()["results"] == []
    assert get(client, "api_mhst_allocation", theirs.pk).status_code == 404
    for params in ({"team": "abc"}, {"include": "proposed"}):
        response = get(client, "api_mhst_allocations", **params)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid" and set(response.json()["errors"]) == set(params)


# --- readiness ---------------------------------------------------------------------------------
def _school_ids(client) -> list[int]:
    response = get(client, "api_mhst_readiness")
    assert response.status_code == 200, response.content
    return [row["school"]["id"] for row in response.json()["results"]]


def test_readiness_shows_only_the_schools_the_caller_may_see(world):
    third = OrganisationFactory(name="Zed Academy")
    PartnershipOrganisationFactory(partnership=world.partnership, organisation=third)
    approved(world.team, {world.school: "1.00"}, by=world.area_lead)
    approved(world.other_team, {world.other_school: "0.50"}, by=world.area_lead)
    foreign = make_world()
    approved(foreign.team, {foreign.school: "1.00"}, by=foreign.area_lead)
    assert _school_ids(api(world.school_lead)) == [world.school.pk]
    assert _school_ids(api(world.other_school_lead)) == [world.other_school.pk]
    assert _school_ids(api(world.manager)) == [world.school.pk]
    assert _school_ids(api(world.other_manager)) == [world.other_school.pk]
    everyone = sorted([world.school, world.other_school], key=lambda s: s.name)
    assert _school_ids(api(world.area_lead)) == [s.pk for s in everyone]  # never the unallocated third
    assert _school_ids(api(world.steering)) == [s.pk for s in everyone]
    assert _school_ids(api(foreign.area_lead)) == [foreign.school.pk]
    assert get(api(world.area_lead), "api_mhst_readiness", partnership="nowhere").json()["results"] == []
    for user in (world.commissioner, world.practitioner_user):
        response = get(api(user), "api_mhst_readiness")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_a_school_s_checklist_reads_missing_items_as_not_started(world):
    ReadinessItem.objects.create(
        partnership=world.partnership,
        school=world.school,
        code=ReadinessCode.NAMED_LEAD,
        status=ReadinessStatus.MET,
        evidence="Ms Head named as lead.",
        confirmed_by=world.school_lead,
        confirmed_at=timezone.now(),
    )
    ReadinessItem.objects.create(
        partnership=world.partnership, school=world.school, code=ReadinessCode.EVALUATION, status="in_progress"
    )
    client = api(world.school_lead)  # one sign-in: a TOTP code is good once
    (row,) = get(client, "api_mhst_readiness").json()["results"]
    assert (row["partnership"], row["met"], row["total"], row["ready"]) == (world.partnership.slug, 1, 10, False)
    assert [i["code"] for i in row["items"]] == [c.value for c in ReadinessCode]
    named = row["items"][0]
    assert (named["label"], named["status"], named["evidence"]) == (
        "Named lead or contact", "met", "Ms Head named as lead."
    )  # fmt: skip
    assert named["confirmed_by"] == world.school_lead.full_name and named["confirmed_at"]
    assert named["description"] == ReadinessCode.NAMED_LEAD.description
    assert row["items"][-1]["status"] == "in_progress"
    assert [i["status"] for i in row["items"][1:-1]] == ["not_started"] * 8
    assert all(i["confirmed_by"] is None for i in row["items"][1:])
    for code in ReadinessCode:
        ReadinessItem.objects.update_or_create(
            partnership=world.partnership,
            school=world.school,
            code=code,
            defaults={"status": "met", "evidence": "Seen.", "confirmed_by": world.manager},
        )
    (row,) = get(client, "api_mhst_readiness").json()["results"]
    assert (row["met"], row["ready"]) == (10, True)


# --- activity summary --------------------------------------------------------------------------
JAN, FEB = datetime.date(2025, 1, 15), datetime.date(2025, 2, 3)


@pytest.fixture
def logged(world):
    """North at the school: two individual sessions (Jan, Feb) and a staff training (Feb); South at the
    other school: one consultation (Jan); another partnership's activity that never counts."""
    south = add_practitioner(world.other_team, name="Sol South")
    by = world.manager
    log_activity(world.team, world.school, world.practitioner, by, date=JAN, function=1, duration_minutes=50)
    log_activity(world.team, world.school, world.practitioner, by, date=FEB, function=1, duration_minutes=45)
    log_activity(
        world.team, world.school, world.practitioner, by, date=FEB, function=2, type="staff_training",
        duration_minutes=90, children_reached=0, adults_reached=25,
    )  # fmt: skip
    log_activity(
        world.other_team, world.other_school, south, world.other_manager, date=JAN, function=3,
        type="consultation", duration_minutes=30, children_reached=0, adults_reached=2,
    )  # fmt: skip
    foreign = make_world()
    log_activity(foreign.team, foreign.school, foreign.practitioner, foreign.manager, date=JAN, duration_minutes=600)
    return world


def figures(sessions, minutes, children, adults):
    return {"sessions": sessions, "minutes": minutes, "children": children, "adults": adults}


def test_the_summary_matches_a_hand_calculation(logged):
    world = logged
    response = get(api(world.commissioner), "api_mhst_activity_summary")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [t["name"] for t in body["teams"]] == ["North MHST", "South MHST"]
    # 50 + 45 + 90 + 30 minutes; children 1 + 1; adults 25 + 2.
    assert body["totals"] == figures(4, 215, 2, 27)
    assert body["by_function"] == [
        {"function": 1, "title": Function(1).title, "label": "1. Evidence-based interventions", **figures(2, 95, 2, 0)},
        {"function": 2, "title": Function(2).title, "label": "2. Whole-school approach", **figures(1, 90, 0, 25)},
        {"function": 3, "title": Function(3).title, "label": "3. Advice and liaison", **figures(1, 30, 0, 2)},
    ]
    schools = {row["school"]["id"]: row for row in body["by_school"]}
    assert {k: v for k, v in schools[world.school.pk].items() if k != "school"} == figures(3, 185, 2, 25)
    assert {k: v for k, v in schools[world.other_school.pk].items() if k != "school"} == figures(1, 30, 0, 2)
    assert body["by_month"] == [
        {"month": "2025-01", **figures(2, 80, 1, 2)},
        {"month": "2025-02", **figures(2, 135, 1, 25)},
    ]
    north = get(api(world.commissioner), "api_mhst_activity_summary", team=world.team.pk).json()
    assert north["totals"] == figures(3, 185, 2, 25)
    february = get(api(world.area_lead), "api_mhst_activity_summary", **{"from": "2025-02-01", "to": "2025-02-28"})
    assert february.json()["totals"] == figures(2, 135, 1, 25)
    assert february.json()["date_from"] == "2025-02-01"
    january = get(api(world.area_lead), "api_mhst_activity_summary", to="2025-01-31").json()
    assert january["totals"] == figures(2, 80, 1, 2)
    assert [f["sessions"] for f in january["by_function"]] == [1, 0, 1]


def test_mhst_staff_see_their_own_team_s_figures_only(logged):
    world = logged
    client = api(world.practitioner_user)  # RECORD_MHST_ACTIVITY, no dashboards
    body = get(client, "api_mhst_activity_summary").json()
    assert [t["name"] for t in body["teams"]] == ["North MHST"]
    assert body["totals"] == figures(3, 185, 2, 25)
    assert get(client, "api_mhst_activity_summary", team=world.other_team.pk).status_code == 404
    # the manager reads dashboards: every team of the partnership
    assert get(api(world.manager), "api_mhst_activity_summary").json()["totals"] == figures(4, 215, 2, 27)


def test_the_summary_refuses_bad_parameters_and_other_partnerships_teams(logged):
    world = logged
    client = api(world.area_lead)
    for params, field in (
        ({"from": "2025-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2025-1-5"}, "from"),
        ({"from": "2025-W01-1"}, "from"),
        ({"to": "\u00b22025-01-01"}, "to"),
        ({"from": "2025-03-01", "to": "2025-02-01"}, "to"),
        ({"team": "North"}, "team"),
        ({"team": "-1"}, "team"),
    ):
        response = get(client, "api_mhst_activity_summary", **params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "invalid" and list(response.json()["errors"]) == [field]
    foreign = make_world()
    response = get(client, "api_mhst_activity_summary", team=foreign.team.pk)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    for user in (world.steering, world.school_lead):
        assert get(api(user), "api_mhst_activity_summary").status_code == 403


# --- recording activity ------------------------------------------------------------------------
def body_for(world, **changes) -> dict:
    return {
        "team": world.team.pk,
        "school": world.school.pk,
        "practitioner": world.practitioner.pk,
        "date": (today() - datetime.timedelta(days=1)).isoformat(),
        "function": 1,
        "type": "group",
        "duration_minutes": 60,
        "children_reached": 8,
        "adults_reached": 1,
        **changes,
    }


def post(client, body, **headers):
    return client.post(reverse("api_mhst_activity"), json.dumps(body), content_type="application/json", headers=headers)


def test_the_manager_records_activity_and_it_is_audited(world):
    response = post(api(world.manager), body_for(world))
    assert response.status_code == 201, response.content
    activity = Activity.objects.get()
    assert response.json() == {
        "id": activity.pk,
        "team": world.team.pk,
        "school": world.school.pk,
        "practitioner": world.practitioner.pk,
        "date": (today() - datetime.timedelta(days=1)).isoformat(),
        "function": 1,
        "type": "group",
        "duration_minutes": 60,
        "children_reached": 8,
        "adults_reached": 1,
        "created_at": response.json()["created_at"],
    }
    assert activity.recorded_by == world.manager
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="mhst.activity")
    assert (event.actor, event.object_id) == (world.manager, str(activity.pk))
    assert event.partnership_id == world.partnership.pk
    assert event.detail["duration_minutes"] == 60 and event.detail["via"] == "api"


def test_a_practitioner_records_activity_through_a_session(world):
    response = post(api(world.practitioner_user), body_for(world, function=3, type="liaison", children_reached=0))
    assert response.status_code == 201, response.content
    assert Activity.objects.get().recorded_by == world.practitioner_user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"date": "2999-01-01"}, "date"),
        ({"date": "not a date"}, "date"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 601}, "duration_minutes"),
        ({"children_reached": -1}, "children_reached"),
        ({"adults_reached": 5001}, "adults_reached"),
        ({"function": 4}, "function"),
        ({"type": "home_visit"}, "type"),
        ({"school": "x"}, "school"),
        ({"child_name": "Zebedee Smith"}, "child_name"),
        ({"nhs_number": "9434765919"}, "nhs_number"),
    ],
)
def test_bad_activity_is_refused_with_field_errors(world, changes, field):
    response = post(api(world.manager), body_for(world, **changes))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["errors"]) == [field]
    if field in ("child_name", "nhs_number"):
        assert body["errors"][field][0].startswith("Unknown field")
    assert Activity.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="mhst.activity").exists()


def test_missing_fields_are_named(world):
    response = post(api(world.manager), {})
    assert response.status_code == 400
    assert {"team", "school", "practitioner", "date", "function", "type", "duration_minutes"} == set(
        response.json()["errors"]
    )


def test_the_school_and_practitioner_must_belong_to_the_team(world):
    client = api(world.manager)
    foreign = make_world()
    lapsed = OrganisationFactory()
    PartnershipOrganisationFactory(
        partnership=world.partnership, organisation=lapsed, status=PartnershipOrganisation.Status.LAPSED
    )
    south = add_practitioner(world.other_team, name="Sol South")
    left = add_practitioner(world.team, name="Lee Left", ended_on=today() - datetime.timedelta(days=30))
    late = add_practitioner(world.team, name="Nia New", started_on=today())
    for changes, field in (
        ({"school": foreign.school.pk}, "school"),
        ({"school": lapsed.pk}, "school"),
        ({"school": world.provider.pk}, "school"),  # a member, but not a school
        ({"school": 999999999}, "school"),
        ({"practitioner": south.pk}, "practitioner"),
        ({"practitioner": foreign.practitioner.pk}, "practitioner"),
        ({"practitioner": left.pk}, "practitioner"),
        ({"practitioner": late.pk}, "practitioner"),  # not yet in post yesterday
    ):
        response = post(client, body_for(world, **changes))
        assert response.status_code == 400, changes
        assert list(response.json()["errors"]) == [field], changes
    assert Activity.objects.count() == 0


def test_another_team_is_a_404_and_non_staff_are_refused(world):
    response = post(api(world.other_manager), body_for(world))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    foreign = make_world()
    assert post(api(foreign.manager), body_for(world)).status_code == 404
    for user in (world.area_lead, world.commissioner, world.school_lead, world.steering):
        response = post(api(user), body_for(world))
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert Activity.objects.count() == 0


def test_an_idempotency_key_makes_a_retry_return_the_same_activity(world):
    client = api(world.manager)
    first = post(client, body_for(world), **{"Idempotency-Key": "key-1"})
    again = post(client, body_for(world), **{"Idempotency-Key": "key-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Activity.objects.count() == 1
    reused = post(client, body_for(world, duration_minutes=30), **{"Idempotency-Key": "key-1"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert post(client, body_for(world), **{"Idempotency-Key": "key-2"}).status_code == 201
    assert post(client, body_for(world)).status_code == 201  # no key: a new activity each time
    assert Activity.objects.count() == 3
    # the key is the caller's own: another user's identical key makes their own activity
    assert post(api(world.practitioner_user), body_for(world), **{"Idempotency-Key": "key-1"}).status_code == 201
    too_long = post(client, body_for(world), **{"Idempotency-Key": "k" * 101})
    assert too_long.status_code == 400 and too_long.json()["code"] == "idempotency_key_too_long"


def test_a_body_that_is_not_an_object_is_refused(world):
    response = post(api(world.manager), [body_for(world)])
    assert response.status_code == 400 and "non_field_errors" in response.json()["errors"]
    response = api(world.manager).post(reverse("api_mhst_activity"), "{bad", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


# --- the schema --------------------------------------------------------------------------------
def test_the_schema_describes_the_mhst_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    paths = schema["paths"]
    expected = {
        ("/api/v1/mhst/teams/", "get"): "mhst_teams_list",
        ("/api/v1/mhst/teams/{id}/", "get"): "mhst_teams_retrieve",
        ("/api/v1/mhst/allocations/", "get"): "mhst_allocations_list",
        ("/api/v1/mhst/allocations/{id}/", "get"): "mhst_allocations_retrieve",
        ("/api/v1/mhst/readiness/", "get"): "mhst_readiness_list",
        ("/api/v1/mhst/activity/summary/", "get"): "mhst_activity_summary",
        ("/api/v1/mhst/activity/", "post"): "mhst_activity_create",
    }
    for (path, method), operation_id in expected.items():
        operation = paths[path][method]
        assert operation["operationId"] == operation_id
        assert operation["summary"] and operation["description"]
        assert "401" in operation["responses"]
    create_op = paths["/api/v1/mhst/activity/"]["post"]
    assert {"201", "200", "400", "403", "404", "422"} <= set(create_op["responses"])
    assert {p["name"] for p in create_op["parameters"] if p["in"] == "header"} == {"Idempotency-Key"}
    summary_params = {p["name"] for p in paths["/api/v1/mhst/activity/summary/"]["get"]["parameters"]}
    assert summary_params == {"team", "from", "to"}
    components = schema["components"]["schemas"]
    assert set(components["MhstApiError"]["required"]) == {"code", "message"}
    assert "child" not in json.dumps(components["MhstActivityWriteRequest"]["properties"]).lower().replace(
        "children", ""
    )
    list_params = {p["name"] for p in paths["/api/v1/mhst/allocations/"]["get"]["parameters"]}
    assert {"partnership", "team", "include", "page"} <= list_params
