"""A dashboard panel as CSV or XLSX: every table of the panel, already disclosed.

The figures come only from `service.shown_panel(s)` (so through `partnership.disclosure`): a
suppressed value stays `*`, never a number. Each file says what it holds: the panel, the scope,
the period and filters, when the figures were last refreshed, the panel's notes and the
disclosure footnote. A column whose figures share a unit (%, days) names it in its heading and
keeps its values as numbers. Text a spreadsheet would run as a formula (starting = + - @, a tab
or a carriage return) is prefixed with an apostrophe, as partnership.views.common.csv_response does.
"""

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO, StringIO

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..disclosure import FOOTNOTE, ShownTable
from ..figures import Filters, Scope
from .service import ShownPanel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_BAD = set("[]:*?/\\")


@dataclass(frozen=True)
class ExportContext:
    """What the figures are of: the same scope and filters the page showed."""

    scope: Scope
    filters: Filters
    school_name: str = ""  # the school filtered to, if any
    generated_at: datetime.datetime | None = None


def period_words(filters: Filters) -> str:
    """The period in words, such as April 2025 to March 2026 (one month: its name only)."""
    first, last = filters.start.strftime("%B %Y"), filters.end.strftime("%B %Y")
    return first if first == last else f"{first} to {last}"


def refreshed_words(refreshed_at: datetime.datetime | None, *, live: str) -> str:
    if refreshed_at is None:
        return live
    return "Figures last refreshed at " + timezone.localtime(refreshed_at).strftime("%-d %B %Y, %H:%M")


def about_rows(panel: ShownPanel, context: ExportContext) -> list[tuple[str, str]]:
    """The heading lines every download starts with (and the PDF board pack may reuse)."""
    generated = timezone.localtime(context.generated_at or timezone.now()).strftime("%-d %B %Y, %H:%M")
    return [
        ("Panel", panel.title),
        ("Scope", context.scope.label),
        ("Period", period_words(context.filters)),
        ("School phase", context.filters.phase or "All phases"),
        ("School", context.school_name or "All schools"),
        ("Refreshed", refreshed_words(panel.refreshed_at, live="Computed when this file was downloaded")),
        ("Downloaded", generated),
    ]


def safe_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def is_number(value) -> bool:
    return isinstance(value, int | Decimal | float) and not isinstance(value, bool)


def table_grid(table: ShownTable) -> list[list]:
    """Header then rows: numbers stay numbers, text is made safe, a missing value is None.
    A column whose numbers all share one unit names it in the heading ("Accepted (%)"); a
    column mixing units writes each value with its unit, as text."""
    rows = table.all_rows
    header = [safe_text(table.columns[0])]
    keep_number = []
    for index, name in enumerate(table.columns[1:]):
        units = {row.cells[index].unit for row in rows if index < len(row.cells) and is_number(row.cells[index].value)}
        one = len(units) <= 1
        unit = next(iter(units), "") if one else ""
        header.append(safe_text(f"{name} ({unit})" if unit and unit.lower() not in name.lower() else name))
        keep_number.append(one)
    grid = [header]
    for row in rows:
        line = [safe_text(row.label)]
        for index, cell in enumerate(row.cells):
            if cell.value is None:
                line.append(None)
            elif is_number(cell.value) and (index >= len(keep_number) or keep_number[index]):
                line.append(cell.value)
            elif is_number(cell.value):
                line.append(safe_text(cell.text))
            else:
                line.append(safe_text(cell.value))
        grid.append(line)
    return grid


def _notes(panel: ShownPanel) -> list[str]:
    notes = list(panel.notes)
    if any(cell.suppressed for table in panel.tables for row in table.all_rows for cell in row.cells):
        notes.append("* means a small number (1 to 7 children, or a figure built on them), not shown.")
    return notes


# --- CSV -----------------------------------------------------------------------------------------


def panel_csv_text(panel: ShownPanel, context: ExportContext) -> str:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_text(panel.title)])
    for key, value in about_rows(panel, context)[1:]:
        writer.writerow([key, safe_text(value)])
    for table in panel.tables:
        writer.writerow([])
        writer.writerow([safe_text(table.title)])
        if table.description:
            writer.writerow([safe_text(table.description)])
        for line in table_grid(table):
            writer.writerow(["" if value is None else value for value in line])
    writer.writerow([])
    for note in _notes(panel):
        writer.writerow(["Note", safe_text(note)])
    writer.writerow(["Disclosure control", safe_text(FOOTNOTE)])
    return out.getvalue()


def panel_csv(panel: ShownPanel, context: ExportContext, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so Excel reads UTF-8
    response.write(panel_csv_text(panel, context))
    return response


# --- XLSX ----------------------------------------------------------------------------------------


def _sheet_name(title: str, taken: set[str]) -> str:
    base = "".join("-" if c in SHEET_NAME_BAD else c for c in title).strip("' ") or "Table"
    base = base[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def panel_xlsx_bytes(panel: ShownPanel, context: ExportContext) -> bytes:
    """An "About" sheet (what the figures are, notes, the footnote), then one sheet per table."""
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    about = workbook.active
    about.title = "About"
    taken = {"about"}
    about.append([safe_text(panel.title)])
    about["A1"].font = Font(bold=True, size=14)
    for key, value in about_rows(panel, context)[1:]:
        about.append([key, safe_text(value)])
    about.append([])
    for note in _notes(panel):
        about.append(["Note", safe_text(note)])
    about.append(["Disclosure control", safe_text(FOOTNOTE)])
    about.append([])
    about.append(["Tables"])
    about.cell(row=about.max_row, column=1).font = bold
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    for row in about.iter_rows(min_col=2, max_col=2):
        row[0].alignment = wrap

    for table in panel.tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, taken))
        about.append([safe_text(sheet.title), safe_text(table.title)])
        sheet.append([safe_text(table.title)])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([safe_text(table.description)] if table.description else [])
        sheet.append([f"{context.scope.label}, {period_words(context.filters)}"])
        sheet.append([])
        grid = table_grid(table)
        sheet.append(grid[0])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for line in grid[1:]:
            sheet.append(line)
        if table.total is not None:
            for cell in sheet[sheet.max_row]:
                cell.font = bold
        sheet.append([])
        sheet.append([safe_text(FOOTNOTE)])
        sheet.column_dimensions["A"].width = 36
        for index in range(2, len(grid[0]) + 1):
            sheet.column_dimensions[sheet.cell(row=5, column=index).column_letter].width = 18
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def panel_xlsx(panel: ShownPanel, context: ExportContext, filename: str) -> HttpResponse:
    response = HttpResponse(panel_xlsx_bytes(panel, context), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
