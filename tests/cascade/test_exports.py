"""Downloads: CSV and XLSX cells match the computed numbers, formulas are neutralised, the
workshop pack is a PDF with the workshop's name, notes and actions, and every download is audited."""

import csv
import io
import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cascade.exports import pdf_text, safe_text
from cascade.services.plans import plan_action
from partnership.models import Membership
from partnership.models.audit import AuditAction, AuditEvent
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import member
from .factories_results import make_workshop, score_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(cast):
    north = make_workshop(cast.partnership, "North", 1, venue="Town Hall")
    south = make_workshop(cast.partnership, "=HYPERLINK(1)", 1)
    score_table(north, "1", [0, 1, 2, 3, 0, 1, 2], notes={"clarity": {"what_works": "Named leads in every school"}})
    score_table(north, "2", [1, 1, 2, 2, 0, 0, 3], notes={"clarity": {"evidence": "Survey \u2013 40 replies"}})
    score_table(south, "1", [2, 0, 1, 3, 1, 1, 2])
    return north


def download(client, user, name, *args, **params):
    sign_in(client, user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response


def test_csv_cells_match_the_computed_numbers(client, cast, scored):
    response = download(client, cast.reader, "cascade_results_csv", cast.partnership.slug, round=1)
    assert response["Content-Disposition"].endswith('-cascade-round-1.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, rows = rows[0], rows[1:]
    assert header[6:8] == ["Mean (unrounded)", "Mean (one decimal)"]
    by_key = {(row[1], row[2], row[3]): row for row in rows}
    # partnership: structures 5/3, total 28/3 High; ability to learn 2 of 3 at Major challenge
    assert by_key[("Partnership", "", "structures")][5:10] == ["3", "1.666667", "1.7", "0.0", "66.7"]
    assert by_key[("Partnership", "", "total")][6:] == ["9.333333", "9.3", "", "", "High"]
    assert by_key[("Partnership", "", "ability_to_learn")][8] == "66.7"
    # a cohort named like a formula is neutralised
    assert ("Cohort", "'=HYPERLINK(1)", "total") in by_key
    assert by_key[("Cohort", "North", "total")][6:8] == ["9.000000", "9.0"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["export"] == "cascade_results_csv" and event.detail["round"] == 1
    assert event.actor == cast.reader


def test_xlsx_cells_match_the_computed_numbers(client, cast, scored):
    response = download(client, cast.lead, "cascade_results_xlsx", cast.partnership.slug, round=1)
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Partnership", "Cohorts"]
    rows = list(workbook["Partnership"].iter_rows(min_row=3, values_only=True))
    by_code = {row[3]: row for row in rows}
    assert Decimal(str(by_code["agreed_contact"][6])) == Decimal("0.666667")
    assert Decimal(str(by_code["agreed_contact"][7])) == Decimal("0.7")
    assert Decimal(str(by_code["total"][6])) == Decimal("9.333333")
    assert by_code["total"][10] == "High"
    cohorts = list(workbook["Cohorts"].iter_rows(min_row=3, values_only=True))
    assert {row[2] for row in cohorts} == {"North", "'=HYPERLINK(1)"}
    assert all(not (isinstance(v, str) and v.startswith("=")) for row in cohorts for v in row)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, detail__export="cascade_results_xlsx").exists()


def pdf_strings(body: bytes) -> str:
    """The text of the PDF's content streams (fpdf2 compresses them)."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", body, re.DOTALL):
        try:
            found.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            found.append(stream.decode("latin-1"))
    return "".join(found)


def test_the_workshop_pack_is_a_pdf_with_results_notes_and_actions(client, cast, scored):
    owner_membership = Membership.objects.get(user=cast.reader, partnership=cast.partnership)
    plan_action(
        workshop=scored,
        by=cast.lead,
        domain="clarity",
        title="Name a CYPMHS link for every school",
        owner=cast.reader,
        owner_organisation=owner_membership.organisation,
        due_date=date(2099, 1, 31),
    )
    response = download(client, cast.reader, "cascade_workshop_pack", cast.partnership.slug, scored.pk)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    content = pdf_strings(response.content)
    assert "North, round 1" in content
    assert "Named leads in every school" in content
    assert "Survey - 40 replies" in content  # the en dash made Latin-1
    assert "Name a CYPMHS link for every school" in content
    assert "Total 9.0 out of 21" in content  # this workshop's own tables only
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {"export": "cascade_workshop_pack", "workshop": scored.pk}


def test_a_commissioner_may_download_but_another_partnership_may_not(client, cast, scored):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    download(client, commissioner, "cascade_results_csv", cast.partnership.slug)
    client.logout()
    sign_in(client, cast.outsider)
    url = reverse("cascade_workshop_pack", args=[cast.partnership.slug, scored.pk])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=cast.outsider).exists()


def test_an_empty_round_still_exports_a_header_and_empty_totals(client, cast):
    response = download(client, cast.lead, "cascade_results_csv", cast.partnership.slug, round=2)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[-1][3] == "total" and rows[-1][6] == ""


def test_text_helpers_neutralise_formulas_and_non_latin_characters():
    assert safe_text("=1+1") == "'=1+1" and safe_text("-3") == "'-3" and safe_text("North") == "North"
    assert pdf_text("\u201cQuote\u201d \u2013 café \u2713") == '"Quote" - café ?'
