"""The referrals API (issue 5 items 5 and 8): the queue, one referral with its ETag, the
state-changing calls with If-Match (428, 412 with the current referral), JSON errors with codes,
idempotent creation by schools, reference lists and the OpenAPI schema."""

import json
import uuid
from datetime import timedelta
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role
from referrals.models import NotAcceptedReason, Referral, Status, StatusChange
from referrals.services.drafts import SCHOOL_FIELDS

from ..conftest import sign_in
from ..factories import member, token
from ..referrals.factories import act, complete_fields, draft, local_days_ago, make_world, referral_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world("Area")


def post(client, name, pk, headers, body=None, if_match=None):
    headers = dict(headers)
    if if_match is not None:
        headers["If-Match"] = if_match
    return client.post(
        reverse(name, args=[pk]), json.dumps(body or {}), content_type="application/json", headers=headers
    )


def detail(client, referral, headers):
    return client.get(reverse("api_referral_detail", args=[referral.pk]), headers=headers)


def views_audited(referral) -> int:
    return AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS, object_id=str(referral.pk)).count()


# --- the queue ---------------------------------------------------------------------------------
def test_the_queue_lists_the_spa_s_referrals_without_child_details(client, world):
    routine = referral_in(world, Status.SUBMITTED)
    urgent = referral_in(world, Status.SUBMITTED)
    Referral.objects.filter(pk=urgent.pk).update(urgency="urgent")
    draft(world)  # never in the queue
    foreign = make_world("Other")
    referral_in(foreign, Status.SUBMITTED)
    response = client.get(reverse("api_referrals"), headers=token(world.clinician))
    assert response.status_code == 200
    body = response.json()
    assert [item["id"] for item in body["results"]] == [urgent.pk, routine.pk]
    item = body["results"][1]
    assert set(item) == {
        "id", "reference", "status", "version", "urgency", "school", "submitted_at", "days_waiting", "clock", "open",
        "claimed_by",
    }  # fmt: skip
    assert item["school"] == {"id": world.school.pk, "name": world.school.name}
    assert (item["status"], item["version"], item["days_waiting"], item["clock"]) == ("submitted", 2, 0, "green")
    assert "Zebedee" not in response.content.decode()
    assert views_audited(routine) == 0


def test_the_queue_filters_like_the_browser_and_refuses_unknown_values(client, world):
    mine = referral_in(world, Status.SUBMITTED)
    act(world, mine, "claim")
    other = referral_in(world, Status.SUBMITTED)
    old = referral_in(world, Status.SUBMITTED)
    Referral.objects.filter(pk=old.pk).update(submitted_at=local_days_ago(30))
    headers = token(world.clinician)

    def ids(**params):
        response = client.get(reverse("api_referrals"), params, headers=headers)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    assert ids(claimed_by="me") == {mine.pk}
    assert ids(claimed_by="nobody") == {other.pk, old.pk}
    assert ids(status="in_triage") == {mine.pk}
    assert ids(clock="breached") == {old.pk}
    assert ids(min_days=29) == {old.pk}
    assert ids(school=world.school.pk) == {mine.pk, other.pk, old.pk}
    first = client.get(reverse("api_referrals"), {"ordering": "-days_waiting"}, headers=headers).json()["results"]
    assert first[0]["id"] == old.pk
    for junk in ({"status": "nonsense"}, {"clock": "purple"}, {"min_days": "x"}, {"school": "99999999"}):
        response = client.get(reverse("api_referrals"), junk, headers=headers)
        assert response.status_code == 400, junk
        assert response.json()["code"] == "invalid"
        assert set(response.json()["errors"]) == set(junk)


def test_the_queue_is_paginated(client, world):
    for _ in range(3):
        referral_in(world, Status.SUBMITTED)
    body = client.get(reverse("api_referrals"), {"page_size": 2}, headers=token(world.clinician)).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    response = client.get(reverse("api_referrals"), {"page": 9}, headers=token(world.clinician))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("count", [5, 25])
