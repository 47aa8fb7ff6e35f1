"""Importing a team's activity from a CSV file (issue 6 item 5), all or nothing.

The file is UTF-8 CSV with a header line naming these columns, in any order:

    date, school_urn, practitioner, function, type, duration_minutes, children_reached, adults_reached

- date: YYYY-MM-DD or DD/MM/YYYY;
- school_urn: the school's URN, or its exact name (the header may also be `school` or
  `school_name`); the school must be an active education member of the partnership;
- practitioner: the practitioner's name as the team lists it, or their email address;
- function: 1, 2 or 3; type: a code (`group`) or a label (`Group session`);
- duration_minutes: 1 to 600; children_reached and adults_reached: 0 to 5,000 (blank is 0).

Every row is checked against the same rules as one activity entered on the page
(`activity.problems`), and every problem is reported with its row number (as a spreadsheet shows
it: the header is row 1), column and message. If there is any problem, nothing is saved.
Otherwise all rows are saved in one transaction, with one import batch id and one audit event
(the count, never the rows).

A column that looks like a child's details (a name other than the practitioner's or the
school's, an NHS number, a date of birth, an address...) refuses the whole file: MHST activity
holds counts only. Any other unknown column is refused too, so nothing is silently dropped.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from partnership.models.audit import AuditAction
from partnership.services import audit

from ..models import Activity, ActivityType, Practitioner
from . import activity as service

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_ERRORS_LISTED = 500
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

COLUMNS = (
    "date",
    "school_urn",
    "practitioner",
    "function",
    "type",
    "duration_minutes",
    "children_reached",
    "adults_reached",
)
ALIASES = {
    "school": "school_urn",
    "school_name": "school_urn",
    "urn": "school_urn",
    "practitioner_name": "practitioner",
    "practitioner_email": "practitioner",
}
#: parts of a header that suggest a child's details (checked on headers that are not ours)
CHILD_DETAIL_HINTS = (
    "name",
    "nhs",
    "dob",
    "birth",
    "postcode",
    "address",
    "pupil",
    "student",
    "child",
    "upn",
    "gender",
    "sex",
    "ethnic",
    "initial",
    "note",
    "comment",
)
#: the model's field for each column (to report a rule's problem in the right column)
FIELD_COLUMN = {
    "date": "date",
    "school": "school_urn",
    "practitioner": "practitioner",
    "function": "function",
    "type": "type",
    "duration_minutes": "duration_minutes",
    "children_reached": "children_reached",
    "adults_reached": "adults_reached",
}

TOO_LARGE = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into smaller files."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files."
EMPTY = "The file is empty. Download the template, add a row for each activity and upload it again."
NO_ROWS = "The file has a header but no rows of activity."
NOT_UTF8 = (
    "The file is not in UTF-8. In Excel, choose Save As and the type “CSV UTF-8 (Comma delimited)”, "
    "then upload it again."
)
NOT_CSV = "The file is not a CSV file. Save it as CSV (comma separated values) and upload it again."


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: about the whole file
    column: str
    message: str


@dataclass
class ImportResult:
    rows_read: int = 0
    created: int = 0
    batch: str = ""
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def imported(self) -> bool:
        return self.error_count == 0 and self.created > 0

    @property
    def more_errors(self) -> int:
        return self.error_count - len(self.errors)

    def error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(row, column, message))


def _normalise(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def _refuse(message: str) -> ImportResult:
    result = ImportResult()
    result.error(None, "", message)
    return result


# --- reading the file -------------------------------------------------------------------------------


def _text(data: bytes) -> tuple[str | None, str | None]:
    """The file's text, or a message saying why it cannot be read."""
    if len(data) > MAX_BYTES:
        return None, TOO_LARGE
    if not data.strip():
        return None, EMPTY
    if data.startswith(b"PK\x03\x04") or b"\x00" in data:  # a spreadsheet (xlsx is a zip) or a binary
        return None, NOT_CSV
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, NOT_UTF8
    if not text.strip(" \r\n\t\ufeff"):
        return None, EMPTY
    return text, None


