"""The CASCADE workshops and table scores API: reads for VIEW_CASCADE_RESULTS, score writes for
RUN_CASCADE_WORKSHOPS through record_score, 404 for another partnership's rows."""

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken
from openapi_spec_validator import validate

from cascade.models import DomainScore, Workshop
from cascade.services.scoring import NOTE_MAX_LENGTH, SCORE_MESSAGE, record_score
from cascade.services.workshops import close_workshop, reopen_workshop
from partnership.models import AuditEvent, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..cascade.factories import DOMAIN_CODES as CODES
from ..cascade.factories_scoring import make_table, make_workshop
from ..conftest import sign_in
from ..factories import MembershipFactory, member

pytestmark = pytest.mark.django_db


def token_for(user) -> dict:
    _, token = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {token}"}


def put(client, table, domain, body, headers=None):
    url = reverse("api_cascade_table_domain_score", args=[table.pk, domain])
    return client.put(url, body, content_type="application/json", headers=headers or {})


def score_events():
    return AuditEvent.objects.filter(object_type="cascade.domainscore")


@pytest.fixture
def table(cast):
    return make_table(cast.partnership, label="Blue")


# --- workshops ---------------------------------------------------------------------------------
def test_workshops_list_only_the_callers_partnerships_and_filter(client, cast):
    north1 = make_workshop(cast.partnership, cohort="North", round=1)
    north2 = make_workshop(cast.partnership, cohort="North", round=2, closed=True)
    south1 = make_workshop(cast.partnership, cohort="South", round=1)
    theirs = make_workshop(cast.other_partnership, cohort="North", round=1)
    make_table(workshop=north1, label="1")
    make_table(workshop=north1, label="2")
    lead = token_for(cast.lead)

    def ids(**params):
        response = client.get(reverse("api_cascade_workshops"), params, headers=lead)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["results"]}

    assert ids() == {north1.pk, north2.pk, south1.pk}
    assert ids(round=2) == {north2.pk}
    assert ids(status="closed") == {north2.pk}
    assert ids(cohort="north") == {north1.pk, north2.pk}
    assert ids(partnership="own") == {north1.pk, north2.pk, south1.pk}
    assert ids(partnership="other") == set()
    outsider = client.get(reverse("api_cascade_workshops"), headers=token_for(cast.outsider)).json()
    assert [item["id"] for item in outsider["results"]] == [theirs.pk]
    assert client.get(reverse("api_cascade_workshops"), {"round": "9"}, headers=lead).status_code == 400

    first = next(
        item
        for item in client.get(reverse("api_cascade_workshops"), headers=lead).json()["results"]
        if item["id"] == north1.pk
    )
    assert first == {
        "id": north1.pk,
        "partnership": "own",
        "cohort": "North",
        "round": 1,
        "held_on": "2026-03-10",
        "venue": "Town hall",
        "status": "open",
        "closed_at": None,
        "framework": f"{north1.framework.code} {north1.framework.version}",
        "tables": [
            {"id": table.pk, "label": table.label, "organisations": [], "scored_domains": 0}
            for table in north1.tables.order_by("label")
        ],
    }


def test_a_workshop_comes_with_its_tables_and_another_partnerships_is_404(client, cast, table):
    organisation = PartnershipOrganisation.objects.filter(partnership=cast.partnership).first().organisation
    table.organisations.add(organisation)
    record_score(table=table, by=cast.lead, domain="clarity", score=2)
    url = reverse("api_cascade_workshop_detail", args=[table.workshop_id])
    body = client.get(url, headers=token_for(cast.lead)).json()
    assert body["tables"] == [
        {"id": table.pk, "label": "Blue", "organisations": [organisation.name], "scored_domains": 1}
    ]
    assert client.get(url, headers=token_for(cast.outsider)).status_code == 404
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    assert client.get(url, headers=token_for(commissioner)).status_code == 200


# --- reading a table's scores -------------------------------------------------------------------
def test_a_tables_scores_with_domain_codes_and_notes(client, cast, table):
    record_score(table=table, by=cast.lead, domain="structures", score=3, evidence="Termly review")
    record_score(table=table, by=cast.lead, domain="clarity", score=1, what_works="Named contacts")
    url = reverse("api_cascade_table_scores", args=[table.pk])
    response = client.get(url, headers=token_for(cast.lead))
    assert response.status_code == 200
    rows = response.json()
    assert [(r["domain"], r["score"], r["level"]) for r in rows] == [
        ("clarity", 1, "Good elements of practice"),
        ("structures", 3, "Gold standard"),
    ]
    assert rows[0]["what_works"] == "Named contacts" and rows[0]["what_gets_in_the_way"] == ""
    assert rows[1]["evidence"] == "Termly review" and rows[1]["domain_title"]
    assert client.get(url, headers=token_for(cast.outsider)).status_code == 404
    # a steering member reads them through their session
    sign_in(client, cast.reader)
    assert len(client.get(url).json()) == 2


