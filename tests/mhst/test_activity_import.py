"""Importing activity from CSV: all or nothing, every problem reported with its row and column,
one batch and one audit event for a good file, clear messages (never a 500) for bad files, and a
file with a column for a child's details refused."""

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mhst.models import Activity, ActivityType
from mhst.services import activity_import
from mhst.services.activity_import import import_activity
from partnership.models import AuditEvent
from partnership.models.audit import AuditAction

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipOrganisationFactory
from .factories import make_world, today

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = "date,school_urn,practitioner,function,type,duration_minutes,children_reached,adults_reached"


@pytest.fixture
def world():
    return make_world()


def sample(world, name: str) -> bytes:
    """A fixture file with this world's URNs, names and dates filled in."""
    text = (FIXTURES / name).read_text()
    values = {
        "d1": (today() - datetime.timedelta(days=10)).isoformat(),
        "d2_uk": (today() - datetime.timedelta(days=20)).strftime("%d/%m/%Y"),
        "future": (today() + datetime.timedelta(days=3)).isoformat(),
        "urn": str(world.school.urn),
        "other_urn": str(world.other_school.urn),
        "school_name": world.school.name,
        "email": world.practitioner_user.email,
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text.encode()


def rows(*lines: str) -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode()


def good_row(world, **overrides) -> str:
    values = {
        "date": (today() - datetime.timedelta(days=1)).isoformat(),
        "school_urn": str(world.school.urn),
        "practitioner": "Sam Senior",
        "function": "1",
        "type": "group",
        "duration_minutes": "60",
        "children_reached": "6",
        "adults_reached": "0",
    }
    values.update(overrides)
    return ",".join(values[c] for c in activity_import.COLUMNS)


def file_message(result) -> str:
    assert not result.imported
    assert [e.row for e in result.errors] == [None]
    return result.errors[0].message


# --- a good file ------------------------------------------------------------------------------------


def test_a_good_file_saves_every_row_in_one_batch_with_one_audit_event(world):
    result = import_activity(world.team, world.manager, sample(world, "activity_good.csv"))
    assert result.imported, result.errors
    assert (result.rows_read, result.created) == (3, 3)
    saved = list(Activity.objects.filter(team=world.team).order_by("pk"))
    assert len(saved) == 3
    assert {a.import_batch for a in saved} == {result.batch}
    assert {a.recorded_by for a in saved} == {world.manager}
    first, second, third = saved
    assert (first.school, first.practitioner.name, first.function, first.type) == (
        world.school,
        "Sam Senior",
        1,
        ActivityType.GROUP,
    )
    # the label, the practitioner's email, the school's exact name and DD/MM/YYYY all work
    assert (second.type, second.practitioner, second.school) == (
        ActivityType.STAFF_TRAINING,
        world.practitioner,
        world.school,
    )
    assert second.date == today() - datetime.timedelta(days=20)
    # blank counts are 0, allowed for liaison; names match whatever their case
    assert (third.children_reached, third.adults_reached, third.practitioner.name) == (0, 0, "Tia Trainee")
    events = AuditEvent.objects.filter(object_type="mhst.activity")
    assert events.count() == 1
    event = events.get()
    assert event.action == AuditAction.CREATE
    assert event.object_id == result.batch
    assert event.detail == {"import_batch": result.batch, "team": world.team.pk, "count": 3}
    assert event.partnership_id == world.partnership.pk


@pytest.mark.parametrize(
    ("written", "expected_days_ago"),
    [("{iso}", 5), ("{uk}", 5)],
)
def test_both_date_formats_are_read(world, written, expected_days_ago):
    day = today() - datetime.timedelta(days=expected_days_ago)
    value = written.format(iso=day.isoformat(), uk=day.strftime("%d/%m/%Y"))
    result = import_activity(world.team, world.manager, rows(good_row(world, date=value)))
    assert result.imported, result.errors
    assert Activity.objects.get().date == day


@pytest.mark.parametrize("value", ["2026/03/01", "1 March 2026", "03-01-2026", "32/01/2026"])
def test_other_date_formats_are_refused(world, value):
    result = import_activity(world.team, world.manager, rows(good_row(world, date=value)))
    assert [(e.row, e.column) for e in result.errors] == [(2, "date")]
    assert "YYYY-MM-DD or DD/MM/YYYY" in result.errors[0].message


def test_a_file_saved_by_excel_with_a_bom_crlf_and_trailing_blank_lines_is_read(world):
    data = "\ufeff" + HEADER + "\r\n" + good_row(world) + "\r\n,,,,,,,\r\n\r\n"
    result = import_activity(world.team, world.manager, data.encode())
    assert result.imported, result.errors
    assert result.created == 1


def test_columns_can_come_in_any_order_with_friendly_headers(world):
    data = (
        "Practitioner,Type,Date,School,Function,Duration minutes,Children reached,Adults reached\n"
        f'Sam Senior,assembly,{today().isoformat()},{world.school.name},2,30,"1,200",40\n'
    )
    result = import_activity(world.team, world.manager, data.encode())
    assert result.imported, result.errors
    assert Activity.objects.get().children_reached == 1200


# --- bad rows: every problem, nothing saved ---------------------------------------------------------


def test_every_bad_row_is_reported_with_its_row_and_column_and_nothing_is_saved(world):
    result = import_activity(world.team, world.manager, sample(world, "activity_bad_rows.csv"))
    assert not result.imported
    assert result.rows_read == 8
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "date"),
        (4, "date"),
        (5, "school_urn"),
        (6, "practitioner"),
        (6, "function"),
        (6, "type"),
        (6, "duration_minutes"),
        (7, "children_reached"),
        (8, "duration_minutes"),
        (8, "children_reached"),
        (8, "adults_reached"),
        (9, ""),
    ]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "today or in the past" in messages[(4, "date")]
    assert "999999" in messages[(5, "school_urn")]
    assert "Nobody Known" in messages[(6, "practitioner")]
    assert "between 1 and 600" in messages[(6, "duration_minutes")]
    assert "at least one" in messages[(7, "children_reached")]
    assert "0 to 5,000" in messages[(8, "adults_reached")]
    assert "8 values" not in messages[(9, "")] and "4 values" in messages[(9, "")]
    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(object_type="mhst.activity").exists()


