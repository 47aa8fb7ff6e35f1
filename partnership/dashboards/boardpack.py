"""The dashboard's PDF board pack (issue 7 item 3): every panel the requester may read, for a scope
and filters, as one PDF for a board meeting, built by a Celery worker with its progress shown.

- `build_pdf(...)` draws the pack with fpdf2: a cover (scope, period, filters, when it was made, when
  the figures were refreshed, the disclosure footnote), then each panel's heading and, for each of
  its tables, the table and a simple bar chart drawn with fpdf2's own primitives. The figures are
  the disclosed ones (`service.shown_panel`): a suppressed value is `*` in the table and in the chart.
- `run(job_id)` is the task's body: it re-checks that the requester may still read and export the
  scope (their roles may have changed since they asked), reports progress per panel on the
  ExportJob, stores the PDF, and never rebuilds a job that is done.

An ExportJob's params hold the scope and filters only (level, partnership IDs, the slug or area,
from, to, phase, school ID): never a child's details.
"""

import datetime
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..disclosure import FOOTNOTE, SUPPRESSED, ShownTable
from ..figures import Filters, Level, Scope
from ..models import Organisation, Partnership
from ..models.exports import ExportJob
from ..pdf import FooterPdf, pdf_text
from ..roles import Permission
from . import scopes
from .filters import FilterForm, may_filter_by_school
from .service import ShownPanel, panels_for, shown_panel

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/pdf"
FAILED_MESSAGE = (
    "Something went wrong while building the board pack. Try again; if it fails again, tell the service desk."
)
Progress = Callable[[int, int, str], None]  # (panels done, panels in all, the panel just done)


class Refused(Exception):
    """The pack may not be built (any more): the message is shown to the requester."""


# --- who may have a pack --------------------------------------------------------------------------------
def scope_of(user, params: dict) -> Scope | None:
    """The scope a job was asked for, as the user may see it now (None: they no longer may)."""
    level = params.get("level")
    if level == Level.PARTNERSHIP:
        ids = params.get("partnership_ids") or []
        partnership = Partnership.objects.for_user(user, Permission.VIEW_DASHBOARDS).filter(pk__in=ids[:1]).first()
        scope = scopes.partnership_scope(partnership) if partnership else None
    elif level == Level.COMMISSIONER:
        scope = scopes.commissioner_scope(user)
    elif level == Level.NATIONAL:
        scope = scopes.national_scope(user)
    else:
        scope = None
    return scope if scope is not None and scopes.may_export(user, scope) else None


def filter_params(filters: Filters) -> dict:
    return {
        "from": filters.start.strftime("%Y-%m"),
        "to": filters.end.strftime("%Y-%m"),
        "phase": filters.phase,
        "school": filters.school_id,
    }


def filters_of(user, scope: Scope, params: dict) -> Filters:
    allow_school = may_filter_by_school(user, scope)
    if params.get("school") and not allow_school:
        raise Refused("You can no longer filter these figures by school.")
    data = {key: "" if params.get(key) is None else str(params[key]) for key in ("from", "to", "phase", "school")}
    form = FilterForm(data, scope=scope, allow_school=allow_school)
    if not form.is_valid():
        raise Refused("The filters of this board pack are no longer valid: ask for a new one.")
    return form.filters()


# --- the PDF ----------------------------------------------------------------------------------------------


def month_text(day: datetime.date) -> str:
    return day.strftime("%B %Y")


def period_text(filters: Filters) -> str:
    first, last = month_text(filters.start), month_text(filters.end)
    return first if first == last else f"{first} to {last}"


