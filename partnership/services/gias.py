"""The schools register, imported from Get Information About Schools (GIAS).

`import_gias()` reads the establishment CSV (`edubasealldataYYYYMMDD.csv`: latin-1, dd-mm-yyyy
dates, about 140 columns found by name, never by position) and creates or updates one
`Organisation` per URN. Every row is validated first; a bad row is reported with its line number
and skipped, the good rows are written. All writes happen in one transaction, in bulk, after one
query for the organisations already known. A row that matches what is stored is not written, so
re-running a file changes nothing.

The links CSV records academy conversions and mergers. For each predecessor -> successor link
the successor takes over the predecessor's partnership memberships and their current lead
contacts, so a converted academy keeps its history.

The register is public reference data: the audit detail holds counts, never people.
"""

import csv
import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from ..models import LeadContact, Organisation, OrganisationKind, OrganisationLink, Partnership, PartnershipOrganisation
from ..models.audit import AuditAction
from . import audit

ENCODING = "latin-1"
DATE_FORMAT = "%d-%m-%Y"
BATCH_SIZE = 1000

OPEN = "Open"
OPEN_PROPOSED_TO_CLOSE = "Open, but proposed to close"
PROPOSED_TO_OPEN = "Proposed to open"
CLOSED = "Closed"
KEPT_STATUSES = {OPEN, OPEN_PROPOSED_TO_CLOSE, PROPOSED_TO_OPEN}
#: establishments that are open today: the ones a partnership can take on as members
OPEN_STATUSES = (OPEN, OPEN_PROPOSED_TO_CLOSE)

URN = "URN"
LA_CODE = "LA (code)"
ESTABLISHMENT_NUMBER = "EstablishmentNumber"
NAME = "EstablishmentName"
TYPE = "TypeOfEstablishment (name)"
STATUS = "EstablishmentStatus (name)"
PHASE = "PhaseOfEducation (name)"
PUPILS = "NumberOfPupils"
FSM = "PercentageFSM"
POSTCODE = "Postcode"
LSOA = "LSOA (code)"
OPEN_DATE = "OpenDate"
CLOSE_DATE = "CloseDate"
LOW_AGE = "StatutoryLowAge"
HIGH_AGE = "StatutoryHighAge"
REGION = "GOR (name)"
REQUIRED_COLUMNS = (
    URN,
    LA_CODE,
    ESTABLISHMENT_NUMBER,
    NAME,
    TYPE,
    STATUS,
    PHASE,
    PUPILS,
    FSM,
    POSTCODE,
    LSOA,
    OPEN_DATE,
    CLOSE_DATE,
)
OPTIONAL_COLUMNS = (LOW_AGE, HIGH_AGE, REGION)

#: memberships a successor takes over (one that has left has nothing to pass on)
LIVE_STATUSES = (
    PartnershipOrganisation.Status.APPLIED,
    PartnershipOrganisation.Status.ACTIVE,
    PartnershipOrganisation.Status.LAPSED,
)

LINK_COLUMNS = ("URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate")

#: the register's fields that the import owns, compared to decide whether a row changed
REGISTER_FIELDS = (
    "name",
    "kind",
    "phase",
    "pupil_count",
    "fsm_percent",
    "postcode",
    "lsoa_code",
    "laestab",
    "la_code",
    "establishment_type",
    "establishment_status",
    "opened_on",
    "closed_on",
)
CLOSED_FIELDS = ("establishment_status", "closed_on")