def test_a_practitioner_not_in_post_on_the_date_is_reported(world):
    world.practitioner.started_on = today() - datetime.timedelta(days=30)
    world.practitioner.save()
    early = (today() - datetime.timedelta(days=40)).isoformat()
    result = import_activity(
        world.team, world.manager, rows(good_row(world, practitioner=world.practitioner_user.email, date=early))
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "practitioner")]
    assert "not in post" in result.errors[0].message


def test_a_school_outside_the_partnership_or_an_ambiguous_name_is_reported(world):
    outsider = OrganisationFactory()
    twin_a, twin_b = OrganisationFactory(name="St Mary's"), OrganisationFactory(name="St Mary's")
    for twin in (twin_a, twin_b):
        PartnershipOrganisationFactory(partnership=world.partnership, organisation=twin)
    result = import_activity(
        world.team,
        world.manager,
        rows(good_row(world, school_urn=str(outsider.urn)), good_row(world, school_urn="St Mary's")),
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "school_urn"), (3, "school_urn")]
    assert "use the URN" in result.errors[1].message
    # by URN, either twin is fine
    assert import_activity(world.team, world.manager, rows(good_row(world, school_urn=str(twin_b.urn)))).imported


def test_a_practitioner_of_another_team_is_reported(world):
    from .factories import add_practitioner

    add_practitioner(world.other_team, name="Olu Other")
    result = import_activity(world.team, world.manager, rows(good_row(world, practitioner="Olu Other")))
    assert [(e.row, e.column) for e in result.errors] == [(2, "practitioner")]


# --- bad files: a clear message, never a 500 ---------------------------------------------------------


def test_missing_columns_are_named(world):
    message = file_message(import_activity(world.team, world.manager, sample(world, "activity_missing_columns.csv")))
    assert "duration_minutes, children_reached, adults_reached" in message


def test_an_unknown_column_is_refused(world):
    data = (HEADER + ",colour\n" + good_row(world) + ",blue\n").encode()
    message = file_message(import_activity(world.team, world.manager, data))
    assert "Unknown column" in message and "colour" in message


@pytest.mark.parametrize("column", ["Child name", "NHS number", "DOB", "Date of birth", "First name", "Notes"])
def test_a_column_for_a_childs_details_refuses_the_file(world, column):
    data = (HEADER + f",{column}\n" + good_row(world) + ",something\n").encode()
    result = import_activity(world.team, world.manager, data)
    message = file_message(result)
    assert "child's details" in message and column in message
    assert not Activity.objects.exists()


def test_the_child_details_sample_is_refused(world):
    message = file_message(import_activity(world.team, world.manager, sample(world, "activity_child_details.csv")))
    assert "“Child name”" in message