def test_the_queue_takes_the_same_number_of_queries_for_5_and_25_referrals(
    client, world, count, django_assert_max_num_queries
):
    referral = draft(world)
    act(world, referral, "submit")
    referral.refresh_from_db()
    for _ in range(count - 1):  # copies of a submitted referral, quicker than the services
        referral.pk, referral.number, referral.idempotency_key = None, referral.number + 1, str(uuid.uuid4())
        referral.claimed_by = world.clinician
        referral.save()
    headers = token(world.clinician)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api_referrals"), headers=headers)
    assert len(response.json()["results"]) == count


def test_only_the_duty_team_reads_the_queue(client, world):
    assert client.get(reverse("api_referrals")).status_code == 401
    sign_in(client, world.referrer)
    response = client.get(reverse("api_referrals"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["message"]


# --- one referral --------------------------------------------------------------------------------
def test_the_detail_shows_everything_with_its_etag_and_is_audited(client, world):
    referral = referral_in(world, Status.ACCEPTED)
    response = detail(client, referral, token(world.clinician))
    assert response.status_code == 200
    assert response["ETag"] == f'"{referral.version}"' == referral.etag
    body = response.json()
    assert body["version"] == referral.version
    assert body["child"]["first_name"] == "Zebedee" and body["child"]["nhs_number"] == "9434765919"
    assert body["situation"]["why_now"].startswith("Attendance")
    assert body["consent"]["consent_by"] == "both"
    assert body["decision"]["thrive"] == "getting_help"
    assert body["decision"]["allocated_service"] == {"id": world.service.pk, "name": world.service.name}
    assert body["decision"]["decided_by"] == {"id": world.clinician.pk, "name": world.clinician.full_name}
    assert body["waits"]["days_waiting"] == 0 and body["waits"]["clock"] == "green"
    assert body["allowed_actions"] == ["first_contact"]
    assert views_audited(referral) == 1
    event = AuditEvent.objects.get(action=AuditAction.VIEW_CHILD_DETAILS, object_id=str(referral.pk))
    assert event.detail == {"reference": referral.reference, "where": "api"}


def test_the_school_sees_its_referral_with_the_duty_team_unnamed(client, world):
    referral = referral_in(world, Status.NOT_ACCEPTED)
    sign_in(client, world.referrer)
    body = client.get(reverse("api_referral_detail", args=[referral.pk])).json()
    assert body["decision"]["decided_by"] == {"id": None, "name": "Duty team"}
    assert body["decision"]["not_accepted_reason"]["code"] == referral.not_accepted_reason.code
    assert body["decision"]["explanation"] == "Outside age."
    history = client.get(reverse("api_referral_history", args=[referral.pk])).json()
    assert [h["by"]["name"] for h in history] == [world.referrer.full_name, "Duty team", "Duty team"]


def test_other_schools_and_spas_and_area_leads_get_404(client, world):
    referral = referral_in(world, Status.SUBMITTED)
    foreign = make_world("Other")
    for user in (world.other_referrer, foreign.clinician, member(world.partnership, Role.AREA_LEAD)):
        client.logout()
        sign_in(client, user)
        for name in ("api_referral_detail", "api_referral_history"):
            response = client.get(reverse(name, args=[referral.pk]))
            assert response.status_code == 404
            assert response.json()["code"] == "not_found"
            assert "Zebedee" not in response.content.decode()
    assert client.get(reverse("api_referral_detail", args=[2**31 + 5])).status_code == 404
    assert views_audited(referral) == 0


def test_the_history_lists_status_changes_with_the_etag(client, world):
    referral = referral_in(world, Status.IN_TRIAGE)
    response = client.get(reverse("api_referral_history", args=[referral.pk]), headers=token(world.clinician))
    assert response.status_code == 200
    assert response["ETag"] == referral.etag
    assert [(h["from_status"], h["to_status"]) for h in response.json()] == [
        ("draft", "submitted"),
        ("submitted", "in_triage"),
    ]
    assert response.json()[1]["by"] == {"id": world.clinician.pk, "name": world.clinician.full_name}
    assert views_audited(referral) == 1


# --- state changes -----------------------------------------------------------------------------
def test_claim_needs_if_match_and_answers_with_the_new_version(client, world):
    referral = referral_in(world, Status.SUBMITTED)
    headers = token(world.clinician)
    missing = post(client, "api_referral_claim", referral.pk, headers)
    assert missing.status_code == 428
    assert missing.json()["code"] == "precondition_required"
    for junk in ('W/"2"', "*", "2", "garbage", '"2", "3"', '"99999999999"', '"-1"'):
        response = post(client, "api_referral_claim", referral.pk, headers, if_match=junk)
        assert response.status_code == 400, junk
        assert response.json()["code"] == "invalid_if_match"
    done = post(client, "api_referral_claim", referral.pk, headers, if_match=referral.etag)
    assert done.status_code == 200
    assert done["ETag"] == '"3"'
    assert done.json()["status"] == "in_triage"
    assert done.json()["claimed_by"]["id"] == world.clinician.pk
    assert StatusChange.objects.filter(referral=referral).count() == 2


def test_a_stale_if_match_gets_412_with_the_current_referral_and_writes_nothing(client, world):
    referral = referral_in(world, Status.SUBMITTED)
    stale = referral.etag
    act(world, referral, "claim", by=world.second_clinician)
    response = post(client, "api_referral_claim", referral.pk, token(world.clinician), if_match=stale)
    assert response.status_code == 412
    assert response["ETag"] == '"3"'
    body = response.json()
    assert body["version"] == 3 and body["status"] == "in_triage"
    assert body["claimed_by"]["id"] == world.second_clinician.pk
    assert body["child"]["first_name"] == "Zebedee"
    assert StatusChange.objects.filter(referral=referral).count() == 2
    assert views_audited(referral) == 1


def test_triage_accept_signpost_and_not_accept(client, world):
    headers = token(world.clinician)
    reason = NotAcceptedReason.objects.filter(spa=world.spa).first()
    bodies = {
        "accepted": {"decision": "accept", "thrive": "getting_help", "service": world.service.pk, "note": "Fits"},
        "signposted": {"decision": "signpost", "services": [world.service.pk], "explanation": "Try the drop-in."},
        "not_accepted": {"decision": "not_accept", "reason": reason.pk, "explanation": "Outside the area."},
    }
    for status, body in bodies.items():
        referral = referral_in(world, Status.IN_TRIAGE)
        response = post(client, "api_referral_triage", referral.pk, headers, body, if_match=referral.etag)
        assert response.status_code == 200, response.content
        assert response.json()["status"] == status
    accepted = Referral.objects.filter(status=Status.ACCEPTED).get()
    assert accepted.thrive == "getting_help" and accepted.allocated_service == world.service
    assert accepted.status_changes.last().note == "Fits"
    assert Referral.objects.get(status=Status.SIGNPOSTED).signposted_services.get() == world.service
    assert Referral.objects.get(status=Status.NOT_ACCEPTED).not_accepted_reason == reason


def test_triage_errors_are_400_keyed_by_field(client, world):
    referral = referral_in(world, Status.IN_TRIAGE)
    headers, tag = token(world.clinician), referral.etag
    cases = [
        ({}, {"decision"}),
        ({"decision": "maybe"}, {"decision"}),
        ({"decision": "accept"}, {"thrive", "service"}),
        ({"decision": "accept", "thrive": "nonsense", "service": world.service.pk}, {"thrive"}),
        ({"decision": "accept", "thrive": "getting_help", "service": 999999}, {"service"}),
        ({"decision": "accept", "thrive": "getting_help", "service": "abc"}, {"service"}),
        ({"decision": "not_accept"}, {"reason", "explanation"}),
        ({"decision": "signpost", "services": ["x"]}, {"services"}),
        ({"decision": "signpost", "explanation": ""}, {"explanation"}),
    ]
    for body, fields in cases:
        response = post(client, "api_referral_triage", referral.pk, headers, body, if_match=tag)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["code"] == "invalid"
        assert set(response.json()["errors"]) == fields, body
    not_json = client.post(
        reverse("api_referral_triage", args=[referral.pk]),
        "{not json",
        content_type="application/json",
        headers={**headers, "If-Match": tag},
    )
    assert not_json.status_code == 400 and not_json.json()["code"] == "parse_error"
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE and referral.version == 3


def test_a_transition_the_status_does_not_allow_is_409(client, world):
    referral = referral_in(world, Status.SUBMITTED)
    response = post(client, "api_referral_close", referral.pk, token(world.clinician), {"outcome": "x"}, referral.etag)
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "submitted" in response.json()["message"]


def test_another_clinician_s_claimed_referral_is_403(client, world):
    referral = referral_in(world, Status.IN_TRIAGE)  # claimed by world.clinician
    body = {"question": "Has the GP been involved?"}
    headers = token(world.second_clinician)
    response = post(client, "api_referral_request_information", referral.pk, headers, body, referral.etag)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    lead = post(client, "api_referral_release", referral.pk, token(world.duty_lead), if_match=referral.etag)
    assert lead.status_code == 200 and lead.json()["status"] == "submitted" and lead.json()["claimed_by"] is None


def test_request_information_first_contact_and_close(client, world):
    headers = token(world.clinician)
    asked = referral_in(world, Status.IN_TRIAGE)
    response = post(client, "api_referral_request_information", asked.pk, headers, {"question": ""}, asked.etag)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"question"}
    response = post(client, "api_referral_request_information", asked.pk, headers, {"question": "GP?"}, asked.etag)
    assert response.status_code == 200
    assert response.json()["information_requests"][0]["question"] == "GP?"

    accepted = referral_in(world, Status.ACCEPTED)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for body in ({}, {"on": "yesterday"}, {"on": tomorrow}):
        response = post(client, "api_referral_first_contact", accepted.pk, headers, body, accepted.etag)
        assert response.status_code == 400 and set(response.json()["errors"]) == {"on"}, body
    today = timezone.localdate().isoformat()
    response = post(client, "api_referral_first_contact", accepted.pk, headers, {"on": today}, accepted.etag)
    assert response.status_code == 200
    assert response.json()["decision"]["first_contact_on"] == today
    assert response.json()["decision"]["first_contact_by"]["id"] == world.clinician.pk
    tag = response["ETag"]
    response = post(client, "api_referral_close", accepted.pk, headers, {"outcome": ""}, tag)
    assert response.status_code == 400 and response.json()["errors"] == {"outcome": ["Enter the outcome"]}
    response = post(client, "api_referral_close", accepted.pk, headers, {"outcome": "Goals met."}, tag)
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_schools_and_the_mhst_get_403_on_the_duty_team_s_actions(client, world):
    referral = referral_in(world, Status.SUBMITTED)
    sign_in(client, world.referrer)
    response = post(client, "api_referral_claim", referral.pk, {})  # no If-Match either: 403 comes first
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    client.logout()
    sign_in(client, world.other_referrer)
    assert post(client, "api_referral_claim", referral.pk, {}).status_code == 404


def test_a_duty_clinician_s_script_with_a_token_from_issue_api_token(client, world):
    """The issue's "done when": list the queue, claim, triage with If-Match, 412 when stale, 428 without."""
    referral = referral_in(world, Status.SUBMITTED)
    out = StringIO()
    call_command("issue_api_token", world.clinician.email, stdout=out, stderr=StringIO())
    headers = {"Authorization": f"Token {out.getvalue().strip()}"}

    queue = client.get(reverse("api_referrals"), {"claimed_by": "nobody"}, headers=headers).json()["results"]
    assert [item["id"] for item in queue] == [referral.pk]
    tag = f'"{queue[0]["version"]}"'
    claimed = post(client, "api_referral_claim", referral.pk, headers, if_match=tag)
    assert claimed.status_code == 200
    decision = {"decision": "accept", "thrive": "getting_help", "service": world.service.pk}
    assert post(client, "api_referral_triage", referral.pk, headers, decision).status_code == 428
    stale = post(client, "api_referral_triage", referral.pk, headers, decision, if_match=tag)
    assert stale.status_code == 412 and stale.json()["status"] == "in_triage"
    triaged = post(client, "api_referral_triage", referral.pk, headers, decision, if_match=stale["ETag"])
    assert triaged.status_code == 200 and triaged.json()["status"] == "accepted"
    assert triaged["ETag"] == '"4"'


# --- a school's new referral -----------------------------------------------------------------
def _json_fields(**overrides) -> dict:
    fields = complete_fields(**overrides)
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in fields.items()}