K = OrganisationKind
# Establishment types that are not schools or colleges in England: skipped, with the type as reason.
OUT_OF_SCOPE_TYPES = {
    "Welsh establishment",
    "British schools overseas",
    "Offshore schools",
    "Service children's education",
    "Higher education institutions",
    "Online provider",
    "Children's centre",
    "Children's centre linked site",
    "Institution funded by other government department",
    "Miscellaneous",
}
KIND_OF_TYPE = {
    "Pupil referral unit": K.ALTERNATIVE_PROVISION,
    "Academy alternative provision converter": K.ALTERNATIVE_PROVISION,
    "Academy alternative provision sponsor led": K.ALTERNATIVE_PROVISION,
    "Free schools alternative provision": K.ALTERNATIVE_PROVISION,
    "Secure units": K.ALTERNATIVE_PROVISION,
    "Academy secure 16 to 19": K.ALTERNATIVE_PROVISION,
    "Community special school": K.SPECIAL,
    "Foundation special school": K.SPECIAL,
    "Non-maintained special school": K.SPECIAL,
    "Academy special converter": K.SPECIAL,
    "Academy special sponsor led": K.SPECIAL,
    "Free schools special": K.SPECIAL,
    # An independent special school is first of all a special school for the partnership's purposes.
    "Other independent special school": K.SPECIAL,
    "Special post 16 institution": K.SPECIAL,
    "Other independent school": K.INDEPENDENT,
    "Further education": K.FE_COLLEGE,
    "Sixth form centres": K.FE_COLLEGE,
    "Free schools 16 to 19": K.FE_COLLEGE,
    "Academy 16 to 19 converter": K.FE_COLLEGE,
    "Academy 16-19 converter": K.FE_COLLEGE,
    "Academy 16-19 sponsor led": K.FE_COLLEGE,
    "Academy 16 to 19 sponsor led": K.FE_COLLEGE,
}
# Mainstream schools: primary, secondary or all-through by their phase of education.
MAINSTREAM_TYPES = {
    "Community school",
    "Voluntary aided school",
    "Voluntary controlled school",
    "Foundation school",
    "Academy converter",
    "Academy sponsor led",
    "Free schools",
    "City technology college",
    "University technical college",
    "Studio schools",
    "LA nursery school",
}
KIND_OF_PHASE = {
    "Nursery": K.PRIMARY,
    "Primary": K.PRIMARY,
    "Middle deemed primary": K.PRIMARY,
    "Secondary": K.SECONDARY,
    "Middle deemed secondary": K.SECONDARY,
    "All-through": K.ALL_THROUGH,
    "16 plus": K.FE_COLLEGE,
}
SUPPRESSED = {"SUPP", "SUPPRESSED", "NA", "N/A"}

MAX_LENGTHS = {
    "name": 255,
    "phase": 50,
    "postcode": 10,
    "lsoa_code": 9,
    "establishment_type": 100,
    "establishment_status": 50,
}
URN_MAX = 2_147_483_647


class GiasFileError(Exception):
    """The file is not a GIAS file this importer can read (for example, a required column is missing)."""


class OutOfScope(Exception):
    """The row is a real establishment but not one the register keeps: the message is the reason."""


class BadValue(Exception):
    """What makes a row impossible to import: one message per problem, in `args`."""


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()  # str.isdigit() alone accepts "²" and other digits


@dataclass
class BadRow:
    line: int
    urn: str
    problems: list[str]

    def __str__(self):
        urn = f" (URN {self.urn})" if self.urn else ""
        return f"line {self.line}{urn}: {'; '.join(self.problems)}"


@dataclass
class LinksReport:
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    bad_rows: list[BadRow] = field(default_factory=list)
    unmatched: list[BadRow] = field(default_factory=list)  # skipped: an establishment not in the register
    memberships_continued: int = 0
    memberships_left: int = 0
    leads_moved: int = 0
    leads_ended: int = 0

    def as_detail(self) -> dict:
        return {
            "file": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
            "bad_rows": len(self.bad_rows),
            "memberships_continued": self.memberships_continued,
            "memberships_left": self.memberships_left,
            "leads_moved": self.leads_moved,
            "leads_ended": self.leads_ended,
        }