# --- writing a score ----------------------------------------------------------------------------
def test_put_saves_a_score_through_record_score_and_a_replay_changes_nothing(client, cast, table):
    lead = token_for(cast.lead)
    body = {"score": 2, "what_works": "Shared map", "evidence": "Minutes"}
    response = put(client, table, "clarity", body, lead)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["changed"] is True
    assert (data["domain"], data["score"], data["level"], data["what_works"]) == (
        "clarity",
        2,
        "Widespread good practice",
        "Shared map",
    )
    saved = DomainScore.objects.get(table=table)
    assert (saved.score, saved.evidence, saved.updated_by) == (2, "Minutes", cast.lead)
    assert score_events().filter(action=AuditAction.CREATE).count() == 1

    # The offline queue resends: same values, nothing written, no second audit event.
    again = put(client, table, "clarity", body, lead)
    assert again.status_code == 200 and again.json()["changed"] is False
    assert score_events().count() == 1

    # Notes left out keep their text; an empty string clears one.
    changed = put(client, table, "clarity", {"score": 3, "evidence": ""}, lead).json()
    assert changed["changed"] is True and changed["what_works"] == "Shared map" and changed["evidence"] == ""
    update = score_events().get(action=AuditAction.UPDATE)
    assert update.detail["score"] == [2, 3] and update.detail["notes_changed"] == ["evidence"]


def test_the_page_saves_through_the_session_with_the_csrf_token(client, cast, table):
    sign_in(client, cast.lead)
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = client.cookies
    page = browser.get(reverse("cascade_table_score", args=["own", table.pk])).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert put(browser, table, "agreed_contact", {"score": 1}).status_code == 403  # no token: refused
    response = put(browser, table, "agreed_contact", {"score": 1}, {"X-CSRFToken": token})
    assert response.status_code == 200
    assert DomainScore.objects.get(table=table).score == 1


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"score": 4}, "score", SCORE_MESSAGE),
        ({"score": -1}, "score", SCORE_MESSAGE),
        ({"score": "two"}, "score", SCORE_MESSAGE),
        ({"score": 1.5}, "score", SCORE_MESSAGE),
        ({"score": True}, "score", SCORE_MESSAGE),
        ({"score": None}, "score", SCORE_MESSAGE),
        ({}, "score", SCORE_MESSAGE),
        ({"score": 1, "evidence": "x" * (NOTE_MAX_LENGTH + 1)}, "evidence", "characters or fewer"),
        ({"score": 1, "what_works": ["a list"]}, "what_works", "Not a valid string"),
    ],
)
def test_bad_bodies_are_400_keyed_by_field(client, cast, table, body, field, message):
    response = put(client, table, "clarity", body, token_for(cast.lead))
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not DomainScore.objects.exists() and not score_events().exists()


def test_an_unknown_domain_is_400_keyed_domain(client, cast, table):
    response = put(client, table, "kindness", {"score": 1}, token_for(cast.lead))
    assert response.status_code == 400
    message = response.json()["domain"][0]
    assert "There is no domain “kindness”" in message and ", ".join(CODES) in message
    assert not DomainScore.objects.exists()


def test_a_closed_workshop_is_409_with_a_clear_message(client, cast, table):
    record_score(table=table, by=cast.lead, domain="clarity", score=1)
    close_workshop(workshop=table.workshop, by=cast.lead)
    response = put(client, table, "clarity", {"score": 3}, token_for(cast.lead))
    assert response.status_code == 409
    assert response.json() == {
        "workshop": ["This workshop is closed, so its scores can't be changed. Ask the area lead to reopen it."]
    }
    assert DomainScore.objects.get(table=table).score == 1