def test_practitioner_and_school_name_columns_are_not_mistaken_for_a_childs_details(world):
    data = (
        "date,school_name,practitioner_name,function,type,duration_minutes,children_reached,adults_reached\n"
        f"{today().isoformat()},{world.school.name},Sam Senior,1,group,45,5,0\n"
    ).encode()
    assert import_activity(world.team, world.manager, data).imported


def test_bytes_that_are_not_utf8_are_refused(world):
    data = rows(good_row(world, practitioner="Zoë Senior")).decode().encode("cp1252")
    assert "UTF-8" in file_message(import_activity(world.team, world.manager, data))


@pytest.mark.parametrize("data", [b"", b"   \n\n", "\ufeff".encode()])
def test_an_empty_file_is_refused(world, data):
    assert "empty" in file_message(import_activity(world.team, world.manager, data))


def test_a_header_without_rows_is_refused(world):
    assert "no rows" in file_message(import_activity(world.team, world.manager, (HEADER + "\n").encode()))


@pytest.mark.parametrize("data", [b"PK\x03\x04\x14\x00\x06\x00binary", b"date\x00,school"])
def test_a_spreadsheet_or_binary_file_is_refused(world, data):
    assert "not a CSV" in file_message(import_activity(world.team, world.manager, data))


def test_a_broken_quote_is_refused_as_not_csv(world):
    data = (HEADER + '\n2026-01-01,"unterminated\n').encode()
    result = import_activity(world.team, world.manager, data)
    assert not result.imported
    assert not Activity.objects.exists()


def test_too_many_rows_are_refused(world):
    line = good_row(world)
    data = rows(*[line] * (activity_import.MAX_ROWS + 1))
    assert len(data) < activity_import.MAX_BYTES
    assert "more than 5,000 rows" in file_message(import_activity(world.team, world.manager, data))
    assert not Activity.objects.exists()


def test_the_row_limit_itself_is_accepted(world, monkeypatch):
    monkeypatch.setattr(activity_import, "MAX_ROWS", 3)
    assert import_activity(world.team, world.manager, rows(*[good_row(world)] * 3)).created == 3


def test_a_file_over_1_mb_is_refused(world):
    data = rows(good_row(world)) + b" " * activity_import.MAX_BYTES
    assert "larger than 1 MB" in file_message(import_activity(world.team, world.manager, data))


def test_only_the_teams_staff_may_import(world):
    with pytest.raises(PermissionDenied):
        import_activity(world.team, world.other_manager, rows(good_row(world)))
    assert not Activity.objects.exists()


# --- through the page -------------------------------------------------------------------------------


def upload(client, world, data: bytes, name="activity.csv"):
    url = reverse("mhst_activity_import", args=[world.partnership.slug, world.team.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def test_the_page_imports_a_good_file_and_says_how_many(client, world):
    sign_in(client, world.practitioner_user)
    response = upload(client, world, sample(world, "activity_good.csv"))
    assert response.status_code == 302
    assert response.url == reverse("mhst_activity", args=[world.partnership.slug, world.team.pk])
    assert Activity.objects.filter(recorded_by=world.practitioner_user).count() == 3
    page = client.get(response.url).content.decode()
    assert "Imported 3 activities" in page


def test_the_page_lists_every_problem_in_a_table(client, world):
    sign_in(client, world.manager)
    response = upload(client, world, sample(world, "activity_bad_rows.csv"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported: 12 problems to fix" in page
    assert 'id="import-errors"' in page
    assert page.count('<tr class="nhsuk-table__row">') >= 12
    assert "Nobody Known" in page
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The selected file is empty"),
        (b"\xff\xfe\x00d\x00a", "not a CSV"),
        ("date,caf\u00e9\n".encode("latin-1"), "not in UTF-8"),
    ],
)
def test_the_page_shows_a_clear_message_for_a_bad_file(client, world, data, expected):
    sign_in(client, world.manager)
    response = upload(client, world, data)
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_the_page_asks_for_a_file(client, world):
    sign_in(client, world.manager)
    url = reverse("mhst_activity_import", args=[world.partnership.slug, world.team.pk])
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Select a CSV file" in response.content.decode()


def test_the_template_csv_has_the_columns(client, world):
    sign_in(client, world.practitioner_user)
    response = client.get(reverse("mhst_activity_template", args=[world.partnership.slug, world.team.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8-sig").strip() == HEADER