@dataclass
class GiasReport:
    file_name: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter = field(default_factory=Counter)
    bad_rows: list[BadRow] = field(default_factory=list)
    changed_fields: Counter = field(default_factory=Counter)
    links: LinksReport | None = None
    partnership_slug: str = ""
    la_code: str = ""
    members_added: int = 0

    def as_detail(self) -> dict:
        detail = {
            "file": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
            "bad_rows": len(self.bad_rows),
            "bad_lines": [bad.line for bad in self.bad_rows[:100]],
            "changed_fields": dict(self.changed_fields),
        }
        if self.links is not None:
            detail["links"] = self.links.as_detail()
        if self.partnership_slug:
            detail["partnership"] = {
                "slug": self.partnership_slug,
                "la_code": self.la_code,
                "members_added": self.members_added,
            }
        return detail

    def lines(self, *, max_bad_rows: int = 200) -> list[str]:
        """The report as plain-English lines, for the command's output."""
        out = [
            f"{self.file_name}: {self.rows} rows read.",
            f"Organisations created: {self.created}, updated: {self.updated}, unchanged: {self.unchanged}.",
        ]
        if self.changed_fields:
            out.append("Fields changed: " + ", ".join(f"{k} {v}" for k, v in sorted(self.changed_fields.items())))
        out += _skipped_lines(self.skipped)
        out += _bad_row_lines(self.bad_rows, max_bad_rows)
        if self.links is not None:
            links = self.links
            out += [
                f"{links.file_name}: {links.rows} rows read.",
                f"Links created: {links.created}, updated: {links.updated}, unchanged: {links.unchanged}.",
                f"Memberships continued by a successor: {links.memberships_continued}; "
                f"predecessor memberships ended: {links.memberships_left}; "
                f"lead contacts moved: {links.leads_moved}; lead contacts ended: {links.leads_ended}.",
            ]
            out += _skipped_lines(links.skipped)
            if links.unmatched:
                out.append("Links skipped because an establishment is not in the register:")
                out += [f"  {row}" for row in links.unmatched[:max_bad_rows]]
                if len(links.unmatched) > max_bad_rows:
                    out.append(f"  ... and {len(links.unmatched) - max_bad_rows} more.")
            out += _bad_row_lines(links.bad_rows, max_bad_rows)
        if self.partnership_slug:
            out.append(
                f"Partnership {self.partnership_slug}: {self.members_added} open establishments in LA {self.la_code} "
                "added as active members."
            )
        return out


def _skipped_lines(skipped: Counter) -> list[str]:
    if not skipped:
        return ["Skipped: none."]
    return [f"Skipped: {sum(skipped.values())}."] + [
        f"  {count} {reason}" for reason, count in sorted(skipped.items(), key=lambda item: (-item[1], item[0]))
    ]


def _bad_row_lines(bad_rows: list[BadRow], limit: int) -> list[str]:
    if not bad_rows:
        return ["Bad rows: none."]
    out = [f"Bad rows (not imported): {len(bad_rows)}."] + [f"  {bad}" for bad in bad_rows[:limit]]
    if len(bad_rows) > limit:
        out.append(f"  ... and {len(bad_rows) - limit} more.")
    return out


# Reading ------------------------------------------------------------------------------------------


def _rows(file: TextIO, required: Iterable[str], optional: Iterable[str] = ()):
    """Yield (line number, {column: value}) for each record, reading only the columns named.

    A file the csv module cannot read (a field over its size limit, say) is refused as a whole
    (GiasFileError: reading happens before any write); a row holding a NUL character (which
    PostgreSQL cannot store, and no CSV text file has) is a bad row.
    """
    reader = csv.reader(file)
    try:
        yield from _records(reader, required, optional)
    except csv.Error as exc:
        raise GiasFileError(f"Line {reader.line_num + 1} cannot be read as CSV ({exc}).") from None


def _records(reader, required: Iterable[str], optional: Iterable[str]):
    try:
        header = next(reader)
    except StopIteration:
        raise GiasFileError("The file is empty: it has no header row.") from None
    if header:
        header[0] = header[0].removeprefix("\ufeff").removeprefix("ï»¿")  # a UTF-8 byte-order mark
    position = {name.strip(): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in position]
    if missing:
        raise GiasFileError(f"The file has no column named {', '.join(repr(m) for m in missing)}.")
    wanted = [(name, position[name]) for name in (*required, *optional) if name in position]
    width = len(header)
    line = reader.line_num
    for record in reader:
        start, line = line + 1, reader.line_num
        if not record or record == [""]:
            continue
        if len(record) != width:
            yield start, None, f"has {len(record)} fields where the header has {width}"
            continue
        if any("\x00" in record[i] for _, i in wanted):
            yield start, None, "contains a NUL character: it is not text from a CSV file"
            continue
        yield start, {name: record[i].strip() for name, i in wanted}, ""


def _date(value: str, column: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, DATE_FORMAT).date()
    except ValueError:
        raise BadValue(f"{column} '{value}' is not a date in the form dd-mm-yyyy") from None


def _whole_number(value: str, column: str) -> int | None:
    if not value:
        return None
    if not _digits(value):
        raise BadValue(f"{column} '{value}' is not a whole number")
    if len(value) > 7:  # no school has ten million pupils; the column holds at most 2,147,483,647
        raise BadValue(f"{column} '{value}' is too large")
    return int(value)


