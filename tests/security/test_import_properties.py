"""Property tests for the CSV importers (issue 8 item 4): GIAS, CASCADE scores, MHST activity.

Any bytes (hypothesis st.binary), and near-valid files (a good file with one cell replaced by junk,
re-encoded as UTF-16, latin-1 or with a BOM, blank lines, a wrong header, a huge field, a
formula-looking cell), give a report, never an exception, and never a partial import: when the
report lists a problem the database is unchanged (CASCADE, MHST: all or nothing), and what the
report counts as created is exactly what was written (GIAS: bad rows skipped, the rest in one
transaction). The MHST upload page refuses a too-large or non-CSV file with a clear message.

ROBUST_EXAMPLES sets the number of examples per property (default 12).
"""

import csv
import datetime
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cascade.services.imports import import_scores
from mhst.models import Activity
from mhst.services import activity_import
from mhst.services.activity_import import import_activity
from partnership.models import AuditEvent, Organisation, OrganisationLink
from partnership.services import audit, gias

from ..cascade.factories import DOMAIN_CODES
from ..cascade.factories_imports import counts as cascade_counts
from ..conftest import sign_in
from ..factories import PartnershipFactory
from ..mhst.factories import make_world as make_mhst_world
from ..mhst.factories import today

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ROBUST_EXAMPLES", "12"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

JUNK_CELLS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    '"',
    'a"b',
    "\r",
    "\n",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\u202e\ufeff",
    "ä€😀",
    "99999999999999999999",
    "-1",
    "1e309",
    "NaN",
    "31-02-2026",
    "x" * 200_000,  # larger than the csv module's field limit
]
CELL = st.one_of(st.sampled_from(JUNK_CELLS), st.text(max_size=20))
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252")


def to_csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def mutated(draw, header: list[str], good_rows: list[list[str]]):
    """A good file with some damage: a junk cell, a wrong header, blank lines, an odd encoding."""
    rows = [list(header), *(list(row) for row in good_rows)]
    for _ in range(draw(st.integers(0, 3))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(CELL)
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from([[], [""], ["", ""], list(header)])))
    if draw(st.booleans()):
        r = draw(st.integers(0, len(rows) - 1))
        rows[r] = rows[r][: draw(st.integers(0, len(rows[r])))] + draw(st.lists(CELL, max_size=2))
    text = to_csv(rows)
    if draw(st.booleans()):
        text = text.replace("\r\n", draw(st.sampled_from(["\n", "\r", "\r\n\r\n"])))
    return encode(text, draw(st.sampled_from(ENCODINGS)))


def files(header, good_rows):
    return st.one_of(st.binary(max_size=3000), mutated(header, good_rows))


def hard_cases(header: list[str], good_row: list[str]) -> list[bytes]:
    """Files every importer must survive, tried on every run (hypothesis may not draw them)."""

    def with_cell(value):
        return to_csv([header, [value, *good_row[1:]], good_row])

    def with_last_cell(value):
        return to_csv([header, [*good_row[:-1], value], good_row])

    good = to_csv([header, good_row])
    return [
        b"",
        b"\x00" * 10,
        b"PK\x03\x04" + bytes(range(256)),
        good.encode("utf-16"),
        good.encode("utf-8-sig"),
        ("\r\n\r\n" + good + "\n\n,,,\n").encode(),
        to_csv([[h.upper() + " " for h in header], good_row]).encode(),
        to_csv([header[::-1], good_row]).encode(),
        with_cell("a\x00b").encode(),
        with_last_cell("a\x00b").encode(),
        with_last_cell("x" * 200_000).encode(),
        with_last_cell("=cmd|' /C calc'!A0").encode("latin-1"),
        with_cell('"unclosed').encode(),
        with_last_cell("£ é").encode("latin-1"),
    ]


def with_examples(cases):
    """Decorate a @given(data=...) property with `cases` as explicit examples."""

    def decorate(test):
        for case in cases:
            test = example(data=case)(test)
        return test

    return decorate


# --- CASCADE scores ---------------------------------------------------------------------------------


def test_cascade_any_file_gives_a_report_and_imports_all_or_nothing(db):
    partnership = PartnershipFactory(slug="north")
    header = ["partnership", "cohort", "round", "table", "domain", "score", "note", "held_on"]
    good = [["north", "Spring", "1", "A", code, "2", "fine", "2026-03-14"] for code in DOMAIN_CODES]
    assert import_scores(encode(to_csv([header, *good]), "utf-8"), by=audit.SYSTEM).imported  # the base is good
    assert partnership

    @SETTINGS
    @with_examples(hard_cases(header, good[0]))
    @given(data=files(header, good))
    def run(data):
        before = cascade_counts()
        report = import_scores(data, by=audit.SYSTEM, via="test")  # never raises
        if not report.imported:
            assert report.errors, "refused without a reason"
            assert cascade_counts() == before, "a refused file changed the database"
        assert all(isinstance(error.message, str) and error.message for error in report.errors)
        assert report.lines()

    run()


# --- MHST activity ----------------------------------------------------------------------------------


def test_mhst_any_file_gives_a_report_and_imports_all_or_nothing(db):
    world = make_mhst_world()
    day = (today() - datetime.timedelta(days=1)).isoformat()
    header = list(activity_import.COLUMNS)
    good = [[day, str(world.school.urn), "Sam Senior", "1", "group", "60", "6", "0"] for _ in range(3)]
    assert import_activity(world.team, world.manager, encode(to_csv([header, *good]), "utf-8")).imported

    @SETTINGS
    @with_examples(hard_cases(header, good[0]))
    @given(data=files(header, good))
    def run(data):
        before = (Activity.objects.count(), AuditEvent.objects.count())
        result = import_activity(world.team, world.manager, data)  # never raises
        if result.error_count:
            assert result.errors
            assert (Activity.objects.count(), AuditEvent.objects.count()) == before, "a refused file saved rows"
        else:
            assert Activity.objects.count() == before[0] + result.created

    run()


