"""Importing table scores from a CSV file: `manage.py import_cascade_scores` and the API upload.

The file has the header `partnership,cohort,round,table,domain,score`, optionally `note` (kept as
the score's evidence note) and `held_on` (the workshop's date, YYYY-MM-DD or DD/MM/YYYY). Columns
can come in any order; `partnership` is the partnership's slug.

All or nothing per file: every row is checked first and every problem is reported with its line
number; if there is any, nothing is written. Otherwise, in one transaction, the cohorts,
workshops (on the current framework) and tables the file names are created as needed, the scores
are created or updated in bulk, and one audit event per partnership records the counts (never the
notes). Importing the same file again changes nothing.

The command imports as the system (any partnership); the API imports as the user, who needs
RUN_CASCADE_WORKSHOPS in every partnership the file names. A partnership the user cannot see is
reported as unknown, exactly like one that does not exist.

Scores are written here in bulk rather than one by one through `scoring.record_score` (which
checks, locks and audits per score): the same rules apply (0-3 via `clean_score`, the domain of
the workshop's framework, open workshops only, notes up to NOTE_MAX_LENGTH), checked for the
whole file before anything is written.
"""

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnership.models import Partnership
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit

from ..models import Cohort, Domain, DomainScore, ScoringTable, Workshop
from .framework import current_framework
from .scoring import NOTE_MAX_LENGTH, clean_score

REQUIRED_COLUMNS = ("partnership", "cohort", "round", "table", "domain", "score")
OPTIONAL_COLUMNS = ("note", "held_on")
#: the API refuses a larger upload (the command reads any size)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: a refused file lists at most this many errors (the count says how many there were)
MAX_ERRORS_LISTED = 1000
BATCH_SIZE = 2000
COUNTS = (
    "scores_created",
    "scores_updated",
    "scores_unchanged",
    "cohorts_created",
    "workshops_created",
    "tables_created",
)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

#: The scores a system import writes are attributed to this inactive account (DomainScore.updated_by
#: needs a user); it has no password and no memberships, so it can never sign in or see anything.

COHORT_MAX_LENGTH = Cohort._meta.get_field("name").max_length
TABLE_MAX_LENGTH = ScoringTable._meta.get_field("label").max_length


@dataclass(frozen=True)
class RowError:
    line: int | None  # None: about the whole file
    message: str