def _percent(value: str, column: str) -> Decimal | None:
    if not value or value.upper() in SUPPRESSED:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadValue(f"{column} '{value}' is not a number") from None
    if not number.is_finite() or not 0 <= number <= 100:
        raise BadValue(f"{column} '{value}' is not a percentage between 0 and 100")
    return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _urn(value: str, column: str = URN) -> int:
    if not value:
        raise BadValue(f"{column} is missing")
    if not _digits(value) or not 0 < int(value) <= URN_MAX:
        raise BadValue(f"{column} '{value}' is not a positive whole number")
    return int(value)


def kind_of(establishment_type: str, phase: str, low_age: int | None = None, high_age: int | None = None):
    """The OrganisationKind of an establishment; OutOfScope when the register does not keep it."""
    if establishment_type in OUT_OF_SCOPE_TYPES:
        raise OutOfScope(f"not a school or college in England ({establishment_type})")
    if establishment_type in KIND_OF_TYPE:
        return KIND_OF_TYPE[establishment_type]
    if establishment_type not in MAINSTREAM_TYPES:
        raise OutOfScope(f"establishment type not recognised ({establishment_type or 'blank'})")
    if phase in KIND_OF_PHASE:
        return KIND_OF_PHASE[phase]
    if low_age is None or high_age is None:
        raise BadValue(f"PhaseOfEducation '{phase}' and no statutory ages: cannot tell primary from secondary")
    if high_age <= 11:
        return K.PRIMARY
    if low_age >= 16:
        return K.FE_COLLEGE
    if low_age >= 10:
        return K.SECONDARY
    return K.ALL_THROUGH


@dataclass
class _Parsed:
    line: int
    urn: int
    closed: bool
    values: dict


def _parse_row(line: int, row: dict) -> _Parsed | str:
    """One establishment row: a _Parsed, or the reason it is skipped (a str). BadValue for a bad row."""
    problems = []
    urn = _urn(row[URN])
    status = row[STATUS]
    if status == CLOSED:
        # Kept only to close an organisation already in the register: its status and close date.
        closed_on = _date(row[CLOSE_DATE], CLOSE_DATE)
        return _Parsed(line, urn, True, {"establishment_status": status, "closed_on": closed_on})
    if status not in KEPT_STATUSES:
        raise BadValue(f"EstablishmentStatus '{status}' is not one of Open, Closed, Proposed to open")
    if row.get(REGION) == "Wales (pseudo)":
        return "not a school or college in England (Welsh establishment)"
    establishment_type, phase = row[TYPE], row[PHASE]
    values = {"establishment_type": establishment_type, "establishment_status": status, "phase": phase}

    def take(name, parse, *args):
        try:
            values[name] = parse(*args)
        except BadValue as exc:
            problems.append(str(exc))

    take("name", _required, row[NAME], NAME)
    take("pupil_count", _whole_number, row[PUPILS], PUPILS)
    take("fsm_percent", _percent, row[FSM], FSM)
    take("opened_on", _date, row[OPEN_DATE], OPEN_DATE)
    take("closed_on", _date, row[CLOSE_DATE], CLOSE_DATE)
    take("la_code", _la_code, row[LA_CODE])
    if "la_code" in values:
        take("laestab", _laestab, values["la_code"], row[ESTABLISHMENT_NUMBER])
    values["postcode"] = row[POSTCODE].upper()
    values["lsoa_code"] = row[LSOA].upper()
    ages = {}
    for column in (LOW_AGE, HIGH_AGE):
        try:
            ages[column] = _whole_number(row.get(column, ""), column)
        except BadValue:
            ages[column] = None  # only a fallback for the phase: never a reason to refuse the row
    try:
        values["kind"] = kind_of(establishment_type, phase, ages[LOW_AGE], ages[HIGH_AGE])
    except OutOfScope as exc:
        return str(exc)
    except BadValue as exc:
        problems.append(str(exc))
    for name, limit in MAX_LENGTHS.items():
        if name in values and len(values[name]) > limit:
            problems.append(f"{name.replace('_', ' ')} is longer than {limit} characters")
    if problems:
        raise BadValue(*problems)
    return _Parsed(line, urn, False, values)


