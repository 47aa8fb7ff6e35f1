"""CASCADE results as CSV and XLSX rows, and the printable workshop pack (PDF).

The numbers come from cascade.results (exact fractions) through cascade.presenters: the unrounded
mean is written as a decimal with six places derived from the exact fraction, beside the
one-decimal value the pages show. Text cells that a spreadsheet would run as a formula (starting
= + - @, a tab or a carriage return) are prefixed with an apostrophe, as csv_response does.
"""

from dataclasses import dataclass
from decimal import Decimal
from io import BytesIO

from fpdf.enums import XPos, YPos
from openpyxl import Workbook

from partnership.pdf import FooterPdf, pdf_text

from .presenters import decimal, percent
from .results import Result, one_decimal

HEADER = [
    "Round",
    "Scope",
    "Cohort",
    "Domain",
    "Domain title",
    "Tables",
    "Mean (unrounded)",
    "Mean (one decimal)",
    "Tables at Major challenge (%)",
    "Tables at Widespread good practice or better (%)",
    "Band of the total",
]
PLACES = 6
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def _percent_number(share) -> Decimal | None:
    return None if share is None else one_decimal(share * 100)


def result_rows(result: Result, domains, *, round: int, scope: str, cohort: str = "") -> list[list]:
    """One row per domain, then a Total row. Numbers stay numbers (Decimal) for the XLSX;
    `csv_rows` turns them into text."""
    rows = []
    for domain in domains:
        d = result.domains[domain.code]
        rows.append(
            [
                round,
                scope,
                cohort,
                domain.code,
                domain.title,
                d.tables,
                Decimal(decimal(d.mean, PLACES)) if d.mean is not None else None,
                d.mean_rounded,
                _percent_number(d.major_challenge_share),
                _percent_number(d.widespread_or_better_share),
                "",
            ]
        )
    total = result.total
    rows.append(
        [
            round,
            scope,
            cohort,
            "total",
            "Total (sum of the seven domain means, 0-21)",
            max((d.tables for d in result.domains.values()), default=0),
            Decimal(decimal(total, PLACES)) if total is not None else None,
            result.total_rounded,
            None,
            None,
            result.band.value if result.band else "",
        ]
    )
    return rows


@dataclass(frozen=True)
class ResultsExport:
    partnership_rows: list[list]
    cohort_rows: list[list]

    @property
    def all_rows(self) -> list[list]:
        return self.partnership_rows + self.cohort_rows


def build(partnership_result: Result, cohort_results: dict[str, Result], domains, *, round: int) -> ResultsExport:
    return ResultsExport(
        partnership_rows=result_rows(partnership_result, domains, round=round, scope="Partnership"),
        cohort_rows=[
            row
            for name, result in cohort_results.items()
            for row in result_rows(result, domains, round=round, scope="Cohort", cohort=name)
        ],
    )


def csv_rows(export: ResultsExport):
    """Text cells for csv_response (which neutralises formulas itself)."""
    for row in export.all_rows:
        yield ["" if value is None else str(value) for value in row]


def xlsx_bytes(export: ResultsExport, *, title: str) -> bytes:
    workbook = Workbook()
    sheets = [("Partnership", export.partnership_rows), ("Cohorts", export.cohort_rows)]
    first = True
    for name, rows in sheets:
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = name
        sheet.append([safe_text(title)])
        sheet.append(HEADER)
        for row in rows:
            sheet.append([safe_text(value) if isinstance(value, str) else value for value in row])
        for column, width in zip("ABCDEFGHIJK", (7, 12, 20, 20, 45, 8, 18, 18, 22, 28, 16), strict=True):
            sheet.column_dimensions[column].width = width
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- the workshop pack (PDF) ------------------------------------------------------------------


@dataclass(frozen=True)
class PackTable:
    label: str
    scores: list[tuple[str, str, str, list[tuple[str, str]]]]  # (domain label, score text, level label, notes)


@dataclass(frozen=True)
class PackAction:
    reference: str
    domain: str
    title: str
    owner: str
    due: str
    rag: str


def workshop_pack_pdf(
    *,
    partnership: str,
    workshop: str,
    held_on: str,
    venue: str,
    view,
    tables: list[PackTable],
    actions: list[PackAction],
) -> bytes:
    """`view`: the presenters.ResultView of the workshop's tables."""
    pdf = FooterPdf(format="A4")
    pdf.footer_text = f"CASCADE workshop pack: {partnership}, {workshop}"
    pdf.set_title(pdf_text(f"CASCADE workshop pack: {workshop}"))
    pdf.set_author(pdf_text(partnership))
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()
    width = pdf.epw

    def line(text, size=10, style="", height=5.5):
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line("CASCADE workshop pack", 18, "B", 9)
    line(partnership, 12)
    line(f"{workshop}, {held_on}" + (f", {venue}" if venue else ""), 12)
    pdf.ln(3)
    line("Results", 14, "B", 8)
    if not view.has_scores:
        line("No table has scored this workshop yet.")
    else:
        line(f"Total {view.total_shown} out of 21, band: {view.band_text}.", 11, "B")
        pdf.ln(1)
        widths = (width * 0.46, width * 0.1, width * 0.12, width * 0.16, width * 0.16)
        pdf.set_font("Helvetica", style="B", size=9)
        with pdf.table(col_widths=widths, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")) as table:
            table.row(["Domain", "Tables", "Mean", "At Major challenge", "Widespread or better"])
            pdf.set_font("Helvetica", size=9)
            for row in view.rows:
                table.row(
                    [
                        pdf_text(row.label),
                        str(row.tables),
                        row.mean_shown,
                        pdf_text(percent(row.major_challenge_share)),
                        pdf_text(percent(row.widespread_or_better_share)),
                    ]
                )
    pdf.ln(3)
    line("Tables and their notes", 14, "B", 8)
    if not tables:
        line("No tables yet.")
    for table in tables:
        line(f"Table {table.label}", 12, "B", 7)
        if not table.scores:
            line("No scores recorded.")
        for domain, score, level, notes in table.scores:
            line(f"{domain}: {score} ({level})", 10, "B")
            for heading, text in notes:
                line(f"{heading}: {text}", 9)
        pdf.ln(2)
    line("Actions agreed at this workshop", 14, "B", 8)
    if not actions:
        line("No actions were planned at this workshop.")
    for action in actions:
        line(f"{action.reference} ({action.domain}): {action.title}", 10, "B")
        line(f"Owner: {action.owner}. Due {action.due}. RAG: {action.rag}.", 9)
    return bytes(pdf.output())