def test_mhst_upload_page_refuses_a_large_or_binary_file_clearly(client):
    world = make_mhst_world()
    url = reverse("mhst_activity_import", args=[world.partnership.slug, world.team.pk])
    sign_in(client, world.manager)
    cases = {
        "too large": (b"date\n" + b"x" * (activity_import.MAX_BYTES + 10), activity_import.TOO_LARGE),
        "a spreadsheet": (b"PK\x03\x04" + b"\x00" * 100, activity_import.NOT_CSV),
        "an image": (b"\x89PNG\r\n\x1a\n\x00\x00", activity_import.NOT_CSV),
        "UTF-16": (encode("date,school_urn\n", "utf-16"), activity_import.NOT_CSV),
    }
    for name, (content, message) in cases.items():
        response = client.post(url, {"file": SimpleUploadedFile("activity.csv", content, content_type="text/csv")})
        assert response.status_code == 200, name
        assert message in response.content.decode(), name
    assert not Activity.objects.exists()


# --- GIAS -------------------------------------------------------------------------------------------

GIAS_HEADER = [*gias.REQUIRED_COLUMNS, *gias.OPTIONAL_COLUMNS]


def gias_row(urn: int) -> list[str]:
    values = {
        gias.URN: str(urn),
        gias.LA_CODE: "999",
        gias.ESTABLISHMENT_NUMBER: "2001",
        gias.NAME: f"School {urn}",
        gias.TYPE: "Community school",
        gias.STATUS: "Open",
        gias.PHASE: "Primary",
        gias.PUPILS: "210",
        gias.FSM: "12.5",
        gias.POSTCODE: "NS1 2AB",
        gias.LSOA: "E01099001",
        gias.OPEN_DATE: "01-09-1995",
        gias.CLOSE_DATE: "",
        gias.LOW_AGE: "4",
        gias.HIGH_AGE: "11",
        gias.REGION: "North West",
    }
    return [values[column] for column in GIAS_HEADER]


def gias_counts():
    return (Organisation.objects.count(), OrganisationLink.objects.count(), AuditEvent.objects.count())


def test_gias_any_file_gives_a_report_and_writes_exactly_what_it_reports(db):
    good = [gias_row(900_001 + i) for i in range(3)]

    @SETTINGS
    @with_examples(hard_cases(GIAS_HEADER, good[0]))
    @given(data=files(GIAS_HEADER, good))
    def run(data):
        before = gias_counts()
        text = data.decode(gias.ENCODING)  # as the command opens the file: latin-1 reads any bytes
        try:
            report = gias.import_gias(establishments=io.StringIO(text, newline=""), file_name="junk.csv")
        except gias.GiasFileError as error:  # the file as a whole is refused, with the reason
            assert str(error).startswith("junk.csv: ")
            assert gias_counts() == before, "a refused file changed the register"
            return
        assert report.lines()
        after = gias_counts()
        assert after[0] == before[0] + report.created, "the register changed by other than the report says"

    run()


def test_gias_command_gives_a_report_or_a_clear_error_for_any_bytes(db, tmp_path):
    path = tmp_path / "edubasealldata.csv"

    @settings(SETTINGS, max_examples=max(3, EXAMPLES // 3))
    @with_examples(hard_cases(GIAS_HEADER, gias_row(900_101)))
    @given(data=files(GIAS_HEADER, [gias_row(900_101)]))
    def run(data):
        path.write_bytes(data)
        before = gias_counts()
        out = io.StringIO()
        try:
            call_command("import_gias", str(path), stdout=out)
        except CommandError as error:
            assert str(error)
            assert gias_counts() == before
            return
        assert "rows read" in out.getvalue()

    run()


# --- regressions: each failed (an exception, not a report) before its fix ---------------------------


def _gias_file(*cells: tuple[str, str]) -> str:
    row = gias_row(900_201)
    for column, value in cells:
        row[GIAS_HEADER.index(column)] = value
    return to_csv([GIAS_HEADER, row, gias_row(900_202)])


def test_gias_a_nul_character_in_a_row_is_a_bad_row_not_a_database_error(db):
    """A NUL reached the database (organisation name, the skipped reasons in the audit detail):
    PostgreSQL refuses it and the whole import crashed with a DataError."""
    for column in (gias.NAME, gias.TYPE):
        text = _gias_file((column, "Oak\x00 School"))
        report = gias.import_gias(establishments=io.StringIO(text, newline=""), file_name="nul.csv")
        assert [bad.line for bad in report.bad_rows] == [2], column
        assert "NUL" in str(report.bad_rows[0])
        assert Organisation.objects.filter(urn=900_202).exists()  # the good row is imported
        Organisation.objects.filter(urn__in=(900_201, 900_202)).delete()


def test_gias_a_field_over_the_csv_size_limit_refuses_the_file_before_any_write(db, tmp_path):
    """The csv module raised csv.Error (field larger than field limit), uncaught: a traceback."""
    text = _gias_file((gias.NAME, "x" * 200_000))
    before = gias_counts()
    with pytest.raises(gias.GiasFileError, match="cannot be read as CSV"):
        gias.import_gias(establishments=io.StringIO(text, newline=""), file_name="huge.csv")
    path = tmp_path / "huge.csv"
    path.write_text(text, encoding="latin-1")
    with pytest.raises(CommandError, match="cannot be read as CSV"):
        call_command("import_gias", str(path), stdout=io.StringIO())
    assert gias_counts() == before