def _required(value: str, column: str) -> str:
    if not value:
        raise BadValue(f"{column} is missing")
    return value


def _la_code(value: str) -> str:
    if len(value) != 3 or not _digits(value):
        raise BadValue(f"LA (code) '{value}' is not a 3-digit code")
    return value


def _laestab(la_code: str, number: str) -> str:
    if not number:
        return ""
    if not _digits(number) or len(number) > 4:
        raise BadValue(f"EstablishmentNumber '{number}' is not a number of up to 4 digits")
    return f"{la_code}{int(number):04d}"


def read_establishments(file: TextIO, report: GiasReport) -> dict[int, _Parsed]:
    """Validate every row; return the good ones by URN, recording skips and bad rows in `report`."""
    parsed: dict[int, _Parsed] = {}
    for line, row, problem in _rows(file, REQUIRED_COLUMNS, OPTIONAL_COLUMNS):
        report.rows += 1
        if row is None:
            report.bad_rows.append(BadRow(line, "", [problem]))
            continue
        try:
            result = _parse_row(line, row)
        except BadValue as exc:
            report.bad_rows.append(BadRow(line, row[URN], list(exc.args)))
            continue
        if isinstance(result, str):
            report.skipped[result] += 1
            continue
        if result.urn in parsed:
            first = parsed[result.urn].line
            report.bad_rows.append(BadRow(line, row[URN], [f"URN {result.urn} appears again (first on line {first})"]))
            continue
        parsed[result.urn] = result
    return parsed


# Writing ------------------------------------------------------------------------------------------


def import_gias(
    *,
    establishments: TextIO,
    file_name: str,
    links: TextIO | None = None,
    links_file_name: str = "",
    partnership: Partnership | None = None,
    la_code: str = "",
    today: datetime.date | None = None,
) -> GiasReport:
    """Import a GIAS establishment file (and optionally its links file) into the register.

    With `partnership` and `la_code`, the open establishments of that local authority become active
    members of the partnership. Validation happens before any write; the writes are one transaction.
    """
    if bool(partnership) != bool(la_code):
        raise ValueError("Give both a partnership and an LA code, or neither.")
    if la_code and (len(la_code) != 3 or not _digits(la_code)):
        raise ValueError(f"The LA code '{la_code}' is not a 3-digit code.")
    today = today or timezone.localdate()
    report = GiasReport(file_name=file_name)
    try:
        parsed = read_establishments(establishments, report)
    except GiasFileError as exc:
        raise GiasFileError(f"{file_name}: {exc}") from exc
    link_rows = None
    if links is not None:
        report.links = LinksReport(file_name=links_file_name)
        try:
            link_rows = read_links(links, report.links)
        except GiasFileError as exc:
            raise GiasFileError(f"{links_file_name}: {exc}") from exc
    with transaction.atomic():
        _write_organisations(parsed, report)
        if link_rows is not None:
            apply_links(link_rows, report.links, today=today)
        if partnership is not None:
            report.partnership_slug, report.la_code = partnership.slug, la_code
            report.members_added = add_la_members(partnership=partnership, la_code=la_code, today=today)
        audit.record(
            actor=audit.SYSTEM,
            action=AuditAction.CREATE if report.created else AuditAction.UPDATE,
            object_type="partnership.organisation",
            detail={"source": "GIAS", **report.as_detail()},
        )
    return report


def _write_organisations(parsed: dict[int, _Parsed], report: GiasReport) -> None:
    existing = {org.urn: org for org in Organisation.objects.filter(urn__in=list(parsed)).only("urn", *REGISTER_FIELDS)}
    now = timezone.now()
    to_create, to_update, fields_written = [], [], set()
    for urn, row in parsed.items():
        org = existing.get(urn)
        if org is None:
            if row.closed:
                report.skipped["closed and not in the register"] += 1
            else:
                to_create.append(Organisation(urn=urn, **row.values))
            continue
        changed = [name for name, value in row.values.items() if getattr(org, name) != value]
        if not changed:
            report.unchanged += 1
            continue
        for name in changed:
            setattr(org, name, row.values[name])
        org.updated_at = now  # bulk_update does not touch auto_now fields
        to_update.append(org)
        fields_written.update(changed)
        report.changed_fields.update(changed)
    Organisation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        Organisation.objects.bulk_update(to_update, [*sorted(fields_written), "updated_at"], batch_size=BATCH_SIZE)
    report.created, report.updated = len(to_create), len(to_update)