def _header(raw: list[str], result: ImportResult) -> list[str] | None:
    """The canonical column names, or None (with the file's errors) when the header is wrong."""
    names = [_normalise(h) for h in raw]
    columns = [ALIASES.get(n, n) for n in names]
    child_like = [raw[i].strip() for i, c in enumerate(columns) if c not in COLUMNS and _looks_like_child(names[i])]
    if child_like:
        result.error(
            None,
            ", ".join(child_like),
            "The file has a column that could hold a child's details ("
            + ", ".join(f"“{c}”" for c in child_like)
            + "). Activity holds counts only: remove the column and upload the file again. Nothing was saved.",
        )
        return None
    unknown = [raw[i].strip() or f"column {i + 1}" for i, c in enumerate(columns) if c not in COLUMNS]
    if unknown:
        result.error(
            None,
            ", ".join(unknown),
            "Unknown column(s): "
            + ", ".join(f"“{c}”" for c in unknown)
            + ". The columns are: "
            + ", ".join(COLUMNS)
            + ".",
        )
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        result.error(None, ", ".join(repeated), "Each column can appear only once: " + ", ".join(repeated) + ".")
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        result.error(
            None,
            ", ".join(missing),
            "The first line must be the header. Missing column(s): "
            + ", ".join(missing)
            + ". Download the template to see the columns.",
        )
    return None if result.error_count else columns


def _looks_like_child(name: str) -> bool:
    return any(hint in name for hint in CHILD_DETAIL_HINTS)


# --- one row -----------------------------------------------------------------------------------------


class _Lookups:
    """The team's schools and practitioners, read once per file."""

    def __init__(self, team):
        self.by_urn, self.by_school_name = {}, {}
        for school in service.schools(team):
            if school.urn is not None:
                self.by_urn[str(school.urn)] = school
            self.by_school_name.setdefault(school.name.strip().casefold(), []).append(school)
        self.by_name, self.by_email = {}, {}
        for practitioner in Practitioner.objects.filter(team=team).select_related("user"):
            self.by_name.setdefault(practitioner.name.strip().casefold(), []).append(practitioner)
            if practitioner.user_id:
                self.by_email.setdefault(practitioner.user.email.strip().casefold(), []).append(practitioner)
        self.types = {}
        for code, label in ActivityType.choices:
            self.types[code.casefold()] = code
            self.types[str(label).casefold()] = code


def _date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _whole(value: str) -> int | None:
    value = value.strip().replace(",", "")
    if value.isascii() and value.isdigit():
        return int(value)
    return None