@dataclass
class ImportReport:
    rows_read: int = 0
    scores_created: int = 0
    scores_updated: int = 0
    scores_unchanged: int = 0
    cohorts_created: int = 0
    workshops_created: int = 0
    tables_created: int = 0
    partnerships: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def imported(self) -> bool:
        return self.error_count == 0

    def error(self, line: int | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_LISTED:
            self.errors.append(RowError(line, message))

    def lines(self) -> list[str]:
        """The report as plain text, one line each (the command prints these)."""
        if not self.imported:
            out = [f"Nothing was imported: {self.error_count} problem(s) in {self.rows_read} row(s)."]
            out += [f"{'File' if e.line is None else f'Line {e.line}'}: {e.message}" for e in self.errors]
            if self.error_count > len(self.errors):
                out.append(f"... and {self.error_count - len(self.errors)} more.")
            return out
        return [
            f"Imported {self.rows_read} row(s) for {', '.join(self.partnerships) or 'no partnership'}.",
            f"Scores: {self.scores_created} created, {self.scores_updated} updated, {self.scores_unchanged} unchanged.",
            f"Created {self.cohorts_created} cohort(s), {self.workshops_created} workshop(s), "
            f"{self.tables_created} table(s).",
            *self.notices,
        ]


@dataclass
class _Row:
    line: int
    slug: str
    cohort: str
    round: int
    table: str
    domain: str
    score: int
    note: str | None
    held_on: date | None
    partnership: Partnership | None = None

    @property
    def workshop_key(self) -> tuple:
        return (self.partnership.pk, self.cohort.casefold(), self.round)

    @property
    def table_key(self) -> tuple:
        return (*self.workshop_key, self.table.casefold())


# --- reading the file ------------------------------------------------------------------------


def _decode(data: bytes, report: ImportReport) -> str | None:
    if not data or not data.strip():
        report.error(None, "The file is empty: it needs a header line and at least one row of scores.")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        report.error(line, "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
        return None
    if "\x00" in text:  # the database can't store it, and no spreadsheet writes it
        line = text[: text.index("\x00")].count("\n") + 1
        report.error(line, "The file contains a NUL character: it is not a CSV text file.")
        return None
    return text


def _header(cells: list[str], report: ImportReport) -> list[str] | None:
    names = [cell.strip().lower() for cell in cells]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    unknown = [name or "(blank)" for name in names if name not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    repeated = sorted(name for name, count in Counter(names).items() if count > 1 and name)
    if repeated:
        problems.append(f"column(s) named twice: {', '.join(repeated)}")
    if problems:
        expected = ",".join(REQUIRED_COLUMNS)
        report.error(1, f"The header must be {expected} (optionally with note, held_on): {'; '.join(problems)}.")
        return None
    return names


def _date(value: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError


def _clean(line: int, values: dict, report: ImportReport) -> _Row | None:
    problems = []
    slug = values["partnership"].strip()
    if not slug:
        problems.append("partnership is empty: give the partnership's slug")
    cohort = values["cohort"].strip()
    if not cohort:
        problems.append("cohort is empty")
    elif len(cohort) > COHORT_MAX_LENGTH:
        problems.append(f"cohort is longer than {COHORT_MAX_LENGTH} characters")
    round_text = values["round"].strip()
    if round_text not in ("1", "2"):
        problems.append(f"round must be 1 or 2, not “{round_text}”")
    table = values["table"].strip()
    if not table:
        problems.append("table is empty")
    elif len(table) > TABLE_MAX_LENGTH:
        problems.append(f"table is longer than {TABLE_MAX_LENGTH} characters")
    domain = values["domain"].strip().lower()
    if not domain:
        problems.append("domain is empty")
    score = None
    try:
        score = clean_score(values["score"])
    except ValidationError:
        problems.append(f"score must be 0, 1, 2 or 3, not “{values['score'].strip()}”")
    note = values.get("note")
    if note is not None:
        note = note.strip() or None
        if note and len(note) > NOTE_MAX_LENGTH:
            problems.append(f"note is longer than {NOTE_MAX_LENGTH} characters")
    held_on = None
    held_text = (values.get("held_on") or "").strip()
    if held_text:
        try:
            held_on = _date(held_text)
        except ValueError:
            problems.append(f"The held_on date must be a date like 2026-03-14 or 14/03/2026, not “{held_text}”")
    for problem in problems:
        report.error(line, problem[0].upper() + problem[1:] + ".")
    if problems:
        return None
    return _Row(line, slug, cohort, int(round_text), table, domain, score, note, held_on)


def _read(text: str, report: ImportReport) -> list[_Row]:
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""))
    names = None
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if names is None:
                names = _header(cells, report)
                if names is None:
                    return []
                continue
            report.rows_read += 1
            if len(cells) != len(names):
                report.error(start, f"Expected {len(names)} values (one per column), found {len(cells)}.")
                continue
            row = _clean(start, dict(zip(names, cells, strict=True)), report)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        report.error(line, f"This line can't be read as CSV ({error}).")
    if names is None and report.imported:
        report.error(None, "The file is empty: it needs a header line and at least one row of scores.")
    elif report.rows_read == 0 and report.imported:
        report.error(None, "The file has a header but no rows of scores.")
    return rows


# --- checking against the database -----------------------------------------------------------


def _partnerships(rows: list[_Row], by, report: ImportReport) -> None:
    """Set each row's partnership, or report it: unknown (or not visible to the user), or one the
    user may see but not run workshops in."""
    slugs = {row.slug for row in rows}
    found = Partnership.objects.filter(slug__in=slugs)
    if by is audit.SYSTEM:
        visible, allowed = found, None
    else:
        visible = found.filter(pk__in=by.partnership_ids())
        allowed = set(by.partnership_ids(Permission.RUN_CASCADE_WORKSHOPS))
    by_slug = {p.slug: p for p in visible}
    for row in rows:
        partnership = by_slug.get(row.slug)
        if partnership is None:
            report.error(row.line, f"There is no partnership “{row.slug}” (use the partnership's slug).")
        elif allowed is not None and partnership.pk not in allowed:
            report.error(
                row.line, f"You can't run CASCADE workshops in {partnership.name}, so can't import its scores."
            )
        else:
            row.partnership = partnership


@dataclass
class _Plan:
    """What exists already, keyed the way rows are (names compared without case)."""

    framework: object
    cohorts: dict = field(default_factory=dict)  # (partnership pk, cohort) -> Cohort
    workshops: dict = field(default_factory=dict)  # workshop key -> Workshop
    domains: dict = field(default_factory=dict)  # (framework pk, code) -> Domain
    dates: dict = field(default_factory=dict)  # workshop key -> (date, line or None if defaulted)


def _existing(rows: list[_Row]) -> _Plan:
    plan = _Plan(framework=current_framework())
    partnership_ids = {row.partnership.pk for row in rows}
    for cohort in Cohort.objects.filter(partnership_id__in=partnership_ids):
        plan.cohorts[(cohort.partnership_id, cohort.name.casefold())] = cohort
    # Locked until the import commits: a workshop can't be closed (or scored) half-way through.
    workshops = Workshop.objects.select_for_update().filter(partnership_id__in=partnership_ids)
    cohort_names = {c.pk: c.name.casefold() for c in plan.cohorts.values()}
    framework_ids = {plan.framework.pk}
    for workshop in workshops:
        plan.workshops[(workshop.partnership_id, cohort_names[workshop.cohort_id], workshop.round)] = workshop
        framework_ids.add(workshop.framework_id)
    for domain in Domain.objects.filter(framework_id__in=framework_ids):
        plan.domains[(domain.framework_id, domain.code)] = domain
    return plan


def _check(rows: list[_Row], plan: _Plan, report: ImportReport) -> None:
    seen = {}
    codes = {}
    for row in rows:
        workshop = plan.workshops.get(row.workshop_key)
        framework_id = workshop.framework_id if workshop else plan.framework.pk
        if (framework_id, row.domain) not in plan.domains:
            if framework_id not in codes:
                codes[framework_id] = ", ".join(
                    Domain.objects.filter(framework_id=framework_id).order_by("position").values_list("code", flat=True)
                )
            report.error(
                row.line, f"There is no domain “{row.domain}” in the framework: use one of {codes[framework_id]}."
            )
        if workshop is not None and not workshop.is_open:
            report.error(
                row.line,
                f"{row.cohort}, round {row.round} is closed, so its scores can't be changed. "
                f"Ask the area lead to reopen it first.",
            )
        key = (*row.table_key, row.domain)
        if key in seen:
            report.error(
                row.line,
                f"Line {seen[key]} already scores {row.domain} for table {row.table} of {row.cohort}, "
                f"round {row.round}: keep one of lines {seen[key]} and {row.line}.",
            )
        else:
            seen[key] = row.line
        _check_date(row, workshop, plan, report)
    _check_round_order(plan, report)


def _check_date(row: _Row, workshop, plan: _Plan, report: ImportReport) -> None:
    key = row.workshop_key
    if workshop is not None:
        if row.held_on is not None and row.held_on != workshop.held_on:
            report.error(
                row.line,
                f"{row.cohort}, round {row.round} was held on {workshop.held_on:%Y-%m-%d}, "
                f"not {row.held_on:%Y-%m-%d}: leave held_on empty or give that date.",
            )
        plan.dates.setdefault(key, (workshop.held_on, 0))
        return
    if row.held_on is None:
        return
    earlier = plan.dates.get(key)
    if earlier is None:
        plan.dates[key] = (row.held_on, row.line)
    elif earlier[0] != row.held_on:
        report.error(
            row.line,
            f"held_on {row.held_on:%Y-%m-%d} differs from line {earlier[1]} ({earlier[0]:%Y-%m-%d}) "
            f"for the same workshop: give one date per workshop.",
        )


def _check_round_order(plan: _Plan, report: ImportReport) -> None:
    """Round 2 comes after round 1 (as when a workshop is created on its page), where both dates are known."""
    for (partnership_id, cohort, round_), (held_on, line) in plan.dates.items():
        if round_ != 2 or line == 0:
            continue
        first = plan.dates.get((partnership_id, cohort, 1))
        if first is not None and held_on <= first[0]:
            report.error(line, f"Round 2 must be after round 1 ({first[0]:%Y-%m-%d}).")
    for (partnership_id, cohort, round_), (held_on, line) in plan.dates.items():
        if round_ != 1 or line == 0:
            continue
        second = plan.dates.get((partnership_id, cohort, 2))
        if second is not None and second[1] == 0 and held_on >= second[0]:
            report.error(line, f"Round 1 must be before round 2 ({second[0]:%Y-%m-%d}).")


# --- writing ---------------------------------------------------------------------------------


def _write(rows: list[_Row], plan: _Plan, *, by, via: str, report: ImportReport) -> None:
    today = timezone.localdate()
    author = None if by is audit.SYSTEM else by  # None: imported by the system
    per_partnership = {row.partnership.pk: row.partnership for row in rows}
    counts = {pk: Counter() for pk in per_partnership}

    new_cohorts = {}
    for row in rows:
        key = (row.partnership.pk, row.cohort.casefold())
        if key not in plan.cohorts and key not in new_cohorts:
            new_cohorts[key] = Cohort(partnership=row.partnership, name=row.cohort)
            counts[row.partnership.pk]["cohorts_created"] += 1
    for cohort in Cohort.objects.bulk_create(new_cohorts.values()):
        plan.cohorts[(cohort.partnership_id, cohort.name.casefold())] = cohort

    new_workshops, defaulted = {}, []
    for row in rows:
        key = row.workshop_key
        if key in plan.workshops or key in new_workshops:
            continue
        held_on = plan.dates[key][0] if key in plan.dates else today
        if key not in plan.dates:
            defaulted.append(f"{row.partnership.slug} {row.cohort} round {row.round}")
        new_workshops[key] = Workshop(
            partnership=row.partnership,
            cohort=plan.cohorts[key[:2]],
            round=row.round,
            framework=plan.framework,
            held_on=held_on,
        )
        counts[row.partnership.pk]["workshops_created"] += 1
    for key, workshop in zip(new_workshops, Workshop.objects.bulk_create(new_workshops.values()), strict=True):
        plan.workshops[key] = workshop
    if defaulted:
        report.notices.append(
            f"No held_on date for {len(defaulted)} new workshop(s), so they are dated today ({today:%Y-%m-%d}): "
            f"{'; '.join(defaulted)}. Correct the dates on the workshop pages."
        )

    workshop_ids = {w.pk: key for key, w in plan.workshops.items()}
    tables = {
        (*workshop_ids[t.workshop_id], t.label.casefold()): t
        for t in ScoringTable.objects.filter(workshop_id__in=[plan.workshops[row.workshop_key].pk for row in rows])
    }
    new_tables = {}
    for row in rows:
        if row.table_key not in tables and row.table_key not in new_tables:
            new_tables[row.table_key] = ScoringTable(workshop=plan.workshops[row.workshop_key], label=row.table)
            counts[row.partnership.pk]["tables_created"] += 1
    for key, table in zip(new_tables, ScoringTable.objects.bulk_create(new_tables.values()), strict=True):
        tables[key] = table

    existing = {
        (score.table_id, score.domain_id): score
        for score in DomainScore.objects.filter(table_id__in={t.pk for t in tables.values()})
    }
    create, update = [], []
    now = timezone.now()
    for row in rows:
        table = tables[row.table_key]
        domain = plan.domains[(plan.workshops[row.workshop_key].framework_id, row.domain)]
        score = existing.get((table.pk, domain.pk))
        tally = counts[row.partnership.pk]
        tally["rows"] += 1
        if score is None:
            create.append(
                DomainScore(table=table, domain=domain, score=row.score, evidence=row.note or "", updated_by=author)
            )
            tally["scores_created"] += 1
        elif score.score != row.score or (row.note is not None and score.evidence != row.note):
            score.score = row.score
            if row.note is not None:
                score.evidence = row.note
            score.updated_by, score.updated_at = author, now
            update.append(score)
            tally["scores_updated"] += 1
        else:
            tally["scores_unchanged"] += 1
    DomainScore.objects.bulk_create(create, batch_size=BATCH_SIZE)
    DomainScore.objects.bulk_update(update, ["score", "evidence", "updated_by", "updated_at"], batch_size=BATCH_SIZE)

    for pk, tally in counts.items():
        for name in COUNTS:
            setattr(report, name, getattr(report, name) + tally[name])
        changed = sum(tally[name] for name in COUNTS if name != "scores_unchanged")
        if not changed:
            continue
        audit.record(
            actor=by,
            action=AuditAction.UPDATE if tally["scores_updated"] else AuditAction.CREATE,
            obj=per_partnership[pk],
            partnership=pk,
            detail={
                "cascade_import": via,
                "rows": tally["rows"],
                **{name: tally[name] for name in COUNTS},
            },
        )
    report.partnerships = sorted(p.slug for p in per_partnership.values())


def import_scores(data: bytes, *, by, via: str = "") -> ImportReport:
    """Import the CSV `data` as `by` (a user, or audit.SYSTEM for the command). Returns the
    report; when it has errors, nothing was written."""
    report = _import(data, by=by, via=via)
    report.errors.sort(key=lambda error: error.line or 0)
    return report


def _import(data: bytes, *, by, via: str) -> ImportReport:
    report = ImportReport()
    text = _decode(data, report)
    if text is None:
        return report
    rows = _read(text, report)
    if not rows:
        return report
    with transaction.atomic():
        _partnerships(rows, by, report)
        rows = [row for row in rows if row.partnership is not None]
        plan = _existing(rows)
        _check(rows, plan, report)
        if not report.imported:
            return report
        try:
            with transaction.atomic():
                _write(rows, plan, by=by, via=via, report=report)
        except IntegrityError:
            # Someone created the same cohort, workshop or table while this file was being imported.
            report = ImportReport(rows_read=report.rows_read)
            report.error(None, "The workshops changed while the file was being imported. Nothing was saved: try again.")
    return report
