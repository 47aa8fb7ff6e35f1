"""The duty lead's streaming CSV export (referrals/api/export.py): its columns, never a child's details,
only the SPAs the caller leads, 401/403, bad dates 400, audited with counts, streamed."""

import csv
import datetime
import io

import pytest
import yaml
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.roles import Role
from referrals.api import export
from referrals.models import NotAcceptedReason, Referral, Status

from ..conftest import sign_in
from ..factories import member, token
from .factories import act, details_for, draft, local_days_ago, make_world, referral_in

pytestmark = pytest.mark.django_db
URL = "api_referrals_export"
#: what must never leave in the export: the child's details and every free-text field
CHILD = ("Zebedee", "Quagmire", "9434765919", "NS1 2AB", "Panic attacks", "Attendance has dropped", "pastoral")


@pytest.fixture
def world():
    return make_world("Area")


def get(client, user, **params):
    return client.get(reverse(URL), params, headers=token(user))


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def table(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response))))


def test_the_columns_and_a_row(client, world):
    referral = draft(world, urgency="urgent")
    for name in ("submit", "claim", "accept", "first_contact"):
        act(world, referral, name, **details_for(world, name))
    referral.refresh_from_db()
    response = get(client, world.duty_lead)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="referrals-')
    header, row = table(response)
    assert header == list(export.COLUMNS)
    today = timezone.localdate().isoformat()
    assert row == [
        referral.reference,
        world.spa.name,
        str(world.school.urn),
        world.school.name,
        "Secondary",
        "First contact made",
        "Urgent",
        today,
        today,
        "Getting Help",
        "",
        today,
        "0",
    ]


def test_no_child_details_and_only_operational_fields(client, world):
    for status in (Status.SUBMITTED, Status.NOT_ACCEPTED, Status.CLOSED, Status.INFO_REQUESTED):
        referral_in(world, status)
    exported = body(get(client, world.duty_lead))
    for value in CHILD:
        assert value not in exported
    # the query reads none of the child's columns and no free text
    sql = str(export.export_rows(Referral.objects.all(), timezone.localdate()).query)
    child = {"child_first_name", "child_last_name", "date_of_birth", "nhs_number", "postcode", "gender", "ethnicity"}
    text = {f.column for f in Referral._meta.fields if f.get_internal_type() == "TextField"}
    assert {"situation", "decision_explanation", "outcome"} <= text
    for column in child | text:
        assert f'"{column}"' not in sql, column
    rows = table(get(client, world.duty_lead))[1:]
    assert sorted(r[5] for r in rows) == ["Closed", "More information requested", "Not accepted", "Submitted"]
    not_accepted = next(r for r in rows if r[5] == "Not accepted")
    assert not_accepted[10] == NotAcceptedReason.objects.filter(spa=world.spa).first().code  # never the explanation
    assert "Outside age." not in exported


def test_only_the_spas_the_caller_leads(client, world):
    referral_in(world, Status.SUBMITTED)
    draft(world)  # a draft is never exported
    other = make_world("Other")
    referral_in(other, Status.SUBMITTED)
    referral_in(other, Status.SUBMITTED)
    mine = table(get(client, world.duty_lead))[1:]
    assert [r[1] for r in mine] == [world.spa.name]
    theirs = table(get(client, other.duty_lead))[1:]
    assert [r[1] for r in theirs] == [other.spa.name, other.spa.name]


def test_a_lead_of_another_organisation_in_the_same_partnership_sees_nothing(client, world):
    referral_in(world, Status.SUBMITTED)
    elsewhere = member(world.partnership, Role.DUTY_LEAD, totp=True)  # a duty lead of some other organisation
    assert table(get(client, elsewhere)) == [list(export.COLUMNS)]


def test_who_may_export(client, world):
    referral_in(world, Status.SUBMITTED)
    response = get(client, world.clinician)  # a duty clinician who does not lead the team
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    sign_in(client, world.referrer)  # school staff have no API tokens: signed in to the site
    assert client.get(reverse(URL)).status_code == 403
    client.logout()
    area_lead = member(world.partnership, Role.AREA_LEAD)
    assert get(client, area_lead).status_code == 403
    anonymous = client.get(reverse(URL))
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"


def test_dates_filter_the_submitted_day(client, world):
    old, new = referral_in(world, Status.SUBMITTED), referral_in(world, Status.SUBMITTED)
    Referral.objects.filter(pk=old.pk).update(submitted_at=local_days_ago(40))
    today = timezone.localdate()
    since = (today - datetime.timedelta(days=1)).isoformat()
    assert [r[0] for r in table(get(client, world.duty_lead, **{"from": since}))[1:]] == [new.reference]
    until = (today - datetime.timedelta(days=30)).isoformat()
    rows = table(get(client, world.duty_lead, to=until))[1:]
    assert [r[0] for r in rows] == [old.reference]
    assert rows[0][12] == "40"  # still waiting: days so far
    both = table(get(client, world.duty_lead, **{"from": "2000-01-01", "to": today.isoformat()}))
    assert len(both) == 3


@pytest.mark.parametrize(
    "params",
    [{"from": "yesterday"}, {"to": "2025-02-30"}, {"from": "2025-1-1"}, {"from": "2025-03-02", "to": "2025-03-01"}],
)
def test_bad_dates_are_400_json(client, world, params):
    response = get(client, world.duty_lead, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid"
    assert set(response.json()["errors"]) <= {"from", "to"}


def test_a_text_csv_accept_header_still_gets_the_export_and_json_errors(client, world):
    headers = {**token(world.duty_lead), "Accept": "text/csv"}
    assert client.get(reverse(URL), headers=headers).status_code == 200
    bad = client.get(reverse(URL), {"from": "x"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"


def test_the_export_is_audited_with_counts_not_rows(client, world):
    referral_in(world, Status.SUBMITTED)
    referral_in(world, Status.SIGNPOSTED)
    body(get(client, world.duty_lead, **{"from": "2020-01-01"}))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.duty_lead and event.partnership_id == world.partnership.pk
    assert event.detail == {"export": "referrals_csv", "from": "2020-01-01", "to": None, "rows": 2}


def test_an_empty_export_is_audited_too(client, world):
    assert table(get(client, world.duty_lead)) == [list(export.COLUMNS)]
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["rows"] == 0


def test_it_streams_in_chunks(client, world, monkeypatch):
    monkeypatch.setattr(export, "CHUNK", 2)
    for _ in range(5):
        referral_in(world, Status.SUBMITTED)
    response = get(client, world.duty_lead)
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 3  # header and 2 rows, 2 rows, 1 row
    rows = list(csv.reader(io.StringIO(b"".join(chunks).decode())))
    assert len(rows) == 6


def test_csv_injection_is_neutralised(client, world):
    world.school.name = '=HYPERLINK("http://evil.example")'
    world.school.save()
    world.spa.name = "+SPA"
    world.spa.save()
    referral_in(world, Status.SUBMITTED)
    row = table(get(client, world.duty_lead))[1]
    assert row[3].startswith("'=") and row[1] == "'+SPA"
    for name in ("-2+3", "@SUM(A1)", "\tTab", "Plain - name"):
        world.school.name = name
        world.school.save()
        row = table(get(client, world.duty_lead))[1]
        assert row[3] == (name if name == "Plain - name" else "'" + name)


def test_the_export_is_in_the_openapi_schema(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    operation = schema["paths"]["/api/v1/referrals/export/"]["get"]
    assert operation["operationId"] == "referrals_export"
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to"}
    assert {"400", "401", "403"} <= set(operation["responses"])