# Links --------------------------------------------------------------------------------------------


@dataclass
class _Link:
    line: int
    predecessor: int
    successor: int
    link_type: str
    linked_on: datetime.date | None


def read_links(file: TextIO, report: LinksReport) -> list[_Link]:
    """Validate the links file; predecessor/successor links, one per pair (GIAS lists both directions)."""
    links: dict[tuple[int, int], _Link] = {}
    for line, row, problem in _rows(file, LINK_COLUMNS):
        report.rows += 1
        if row is None:
            report.bad_rows.append(BadRow(line, "", [problem]))
            continue
        problems = []
        urns = []
        for column in ("URN", "LinkURN"):
            try:
                urns.append(_urn(row[column], column))
            except BadValue as exc:
                problems.append(str(exc))
        try:
            linked_on = _date(row["LinkEstablishedDate"], "LinkEstablishedDate")
        except BadValue as exc:
            problems.append(str(exc))
        if problems:
            report.bad_rows.append(BadRow(line, row["URN"], problems))
            continue
        urn, link_urn = urns
        link_type = row["LinkType"]
        if link_type.startswith("Successor"):
            pair, normalised = (urn, link_urn), link_type
        elif link_type.startswith("Predecessor"):
            pair, normalised = (link_urn, urn), "Successor" + link_type.removeprefix("Predecessor")
        else:
            report.skipped[f"not a predecessor or successor link ({link_type or 'blank'})"] += 1
            continue
        if urn == link_urn:
            report.bad_rows.append(BadRow(line, row["URN"], ["URN and LinkURN are the same"]))
            continue
        if pair in links:
            report.skipped["the same link listed from the other establishment"] += 1
            continue
        links[pair] = _Link(line, pair[0], pair[1], normalised, linked_on)
    return sorted(links.values(), key=lambda link: (link.linked_on or datetime.date.max, link.line))


def apply_links(links: list[_Link], report: LinksReport, *, today: datetime.date) -> None:
    """Store the links in bulk, then move memberships for the few predecessors that have live ones."""
    urns = {urn for link in links for urn in (link.predecessor, link.successor)}
    organisations = {org.urn: org for org in Organisation.objects.filter(urn__in=urns).only("urn", "name", "opened_on")}
    stored = {
        (link.predecessor_id, link.successor_id): link
        for link in OrganisationLink.objects.filter(predecessor__urn__in=urns, successor__urn__in=urns)
    }
    matched, to_create, to_update = [], [], []
    for link in links:
        missing = [urn for urn in (link.predecessor, link.successor) if urn not in organisations]
        if missing:
            report.skipped["an establishment not in the register"] += 1
            report.unmatched.append(BadRow(link.line, "", [f"URN {urn} is not in the register" for urn in missing]))
            continue
        predecessor, successor = organisations[link.predecessor], organisations[link.successor]
        matched.append((link, predecessor, successor))
        row = stored.get((predecessor.pk, successor.pk))
        if row is None:
            to_create.append(
                OrganisationLink(
                    predecessor=predecessor, successor=successor, link_type=link.link_type, linked_on=link.linked_on
                )
            )
        elif (row.link_type, row.linked_on) != (link.link_type, link.linked_on):
            row.link_type, row.linked_on = link.link_type, link.linked_on
            to_update.append(row)
        else:
            report.unchanged += 1
    OrganisationLink.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    OrganisationLink.objects.bulk_update(to_update, ["link_type", "linked_on"], batch_size=BATCH_SIZE)
    report.created, report.updated = len(to_create), len(to_update)
    # Only organisations with a live membership have anything to pass on: find them in one query, and
    # follow a chain (A -> B -> C) in date order, as a successor that inherits may pass it on again.
    with_members = set(
        PartnershipOrganisation.objects.filter(
            organisation__in=[predecessor for _, predecessor, _ in matched], status__in=LIVE_STATUSES
        ).values_list("organisation_id", flat=True)
    )
    for link, predecessor, successor in matched:
        if predecessor.pk not in with_members:
            continue
        continue_memberships(
            predecessor=predecessor,
            successor=successor,
            on=link.linked_on or successor.opened_on or today,
            report=report,
        )
        with_members.add(successor.pk)