def create(client, body, key="key-1"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(reverse("api_referrals"), json.dumps(body), content_type="application/json", headers=headers)


def test_a_school_creates_and_submits_a_referral_once_per_idempotency_key(client, world):
    sign_in(client, world.referrer)
    first = create(client, _json_fields())
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "submitted" and body["reference"].startswith("SPA-")
    assert first["ETag"] == '"2"'
    assert first["Location"] == reverse("api_referral_detail", args=[body["id"]])
    again = create(client, _json_fields())
    assert again.status_code == 200
    assert again.json() == body
    assert Referral.objects.filter(created_by=world.referrer).count() == 1
    reused = create(client, _json_fields(child_first_name="Other"))
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert Referral.objects.filter(created_by=world.referrer).count() == 1


def test_creating_needs_an_idempotency_key_of_at_most_100_characters(client, world):
    sign_in(client, world.referrer)
    for key, code in ((None, "idempotency_key_required"), ("  ", "idempotency_key_required")):
        response = create(client, _json_fields(), key=key)
        assert response.status_code == 400 and response.json()["code"] == code
    response = create(client, _json_fields(), key="k" * 101)
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_too_long"
    assert create(client, _json_fields(), key="k" * 100).status_code == 201


def test_an_incomplete_or_invalid_referral_is_400_by_field_and_not_kept(client, world):
    sign_in(client, world.referrer)
    response = create(client, {"child_first_name": "Zebedee"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    errors = response.json()["errors"]
    assert errors["child_last_name"] == ["Enter the child's last name"]
    assert "consent_by" in errors and "child_first_name" not in errors
    assert not Referral.objects.filter(created_by=world.referrer).exists()
    bad = create(client, _json_fields(nhs_number="9434765918", postcode="nowhere", urgency="soon", id=3), key="k2")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"nhs_number", "postcode", "urgency", "id"}
    assert bad.json()["errors"]["nhs_number"] == ["Enter a valid NHS number: this one has a typing error"]
    old = create(client, _json_fields(date_of_birth="1990-01-01"), key="k3")
    assert old.status_code == 400 and set(old.json()["errors"]) == {"date_of_birth"}
    kept = create(client, {"child_first_name": "Zebedee", "submit": False}, key="k4")
    assert kept.status_code == 201 and kept.json()["status"] == "draft"


def test_only_school_staff_create_referrals(client, world):
    assert create(client, _json_fields()).status_code == 401
    response = client.post(
        reverse("api_referrals"),
        json.dumps(_json_fields()),
        content_type="application/json",
        headers={**token(world.clinician), "Idempotency-Key": "x"},
    )
    assert response.status_code == 403
    assert not Referral.objects.filter(idempotency_key="x").exists()


# --- reference lists ---------------------------------------------------------------------------
def test_reference_lists(client, world):
    headers = token(world.clinician)
    thrive = client.get(reverse("api_reference_thrive"), headers=headers).json()
    assert [t["code"] for t in thrive] == [
        "thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support"
    ]  # fmt: skip
    assert thrive[2]["label"] == "Getting Help" and "MHST" in thrive[2]["description"]
    NotAcceptedReason.objects.filter(spa=world.spa, code="already_open").update(is_active=False)
    make_world("Other")
    reasons = client.get(reverse("api_reference_reasons"), headers=headers).json()
    assert [r["code"] for r in reasons] == [
        "below_threshold", "more_appropriate_service", "insufficient_information", "outside_area_or_age"
    ]  # fmt: skip
    services = client.get(reverse("api_reference_services"), headers=headers).json()["results"]
    assert [s["id"] for s in services] == [world.service.pk]
    assert services[0]["provider"]["id"] == world.service.provider_id
    assert services[0]["thrive_groupings"] == world.service.thrive_groupings
    sign_in(client, world.referrer)
    assert client.get(reverse("api_reference_reasons")).status_code == 200
    area_lead = token(member(world.partnership, Role.AREA_LEAD))
    for name in ("api_reference_thrive", "api_reference_reasons", "api_reference_services"):
        response = client.get(reverse(name), headers=area_lead)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"


# --- the schema ------------------------------------------------------------------------------
def test_the_schema_describes_the_referral_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    paths = schema["paths"]
    claim = paths["/api/v1/referrals/{id}/claim/"]["post"]
    assert {p["name"] for p in claim["parameters"] if p["in"] == "header"} == {"If-Match"}
    assert {"200", "400", "403", "404", "409", "412", "428"} <= set(claim["responses"])
    assert "ETag" in claim["responses"]["412"]["headers"]
    create_op = paths["/api/v1/referrals/"]["post"]
    assert {p["name"] for p in create_op["parameters"] if p["in"] == "header"} == {"Idempotency-Key"}
    assert {"200", "201", "400", "422"} <= set(create_op["responses"])
    for path in (
        "/api/v1/referrals/{id}/",
        "/api/v1/referrals/{id}/history/",
        "/api/v1/referrals/{id}/triage/",
        "/api/v1/referrals/{id}/request-information/",
        "/api/v1/referrals/{id}/first-contact/",
        "/api/v1/referrals/{id}/close/",
        "/api/v1/referrals/{id}/release/",
        "/api/v1/reference/thrive-groupings/",
        "/api/v1/reference/not-accepted-reasons/",
        "/api/v1/reference/services/",
    ):
        assert path in paths
    queue_params = {p["name"] for p in paths["/api/v1/referrals/"]["get"]["parameters"]}
    assert {"status", "open", "urgency", "school", "min_days", "max_days", "clock", "claimed_by", "ordering"} <= (
        queue_params
    )
    error = schema["components"]["schemas"]["ReferralApiError"]
    assert set(error["required"]) == {"code", "message"}


# --- arbitrary JSON never makes a 500 --------------------------------------------------------
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=6,
)
KEYS = st.sampled_from([*SCHOOL_FIELDS, "submit", "school", "id", "status"]) | st.text(max_size=12)
BODIES = st.one_of(
    st.dictionaries(KEYS, JSON_VALUES, max_size=8),
    # a complete referral with a few fields replaced by anything
    st.dictionaries(KEYS, JSON_VALUES, max_size=3).map(lambda junk: {**_json_fields(), **junk}),
    JSON_VALUES,
)


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES)
def test_arbitrary_json_to_create_gives_201_or_200_or_400_with_field_errors(client, world, body):
    if not client.session.get("_auth_user_id"):
        sign_in(client, world.referrer)
    response = create(client, body, key=str(uuid.uuid4()))
    assert response.status_code in (200, 201, 400), (body, response.status_code, response.content[:300])
    if response.status_code == 400:
        error = response.json()
        assert error["code"] == "invalid" and error["message"]
        assert error["errors"] and all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in error["errors"].values()
        )


