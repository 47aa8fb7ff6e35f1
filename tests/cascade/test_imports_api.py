"""POST /api/v1/cascade/imports/: upload table scores as CSV (multipart `file` or a text/csv body)."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openapi_spec_validator import validate

from cascade.models import DomainScore
from cascade.services import imports
from partnership.models import AuditEvent

from ..conftest import sign_in
from .factories_imports import counts, csv_file, table_rows

pytestmark = pytest.mark.django_db
URL = "/api/v1/cascade/imports/"


def upload(client, data: bytes, name="scores.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_the_url_is_named():
    assert reverse("api_cascade_import") == URL


def test_the_area_lead_uploads_a_file_and_gets_the_report(client, cast):
    sign_in(client, cast.lead)
    response = upload(client, csv_file(*table_rows("own", "North", 1, "1", [1, 2, 0, 1, 3, 1, 2])))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["imported"] is True and body["errors"] == [] and body["error_count"] == 0
    assert (body["rows_read"], body["scores_created"], body["tables_created"]) == (7, 7, 1)
    assert body["partnerships"] == ["own"]
    assert "dated today" in body["notices"][0]
    assert DomainScore.objects.filter(updated_by=cast.lead).count() == 7
    assert AuditEvent.objects.get(detail__cascade_import="api").actor == cast.lead


def test_a_text_csv_body_is_accepted(client, cast):
    sign_in(client, cast.lead)
    data = csv_file(*table_rows("own", "North", 1, "1", [1] * 7), bom=True)
    response = client.post(URL, data, content_type="text/csv; charset=utf-8")
    assert response.status_code == 201, response.json()
    assert response.json()["scores_created"] == 7


def test_a_file_with_a_bad_row_is_refused_with_its_line_and_nothing_written(client, cast):
    sign_in(client, cast.lead)
    lines = table_rows("own", "North", 1, "1", [1] * 7)
    lines[3] = "own,North,1,1,common_outcomes,4"
    before = counts()
    response = upload(client, csv_file(*lines))
    assert response.status_code == 400
    body = response.json()
    assert body["imported"] is False
    assert body["errors"] == [{"line": 5, "message": "Score must be 0, 1, 2 or 3, not “4”."}]
    assert counts() == before


def test_a_steering_member_may_not_import(client, cast):
    sign_in(client, cast.reader)
    response = upload(client, csv_file(*table_rows("own", "North", 1, "1", [1] * 7)))
    assert response.status_code == 403
    assert DomainScore.objects.count() == 0


def test_anonymous_uploads_are_refused(client, cast):
    response = upload(client, csv_file(*table_rows("own", "North", 1, "1", [1] * 7)))
    assert response.status_code == 401


def test_another_partnerships_lead_sees_it_reported_as_unknown_like_one_that_does_not_exist(client, cast):
    sign_in(client, cast.outsider)
    response = upload(client, csv_file("own,North,1,1,clarity,1", "nowhere,North,1,1,clarity,1"))
    assert response.status_code == 400
    messages = [error["message"] for error in response.json()["errors"]]
    assert messages == [
        "There is no partnership “own” (use the partnership's slug).",
        "There is no partnership “nowhere” (use the partnership's slug).",
    ]
    assert DomainScore.objects.count() == 0


def test_the_outsider_can_import_for_their_own_partnership(client, cast):
    sign_in(client, cast.outsider)
    response = upload(client, csv_file("other,North,1,1,clarity,1"))
    assert response.status_code == 201
    assert DomainScore.objects.get().table.workshop.partnership == cast.other_partnership


def test_a_post_without_a_file_says_what_to_send(client, cast):
    sign_in(client, cast.lead)
    response = client.post(URL, {"name": "x"})
    assert response.status_code == 400
    assert "form field “file”" in response.json()["errors"][0]["message"]


def test_random_bytes_are_a_400_report(client, cast):
    sign_in(client, cast.lead)
    response = upload(client, bytes(range(256)) * 8)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("The file is not UTF-8 text")


def test_a_file_over_the_limit_is_refused_clearly(client, cast, monkeypatch):
    monkeypatch.setattr("cascade.api.imports.MAX_UPLOAD_BYTES", 1000)
    sign_in(client, cast.lead)
    data = csv_file(*table_rows("own", "North", 1, "1", [1] * 7) * 10)
    assert len(data) > 1000
    response = upload(client, data)
    assert response.status_code == 413
    assert "larger than" in response.json()["errors"][0]["message"]
    body = client.post(URL, data, content_type="text/csv")
    assert body.status_code == 413
    assert DomainScore.objects.count() == 0


def test_a_request_declaring_a_huge_body_is_refused_before_reading_it(client, cast):
    sign_in(client, cast.lead)
    response = client.post(URL, b"x", content_type="text/csv", CONTENT_LENGTH=str(imports.MAX_UPLOAD_BYTES * 4))
    assert response.status_code == 413


def test_other_content_types_are_refused(client, cast):
    sign_in(client, cast.lead)
    response = client.post(URL, {"file": "x"}, content_type="application/json")
    assert response.status_code == 415


def test_the_schema_describes_the_import(client):
    schema = yaml.safe_load(client.get(reverse("api_schema")).content)
    validate(schema)
    operation = schema["paths"][URL]["post"]
    assert operation["operationId"] == "cascade_scores_import"
    assert {"multipart/form-data", "text/csv"} <= set(operation["requestBody"]["content"])
    assert {"201", "400", "413"} <= set(operation["responses"])
    report = schema["components"]["schemas"]["ImportReport"]["properties"]
    assert {"errors", "scores_created", "scores_updated", "scores_unchanged"} <= set(report)