def test_a_correction_after_reopening_is_audited(client, cast, table):
    record_score(table=table, by=cast.lead, domain="clarity", score=1)
    close_workshop(workshop=table.workshop, by=cast.lead)
    reopen_workshop(workshop=table.workshop, by=cast.lead, reason="Table Blue's score was entered wrongly")
    facilitator = member(cast.partnership, Role.FACILITATOR)
    sign_in(client, facilitator)
    page = client.get(reverse("cascade_table_score", args=["own", table.pk])).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = put(client, table, "clarity", {"score": 2}, {"X-CSRFToken": token})
    assert response.status_code == 200 and response.json()["changed"] is True
    correction = score_events().get(action=AuditAction.UPDATE)
    assert correction.actor == facilitator
    assert correction.detail["score"] == [1, 2] and correction.detail["after_reopening"] is True
    assert table.workshop.status == Workshop.Status.OPEN


def test_another_partnerships_table_is_404(client, cast):
    theirs = make_table(cast.other_partnership)
    lead = token_for(cast.lead)
    assert put(client, theirs, "clarity", {"score": 1}, lead).status_code == 404
    assert client.get(reverse("api_cascade_table_scores", args=[theirs.pk]), headers=lead).status_code == 404
    assert not DomainScore.objects.exists()


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.STEERING_MEMBER])
def test_commissioners_and_steering_members_cannot_write(client, cast, table, role):
    user = member(cast.partnership, role)
    sign_in(client, user)
    page = client.get(reverse("cascade_table_score", args=["own", table.pk]))
    assert page.status_code == 200
    response = put(client, table, "clarity", {"score": 1})
    assert response.status_code == 403
    assert not DomainScore.objects.exists()


def test_a_reader_here_who_scores_elsewhere_still_gets_403(client, cast, table):
    """Holding RUN_CASCADE_WORKSHOPS in another partnership does not let you score this one."""
    user = member(cast.partnership, Role.STEERING_MEMBER)
    MembershipFactory(user=user, partnership=cast.other_partnership, roles=[Role.FACILITATOR.value])
    sign_in(client, user)
    assert put(client, table, "clarity", {"score": 1}).status_code == 403
    assert not DomainScore.objects.exists()


def test_anonymous_callers_get_401(client, table):
    assert put(client, table, "clarity", {"score": 1}).status_code == 401
    assert client.get(reverse("api_cascade_table_scores", args=[table.pk])).status_code == 401
    assert client.get(reverse("api_cascade_workshops")).status_code == 401


def test_the_schema_describes_the_cascade_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/cascade/workshops/",
        "/api/v1/cascade/workshops/{id}/",
        "/api/v1/cascade/tables/{id}/scores/",
    ):
        assert paths[path]["get"]["description"], path
    put_op = paths["/api/v1/cascade/tables/{id}/scores/{domain_code}/"]["put"]
    assert put_op["operationId"] == "cascade_table_score_update"
    assert {"200", "400", "403", "404", "409"} <= set(put_op["responses"])
    body = schema["components"]["schemas"]["ScoreWriteRequest"]
    assert body["required"] == ["score"]
    assert (body["properties"]["score"]["minimum"], body["properties"]["score"]["maximum"]) == (0, 3)
    params = {p["name"] for p in paths["/api/v1/cascade/workshops/"]["get"]["parameters"]}
    assert {"partnership", "cohort", "round", "status", "page"} <= params


def test_a_facilitator_of_another_partnership_gets_404_on_every_page_and_endpoint_of_this_table(client, cast, table):
    outsider = member(cast.other_partnership, Role.FACILITATOR)
    slug, workshop = cast.partnership.slug, table.workshop
    # with an API token (facilitators may use the API)
    token = token_for(outsider)
    assert put(client, table, "clarity", {"score": 1}, token).status_code == 404
    assert client.get(reverse("api_cascade_table_scores", args=[table.pk]), headers=token).status_code == 404
    assert client.get(reverse("api_cascade_workshop_detail", args=[workshop.pk]), headers=token).status_code == 404
    listed = client.get(reverse("api_cascade_workshops"), headers=token).json()
    assert workshop.pk not in [w["id"] for w in listed["results"]]
    # and signed in to the pages
    sign_in(client, outsider)
    for name, args in [
        ("cascade_home", [slug]),
        ("cascade_workshop_detail", [slug, workshop.pk]),
        ("cascade_table_score", [slug, table.pk]),
        ("cascade_results", [slug]),
        ("cascade_workshop_pack", [slug, workshop.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.post(reverse("cascade_table_score", args=[slug, table.pk]), {"clarity": "1"}).status_code == 404
    assert not DomainScore.objects.exists()