def _long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def continue_memberships(*, predecessor: Organisation, successor: Organisation, on: datetime.date, report) -> None:
    """The successor takes over each of the predecessor's live memberships and its current leads.

    Idempotent: a predecessor membership that has already left is not touched again.
    """
    memberships = PartnershipOrganisation.objects.select_for_update().filter(
        organisation=predecessor, status__in=LIVE_STATUSES
    )
    for old in memberships:
        new, created = PartnershipOrganisation.objects.get_or_create(
            partnership_id=old.partnership_id,
            organisation=successor,
            defaults={
                "status": old.status,
                "applied_on": old.applied_on,
                "application_note": old.application_note,
                "applied_by_id": old.applied_by_id,
                "approved_by_id": old.approved_by_id,
                "approved_at": old.approved_at,
                "joined_on": old.joined_on,
                "lapsed_on": old.lapsed_on,
                "status_note": f"Continues {predecessor.name} (URN {predecessor.urn}) from {_long_date(on)}",
            },
        )
        if created:
            report.memberships_continued += 1
            audit.record(
                actor=audit.SYSTEM,
                action=AuditAction.CREATE,
                obj=new,
                detail={
                    "source": "GIAS links",
                    "status": new.status,
                    "continues_membership": old.pk,
                    "predecessor_urn": predecessor.urn,
                },
            )
        before = old.status
        old.status = PartnershipOrganisation.Status.LEFT
        old.left_on = on
        old.status_note = f"Continued by {successor.name} (URN {successor.urn}) from {_long_date(on)}"
        old.save(update_fields=["status", "left_on", "status_note", "updated_at"])
        report.memberships_left += 1
        audit.record(
            actor=audit.SYSTEM,
            action=AuditAction.STATE_CHANGE,
            obj=old,
            detail={
                "source": "GIAS links",
                "status": [before, old.status],
                "left_on": on.isoformat(),
                "continued_by_membership": new.pk,
                "successor_urn": successor.urn,
            },
        )
        _move_leads(old=old, new=new, on=on, report=report)


def _move_leads(*, old: PartnershipOrganisation, new: PartnershipOrganisation, on: datetime.date, report) -> None:
    taken = set(LeadContact.objects.current().filter(member=new).values_list("kind", flat=True))
    for lead in LeadContact.objects.current().select_for_update().filter(member=old):
        if lead.kind in taken:
            lead.ended_on = on
            lead.ended_reason = f"{new.organisation.name} already has a current lead of this kind"[:200]
            lead.save(update_fields=["ended_on", "ended_reason", "updated_at"])
            report.leads_ended += 1
            audit.record(
                actor=audit.SYSTEM,
                action=AuditAction.STATE_CHANGE,
                obj=lead,
                detail={"source": "GIAS links", "ended_on": on.isoformat(), "member": old.pk},
            )
            continue
        lead.member = new
        lead.save(update_fields=["member", "updated_at"])
        taken.add(lead.kind)
        report.leads_moved += 1
        audit.record(
            actor=audit.SYSTEM,
            action=AuditAction.UPDATE,
            obj=lead,
            detail={"source": "GIAS links", "changed": {"member": [str(old.pk), str(new.pk)]}},
        )


# Partnership membership ---------------------------------------------------------------------------


def add_la_members(*, partnership: Partnership, la_code: str, today: datetime.date) -> int:
    """Make the open establishments of one local authority active members; existing memberships stay."""
    already = PartnershipOrganisation.objects.filter(partnership=partnership).values("organisation_id")
    candidates = (
        Organisation.objects.filter(la_code=la_code, establishment_status__in=OPEN_STATUSES)
        .exclude(pk__in=already)
        .order_by("urn")
    )
    note = f"Added from the GIAS register (LA {la_code})"
    added = PartnershipOrganisation.objects.bulk_create(
        PartnershipOrganisation(
            partnership=partnership,
            organisation=org,
            status=PartnershipOrganisation.Status.ACTIVE,
            joined_on=today,
            status_note=note,
        )
        for org in candidates
    )
    for membership in added:
        audit.record(
            actor=audit.SYSTEM,
            action=AuditAction.CREATE,
            obj=membership,
            detail={"source": "GIAS register", "status": membership.status, "la_code": la_code},
        )
    return len(added)