def _row(values: dict, lookups: _Lookups, team, number: int, result: ImportResult) -> dict | None:
    fields, bad = {}, set()

    def fail(column, message):
        bad.add(column)
        result.error(number, column, message)

    day = values["date"]
    fields["date"] = _date(day)
    if not day:
        fail("date", "Enter the date")
    elif fields["date"] is None:
        fail("date", f"“{day}” is not a date: use YYYY-MM-DD or DD/MM/YYYY, for example 2026-03-30 or 30/03/2026")

    school = values["school_urn"]
    if not school:
        fail("school_urn", "Enter the school's URN or its exact name")
    elif school in lookups.by_urn:
        fields["school"] = lookups.by_urn[school]
    else:
        named = lookups.by_school_name.get(school.casefold(), [])
        if len(named) == 1:
            fields["school"] = named[0]
        elif len(named) > 1:
            fail("school_urn", f"More than one school is called “{school}”: use the URN instead")
        elif school.isdigit():
            fail("school_urn", f"No active school of the partnership has the URN {school}")
        else:
            fail("school_urn", f"No active school of the partnership is called “{school}”: check the spelling")

    who = values["practitioner"]
    found = lookups.by_email.get(who.casefold()) or lookups.by_name.get(who.casefold(), [])
    if not who:
        fail("practitioner", "Enter the practitioner's name or email address")
    elif len(found) == 1:
        fields["practitioner"] = found[0]
    elif len(found) > 1:
        fail("practitioner", f"More than one practitioner is called “{who}”: use their email address instead")
    else:
        fail("practitioner", f"“{who}” is not a practitioner of {team.name}: use their name as the team lists it")

    function = values["function"]
    if function in ("1", "2", "3"):
        fields["function"] = int(function)
    else:
        fail("function", "Function must be 1, 2 or 3" + (f", not “{function}”" if function else ""))

    kind = values["type"]
    if kind.casefold() in lookups.types:
        fields["type"] = lookups.types[kind.casefold()]
    else:
        fail("type", "Enter a type of activity from the list in the template" + (f", not “{kind}”" if kind else ""))

    for column, label, blank in (
        ("duration_minutes", "Duration in minutes", None),
        ("children_reached", "Children reached", 0),
        ("adults_reached", "Adults reached", 0),
    ):
        value = values[column]
        if not value.strip():
            if blank is None:
                fail(column, f"Enter the {label.lower()}")
            fields[column] = blank
            continue
        fields[column] = _whole(value)
        if fields[column] is None:
            fail(column, f"{label} must be a whole number, not “{value}”")

    if bad:
        # report rule problems only for columns that could be read
        fields = {k: v for k, v in fields.items() if FIELD_COLUMN[k] not in bad}
    for name, message in service.problems(team, fields).items():
        column = FIELD_COLUMN[name]
        if column not in bad and name in fields:
            result.error(number, column, message)
            bad.add(column)
    return None if bad else fields


# --- the whole file ----------------------------------------------------------------------------------


def import_activity(team, by, data: bytes) -> ImportResult:
    """Check every row of the CSV `data`; save all of them (one batch) or none."""
    if not service.can_record(by, team):
        raise PermissionDenied(service.REFUSED_TEAM)
    text, problem = _text(data)
    if problem:
        return _refuse(problem)
    try:
        records = list(_records(text))
    except csv.Error:
        return _refuse(NOT_CSV)
    except _TooManyRows:
        return _refuse(TOO_MANY_ROWS)
    result = ImportResult()
    if not records:
        return _refuse(EMPTY)
    columns = _header(records[0][1], result)
    if columns is None:
        return result
    lookups = _Lookups(team)
    rows = []
    for number, raw in records[1:]:
        if not any(cell.strip() for cell in raw):
            continue  # a blank line (spreadsheets often end with some)
        result.rows_read += 1
        if len(raw) != len(columns):
            result.error(number, "", f"The row has {len(raw)} values but the header has {len(columns)} columns")
            continue
        values = {column: raw[i].strip() for i, column in enumerate(columns)}
        fields = _row(values, lookups, team, number, result)
        if fields is not None:
            rows.append(fields)
    if not result.rows_read:
        return _refuse(NO_ROWS)
    if result.error_count:
        return result
    batch = str(uuid.uuid4())
    with transaction.atomic():
        Activity.objects.bulk_create(
            [Activity(team=team, recorded_by=by, import_batch=batch, **fields) for fields in rows], batch_size=1000
        )
        audit.record(
            actor=by,
            action=AuditAction.CREATE,
            object_type=Activity._meta.label_lower,
            object_id=batch,
            partnership=team.partnership,
            detail={"import_batch": batch, "team": team.pk, "count": len(rows)},
        )
    result.created, result.batch = len(rows), batch
    return result


class _TooManyRows(Exception):
    pass


def _records(text: str):
    """(row number as a spreadsheet shows it, cells) for the header and each row; stops past MAX_ROWS."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    for index, cells in enumerate(reader, start=1):
        if index > MAX_ROWS + 1 and any(cell.strip() for cell in cells):
            raise _TooManyRows
        yield index, cells


def template_rows() -> list[list[str]]:
    """The template's header (the page lists the allowed values)."""
    return [list(COLUMNS)]