def test_first_contact_names_another_member_of_the_duty_team_and_no_one_else(client, world):
    headers = token(world.clinician)
    accepted = referral_in(world, Status.ACCEPTED)
    today = timezone.localdate().isoformat()
    for outsider in (world.referrer.pk, 2**31 - 1):
        body = {"on": today, "contact_by": outsider}
        response = post(client, "api_referral_first_contact", accepted.pk, headers, body, accepted.etag)
        assert response.status_code == 400 and set(response.json()["errors"]) == {"contact_by"}
    body = {"on": today, "contact_by": world.second_clinician.pk}
    response = post(client, "api_referral_first_contact", accepted.pk, headers, body, accepted.etag)
    assert response.status_code == 200
    assert response.json()["decision"]["first_contact_by"]["id"] == world.second_clinician.pk


def test_the_school_never_sees_the_duty_team_s_working_notes_in_the_history(client, world):
    referral = referral_in(world, Status.IN_TRIAGE)
    act(world, referral, "release", note="Internal: waiting on the GP letter.")
    sign_in(client, world.referrer)
    history = client.get(reverse("api_referral_history", args=[referral.pk])).json()
    assert [h["note"] for h in history if h["by"]["name"] == "Duty team"] == ["", ""]
    client.logout()
    duty = client.get(reverse("api_referral_history", args=[referral.pk]), headers=token(world.clinician)).json()
    assert duty[-1]["note"] == "Internal: waiting on the GP letter."