def when_text(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y at %H:%M") if moment else "computed when the pack was made"


SHADES = ((33, 43, 50), (0, 94, 184), (118, 134, 146))  # dark grey, NHS blue, mid grey: series also named


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return max(float(value), 0.0)


def _chart_series(table: ShownTable) -> tuple[int, ...]:
    """The columns to draw: the table's chart's series, else its first numeric column (if any)."""
    width = len(table.columns)
    if table.chart is not None:
        return tuple(i for i in table.chart.series if 0 < i < width)
    for i in range(1, width):
        if any(_number(row.cells[i - 1].value) is not None for row in table.rows):
            return (i,)
    return ()


def _draw_chart(pdf: FPDF, table: ShownTable) -> None:
    """Horizontal bars, one group per row and one bar per series, each labelled with its column's name
    and its shown value: a suppressed value has no bar, only its `*`."""
    series = _chart_series(table)
    numbers = [_number(row.cells[i - 1].value) for row in table.rows for i in series]
    top = max((n for n in numbers if n is not None), default=0.0)
    if not series or not table.rows or top <= 0:
        return
    label_width, value_width, bar_height = 48.0, 42.0, 4.0
    area = pdf.epw - label_width - value_width
    pdf.set_font("Helvetica", style="B", size=9)
    pdf.multi_cell(pdf.epw, 5, pdf_text(f"Chart: {table.title}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=7)
    for row in table.rows:
        if pdf.will_page_break(bar_height * len(series) + 1):
            pdf.add_page()
        for k, index in enumerate(series):
            cell = row.cells[index - 1]
            y = pdf.get_y()
            x = pdf.l_margin
            pdf.set_xy(x, y)
            pdf.cell(label_width, bar_height, pdf_text(row.label if k == 0 else ""))
            value = _number(cell.value)
            width = area * value / top if value else 0.0
            if width > 0:
                pdf.set_fill_color(*SHADES[k % len(SHADES)])
                pdf.rect(x + label_width, y + 0.6, width, bar_height - 1.2, style="F")
            pdf.set_xy(x + label_width + width + 1, y)
            shown = "* (suppressed)" if cell.value == SUPPRESSED else cell.text
            pdf.cell(value_width, bar_height, pdf_text(f"{table.columns[index]}: {shown}"))
            pdf.set_xy(x, y + bar_height)
        pdf.ln(1)
    pdf.ln(2)


def _draw_table(pdf: FPDF, table: ShownTable) -> None:
    columns = len(table.columns)
    first = min(60.0, pdf.epw * (0.4 if columns > 2 else 0.6))
    rest = (pdf.epw - first) / max(columns - 1, 1)
    pdf.set_font("Helvetica", size=8)
    with pdf.table(
        col_widths=(first, *([rest] * (columns - 1))),
        text_align=("LEFT", *(["RIGHT"] * (columns - 1))),
        first_row_as_headings=True,
        line_height=4.5,
    ) as out:
        out.row([pdf_text(name) for name in table.columns])
        for row in table.all_rows:
            out.row([pdf_text(row.label), *(pdf_text(cell.text) for cell in row.cells)])
    pdf.ln(2)


def build_pdf(
    *,
    scope: Scope,
    filters: Filters,
    panels: list[ShownPanel],
    generated_at: datetime.datetime,
    school: str = "",
) -> bytes:
    pdf = FooterPdf(format="A4")
    pdf.footer_text = f"Dashboard board pack: {scope.label}, {period_text(filters)}"
    pdf.set_title(pdf_text(f"Dashboard board pack: {scope.label}"))
    pdf.set_author("CYP mental health partnership platform")
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.add_page()

    def line(text, size=10, style="", height=5.5):
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(pdf.epw, height, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    refreshed = [p.refreshed_at for p in panels if p.refreshed_at is not None]
    line("Dashboard board pack", 20, "B", 10)
    line(scope.label, 14, "B", 8)
    pdf.ln(2)
    line(f"Period: {period_text(filters)}", 11)
    line(f"School phase: {filters.phase or 'All phases'}", 11)
    if not scope.national and scope.level == Level.PARTNERSHIP:
        line(f"School: {school or 'All schools'}", 11)
    line(f"Made on {when_text(generated_at)}", 11)
    if refreshed:
        line(f"Figures last refreshed: {when_text(min(refreshed))}", 11)
    else:
        line("Figures computed when the pack was made", 11)
    line(f"Panels: {len(panels)}", 11)
    pdf.ln(3)
    if scope.national:
        line("National figures are published as they are, without small-number suppression.", 9)
    else:
        line("About the numbers", 12, "B", 7)
        line(FOOTNOTE, 9, height=4.5)
    if not panels:
        pdf.ln(3)
        line("There are no dashboard panels you may read for this scope.", 11)

    for panel in panels:
        pdf.add_page()
        line(panel.title, 16, "B", 8)
        if panel.description:
            line(panel.description, 9, height=4.5)
        line(f"Refreshed {when_text(panel.refreshed_at)}", 8, height=4.5)
        for note in panel.notes:
            line(note, 8, height=4.5)
        pdf.ln(2)
        if not panel.tables:
            line("No figures for this period.", 10)
        for table in panel.tables:
            if pdf.will_page_break(30):
                pdf.add_page()
            line(table.title, 12, "B", 7)
            if table.description:
                line(table.description, 8, height=4.5)
            _draw_table(pdf, table)
            _draw_chart(pdf, table)
    return bytes(pdf.output())


def shown_panels_with_progress(
    user, scope: Scope, filters: Filters, progress: Progress | None = None
) -> list[ShownPanel]:
    """Every panel the user may read at the scope, disclosed, reporting after each one."""
    panels = panels_for(user, scope)
    shown = []
    for done, panel in enumerate(panels, start=1):
        shown.append(shown_panel(panel, scope, filters))
        if progress is not None:
            progress(done, len(panels), panel.title)
    return shown


def title_for(scope: Scope, filters: Filters) -> str:
    return f"Board pack: {scope.label}, {period_text(filters)}"[:200]


def filename_for(params: dict) -> str:
    where = params.get("slug") or params.get("area") or "dashboard"
    return f"board-pack-{where}-{params.get('from', '')}-to-{params.get('to', '')}.pdf"


# --- the task's body ----------------------------------------------------------------------------------------
def _update(job_id, **fields) -> None:
    ExportJob.objects.filter(pk=job_id).update(**fields)


def run(job_id) -> str:
    """Build the board pack of ExportJob `job_id`: idempotent (a done job is left alone), progress on
    the job, and a failure recorded with a message for the requester (never raised to the worker)."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().defer("content").filter(pk=job_id).first()
        if job is None:
            log.warning("Board pack %s: no such export job", job_id)
            return "missing"
        if job.status == ExportJob.Status.DONE:
            return job.status
        job.status, job.progress, job.message = ExportJob.Status.RUNNING, 1, "Starting"
        job.save(update_fields=["status", "progress", "message"])
    try:
        user = job.requested_by
        scope = scope_of(user, job.params)
        if scope is None:
            raise Refused("You can no longer read or download these figures.")
        filters = filters_of(user, scope, job.params)

        def progress(done: int, total: int, title: str) -> None:
            _update(job_id, progress=5 + 80 * done // total, message=f"Worked out {title} ({done} of {total} panels)")

        panels = shown_panels_with_progress(user, scope, filters, progress)
        _update(job_id, progress=90, message="Drawing the PDF")
        school = ""
        if filters.school_id:
            school = Organisation.objects.filter(pk=filters.school_id).values_list("name", flat=True).first() or ""
        content = build_pdf(scope=scope, filters=filters, panels=panels, generated_at=timezone.now(), school=school)
    except Refused as refused:
        _update(job_id, status=ExportJob.Status.FAILED, message=str(refused)[:200], finished_at=timezone.now())
        return ExportJob.Status.FAILED
    except Exception:
        log.exception("Board pack %s failed", job_id)
        _update(job_id, status=ExportJob.Status.FAILED, message=FAILED_MESSAGE[:200], finished_at=timezone.now())
        return ExportJob.Status.FAILED
    _update(
        job_id,
        status=ExportJob.Status.DONE,
        progress=100,
        message="Ready to download",
        filename=filename_for(job.params),
        content_type=CONTENT_TYPE,
        content=content,
        finished_at=timezone.now(),
    )
    return ExportJob.Status.DONE
