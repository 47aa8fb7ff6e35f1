"""A panel as CSV and XLSX: the same disclosed figures as the page, what they are of, the
footnote; the export permission; an audit event per download; formulas neutralised."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partnership import disclosure
from partnership.figures import Chart, ChartKind, Count, Number, Percent, Row, Table, Text
from partnership.models.audit import AuditAction, AuditEvent
from partnership.roles import Permission

from ..conftest import sign_in
from ..factories import MembershipFactory, OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory
from .conftest import FakeCompute

pytestmark = pytest.mark.django_db
PERIOD = {"from": "2025-04", "to": "2026-03"}


def download(client, user, name, *args, **params):
    sign_in(client, user)
    return client.get(reverse(name, args=list(args)), params)


def csv_lines(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def workbook(response):
    return load_workbook(io.BytesIO(response.content))


def values(sheet) -> list[list]:
    """Each row's values, without the empty cells a wider row leaves at its end."""
    rows = []
    for row in sheet.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    return rows


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_holds_every_table_disclosed_with_its_context_and_footnote(client, people, panels):
    panels()
    response = download(client, people.lead, "dashboard_panel_export", "own", "flow", "csv", **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="own-flow-2025-04-to-2026-03.csv"'
    lines = csv_lines(response)
    assert lines[0] == ["Referral flow"]
    assert ["Scope", "Ashby CYP Mental Health Partnership"] in lines
    assert ["Period", "April 2025 to March 2026"] in lines
    assert ["School phase", "All phases"] in lines and ["School", "All schools"] in lines
    assert ["Refreshed", "Figures last refreshed at 14 March 2026, 09:30"] in lines
    assert ["Referrals by month"] in lines and ["Outcomes and waits"] in lines
    assert ["Month", "Referrals"] in lines
    assert ["Month 1", "*"] in lines and ["Month 2", "10"] in lines and ["Total", "15"] in lines
    assert ["Measure", "Value", "RAG"] in lines  # the column mixes % and days: written with units
    assert ["Accepted", "33.3%", "Green"] in lines and ["Signposted", "*", "Amber"] in lines
    assert ["Median days to first contact", "13 days", "Red"] in lines
    assert ["Note", "A note."] in lines
    assert ["Disclosure control", disclosure.FOOTNOTE] in lines
    assert not any("12" == cell or "3" == cell for line in lines for cell in line)


def test_csv_at_national_level_shows_the_numbers_as_they_are(client, people, panels):
    panels()
    response = download(client, people.national, "dashboard_area_export", "national", "flow", "csv")
    assert response.status_code == 200
    lines = csv_lines(response)
    assert ["Month 1", "3"] in lines and ["Month 2", "12"] in lines and ["Total", "15"] in lines
    assert ["Scope", "England (all partnerships)"] in lines
    assert response["Content-Disposition"].startswith('attachment; filename="england-flow-')


def test_a_column_of_one_unit_names_it_and_keeps_numbers(client, people, panels):
    shares = Table(
        "shares",
        "Shares",
        ("School", "Accepted", "Schools"),
        (Row("Ash", (Percent(20, 40), Number(3))), Row("Elm", (Percent(10, 40), Number(-2)))),
    )
    panels(compute=FakeCompute(extra_tables=(shares,)))
    response = download(client, people.lead, "dashboard_panel_export", "own", "flow", "xlsx")
    sheet = workbook(response)["Shares"]
    grid = values(sheet)
    assert ["School", "Accepted (%)", "Schools"] in grid
    assert ["Ash", Decimal("50.0"), 3] in grid
    assert ["Elm", 25, -2] in grid  # a negative number stays a number, not an escaped text


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_has_an_about_sheet_and_one_sheet_per_table(client, people, panels):
    panels()
    response = download(client, people.commissioner, "dashboard_area_export", "commissioned", "flow", "xlsx", **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="commissioned-flow-2025-04-to-2026-03.xlsx"'
    book = workbook(response)
    assert book.sheetnames == ["About", "Referrals by month", "Outcomes and waits"]
    about = values(book["About"])
    assert about[0][0] == "Referral flow"
    assert ["Scope", "Your 2 partnerships together"] in about
    assert ["Period", "April 2025 to March 2026"] in about
    assert ["Disclosure control", disclosure.FOOTNOTE] in about
    months = values(book["Referrals by month"])
    assert months[0][0] == "Referrals by month"
    assert ["Month 1", "*"] in months and ["Month 2", 10] in months and ["Total", 15] in months
    assert [disclosure.FOOTNOTE] in months
    outcomes = values(book["Outcomes and waits"])
    assert ["Signposted", "*", "Amber"] in outcomes


def test_xlsx_at_national_level_shows_the_numbers_as_they_are(client, people, panels):
    panels()
    response = download(client, people.national, "dashboard_area_export", "national", "flow", "xlsx")
    months = values(workbook(response)["Referrals by month"])
    assert ["Month 1", 3] in months and ["Month 2", 12] in months


def test_sheet_names_are_valid_and_unique(client, people, panels):
    same = tuple(
        Table(f"t{n}", "Referrals: by [month] / phase? a very long title indeed", ("A", "B"), (Row("x", (Count(0),)),))
        for n in range(3)
    )
    panels(compute=FakeCompute(extra_tables=same))
    names = workbook(download(client, people.lead, "dashboard_panel_export", "own", "flow", "xlsx")).sheetnames
    assert len(names) == len(set(names)) == 6
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)


# --- formulas ------------------------------------------------------------------------------------


def test_text_that_a_spreadsheet_would_run_is_neutralised(client, people, panels):
    evil = Table(
        "evil",
        "=Evil table",
        ("@Label", "Value"),
        (Row('=HYPERLINK("http://x")', (Text("+1+1"),)), Row("-2", (Text("@SUM(A1)"),))),
        description="=cmd|' /C calc'!A0",
        chart=Chart(ChartKind.HBAR, (1,)),
    )
    panels(compute=FakeCompute(extra_tables=(evil,)))
    lines = csv_lines(download(client, people.lead, "dashboard_panel_export", "own", "flow", "csv"))
    assert ["'=Evil table"] in lines and ["'=cmd|' /C calc'!A0"] in lines
    assert ["'@Label", "Value"] in lines
    assert ['\'=HYPERLINK("http://x")', "'+1+1"] in lines and ["'-2", "'@SUM(A1)"] in lines
    client.logout()
    book = workbook(download(client, people.lead, "dashboard_panel_export", "own", "flow", "xlsx"))
    sheet = book[book.sheetnames[-1]]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells)
    assert all(not str(cell.value).startswith(("=", "+", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://x")' in [cell.value for cell in cells]


# --- access, filters, audit ----------------------------------------------------------------------


def test_every_download_is_audited(client, people, panels):
    panels()
    school = OrganisationFactory(name="Ash Primary")
    PartnershipOrganisationFactory(partnership=people.partnership, organisation=school)
    params = {**PERIOD, "phase": "Primary", "school": school.pk}
    assert download(client, people.lead, "dashboard_panel_export", "own", "flow", "xlsx", **params).status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == people.lead
    assert event.partnership_id == people.partnership.pk
    assert (event.object_type, event.object_id) == ("dashboard_panel", "flow")
    assert event.detail == {
        "export": "dashboard_panel",
        "panel": "flow",
        "format": "xlsx",
        "level": "partnership",
        "partnerships": [people.partnership.pk],
        "from": "2025-04-01",
        "to": "2026-03-31",
        "phase": "Primary",
        "school": school.pk,
    }
    again = client.get(reverse("dashboard_panel_export", args=["own", "flow", "xlsx"]), params)
    lines = values(workbook(again)["About"])
    assert ["School", "Ash Primary"] in lines and ["School phase", "Primary"] in lines


def test_area_download_is_audited_with_every_partnership(client, people, panels):
    panels()
    download(client, people.commissioner, "dashboard_area_export", "commissioned", "flow", "csv")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.partnership_id is None
    assert event.detail["level"] == "commissioner"
    assert sorted(event.detail["partnerships"]) == sorted([people.partnership.pk, people.other.pk])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_download_access(client, people, panels, fmt):
    panels()
    url = reverse("dashboard_panel_export", args=["own", "flow", fmt])
    cases = [
        (people.lead, 200),
        (people.commissioner, 200),
        (people.duty_lead, 403),  # reads dashboards, may not export
        (people.reader, 403),  # reads no dashboard
        (people.outsider, 404),  # another partnership
        (people.national, 404),  # no partnership page for a national reader
    ]
    for user, expected in cases:
        client.logout()
        sign_in(client, user)
        assert client.get(url).status_code == expected, user.email
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def test_area_download_access(client, people, panels):
    panels()
    commissioned = reverse("dashboard_area_export", args=["commissioned", "flow", "csv"])
    national = reverse("dashboard_area_export", args=["national", "flow", "csv"])
    sign_in(client, people.lead)
    assert client.get(commissioned).status_code == 200
    assert client.get(national).status_code == 404
    client.logout()
    sign_in(client, people.reader)
    assert client.get(commissioned).status_code == 403
    client.logout()
    sign_in(client, people.duty_lead)
    assert client.get(commissioned).status_code == 403
    client.logout()
    sign_in(client, people.national)
    assert client.get(national).status_code == 200
    assert client.get(commissioned).status_code == 403


def test_commissioned_download_needs_the_export_permission_in_every_partnership(client, people, panels):
    panels()
    mixed = people.duty_lead
    MembershipFactory(user=mixed, partnership=PartnershipFactory(), commissioner=True)
    sign_in(client, mixed)
    assert client.get(reverse("dashboard_area_export", args=["commissioned", "flow", "csv"])).status_code == 403


def test_unknown_or_forbidden_panel_is_a_404(client, people, panels):
    panels()
    panels("cascade", "CASCADE", permission=Permission.VIEW_CASCADE_RESULTS)
    panels("duty", "Duty", permission=Permission.LEAD_DUTY_TEAM)
    sign_in(client, people.lead)
    assert client.get(reverse("dashboard_panel_export", args=["own", "nothing", "csv"])).status_code == 404
    assert client.get(reverse("dashboard_panel_export", args=["own", "duty", "csv"])).status_code == 404
    assert client.get(reverse("dashboard_panel_export", args=["own", "cascade", "csv"])).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


@pytest.mark.parametrize(
    "params",
    [
        {"from": "nonsense"},
        {"from": "2026-05", "to": "2026-01"},
        {"phase": "x"},
        {"school": "99999999"},
        {"to": "\x00"},
    ],
)
def test_bad_filters_are_a_400_with_a_message(client, people, panels, params):
    compute = panels()
    response = download(client, people.lead, "dashboard_panel_export", "own", "flow", "csv", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("The filters are not valid: ")
    assert compute.calls == []
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
