"""The dashboard pages (issue 7): a partnership's dashboard, the commissioner's and the national
dashboards, and each panel as CSV or XLSX.

- `dashboard_home` lists the dashboards the user may open (straight to the only one when there is
  one); 403 for a user who reads no dashboard.
- `dashboard` (one partnership): `partnership_for(..., VIEW_DASHBOARDS)`, so another partnership's
  dashboard is a 404 and a member without the permission gets 403.
- `dashboard_area`: "commissioned" adds up every partnership where the user holds VIEW_DASHBOARDS
  (403 for a user who holds it nowhere); "national" is every partnership, for a national reader
  only (404 for anyone else: the national view is not advertised).
- Downloads: the same scope and filter checks; EXPORT_AGGREGATES in every partnership of the
  scope (a national reader may export); an unknown panel, or one the user may not read, is a 404;
  bad filters are a 400 with a plain message. Every download is audited as an EXPORT.

Figures come only from `partnership.dashboards.service` (disclosure control applied there); the
view adds a fixed number of queries (the user's memberships, the partnership, the school list for
an area lead) whatever the number of rows, and the panels do the rest.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET
from markupsafe import Markup

from ..dashboards import charts, downloads, scopes, service
from ..dashboards.filters import FilterForm, may_filter_by_school
from ..disclosure import FOOTNOTE, ShownTable
from ..figures import Filters, Level, Scope
from ..models.audit import AuditAction
from ..roles import Permission
from ..services import audit
from .common import partnership_for

RAG_TAGS = {"red": "red", "amber": "orange", "green": "green", "complete": "blue"}
FORMATS = {"csv": downloads.panel_csv, "xlsx": downloads.panel_xlsx}


# --- presenting the panels -----------------------------------------------------------------------


@dataclass(frozen=True)
class TableView:
    table: ShownTable
    chart: Markup | None
    numeric: tuple[bool, ...]  # per value column: right-aligned when it holds numbers
    has_suppressed: bool


@dataclass(frozen=True)
class PanelView:
    key: str
    title: str
    description: str
    tables: tuple[TableView, ...]
    notes: tuple[str, ...]
    refreshed: str
    downloads: tuple[tuple[str, str], ...]  # (format label, href)


def rag_tag(value) -> str | None:
    """The NHS.UK tag colour for a RAG written as a word, else None (the word is always shown)."""
    return RAG_TAGS.get(value.lower()) if isinstance(value, str) else None


def _table_view(panel_key: str, table: ShownTable) -> TableView:
    rows = table.all_rows
    numeric = tuple(
        any(i < len(row.cells) and downloads.is_number(row.cells[i].value) for row in rows)
        for i in range(len(table.columns) - 1)
    )
    return TableView(
        table=table,
        chart=charts.table_chart(table, chart_id=f"chart-{panel_key}-{table.key}"),
        numeric=numeric,
        has_suppressed=any(cell.suppressed for row in rows for cell in row.cells),
    )


def _panel_view(panel: service.ShownPanel, export_url, query: str) -> PanelView:
    links = ()
    if export_url is not None:
        links = tuple((fmt.upper(), f"{export_url(panel.key, fmt)}{query}") for fmt in FORMATS)
    return PanelView(
        key=panel.key,
        title=panel.title,
        description=panel.description,
        tables=tuple(_table_view(panel.key, t) for t in panel.tables),
        notes=panel.notes,
        refreshed=downloads.refreshed_words(panel.refreshed_at, live="Figures computed when you opened this page"),
        downloads=links,
    )


def _query(filters: Filters) -> dict:
    """The filters as the query string names the form reads (from, to, phase, school)."""
    query = {"from": filters.start.strftime("%Y-%m"), "to": filters.end.strftime("%Y-%m")}
    if filters.phase:
        query["phase"] = filters.phase
    if filters.school_id is not None:
        query["school"] = str(filters.school_id)
    return query


def _school_name(form: FilterForm, filters: Filters) -> str:
    if filters.school_id is None or "school" not in form.fields:
        return ""
    return next((str(name) for pk, name in form.fields["school"].choices if pk == filters.school_id), "")


def _filter_form(request, scope: Scope) -> FilterForm:
    return FilterForm(request.GET, scope=scope, allow_school=may_filter_by_school(request.user, scope))


def _render(request, scope: Scope, *, template_context: dict, export_url, board_pack_url: str):
    form = _filter_form(request, scope)
    panels, filters, query = [], None, {}
    if form.is_valid():
        filters = form.filters()
        query = _query(filters)
        # show the period in force (the default one when none was asked for) in the inputs
        form.data = {**form.data, "start": query["from"], "end": query["to"]}
        can_export = scopes.may_export(request.user, scope)
        qs = "?" + urlencode(query)
        shown = service.shown_panels(request.user, scope, filters)
        panels = [_panel_view(p, export_url if can_export else None, qs) for p in shown]
    context = {
        "scope": scope,
        "form": form,
        "filters": filters,
        "period": downloads.period_words(filters) if filters else "",
        "school_name": _school_name(form, filters) if filters else "",
        "panels": panels,
        "query": query,
        "board_pack_url": board_pack_url,
        "footnote": FOOTNOTE,
        "rag_tag": rag_tag,
        "national": scope.national,
        **template_context,
    }
    return render(request, "partnership/dashboard/dashboard.jinja", context)


# --- the pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    heading: str
    href: str
    description: str


@require_GET
def index(request):
    user = request.user
    entries = []
    if user.reads_national_dashboard:
        entries.append(
            Entry(
                "England (all partnerships)",
                reverse("dashboard_area", args=["national"]),
                "Every partnership's figures added together, published without small-number suppression.",
            )
        )
    commissioned = scopes.commissioner_scope(user)
    if commissioned is None and not user.reads_national_dashboard:
        raise PermissionDenied("You do not read any dashboard.")
    if commissioned is not None and len(commissioned.partnership_ids) > 1:
        entries.append(
            Entry(
                commissioned.label,
                reverse("dashboard_area", args=["commissioned"]),
                "The figures of every partnership whose dashboard you read, added together.",
            )
        )
    if commissioned is not None:
        for partnership in scopes.dashboard_partnerships(user):
            entries.append(
                Entry(
                    partnership.name,
                    reverse("dashboard", kwargs={"slug": partnership.slug}),
                    "This partnership's figures.",
                )
            )
    if len(entries) == 1:
        return redirect(entries[0].href)
    return render(request, "partnership/dashboard/index.jinja", {"entries": entries})


@require_GET
def partnership_dashboard(request, slug):
    partnership = partnership_for(request, slug, Permission.VIEW_DASHBOARDS)
    scope = scopes.partnership_scope(partnership)
    return _render(
        request,
        scope,
        template_context={"partnership": partnership, "area": None},
        export_url=lambda key, fmt: reverse("dashboard_panel_export", args=[partnership.slug, key, fmt]),
        board_pack_url=reverse("dashboard_board_pack", kwargs={"slug": partnership.slug}),
    )


def _area_scope(request, area: str) -> Scope:
    return scopes.area_scope_or_refuse(request.user, area)


@require_GET
def area_dashboard(request, area):
    scope = _area_scope(request, area)
    return _render(
        request,
        scope,
        template_context={"partnership": None, "area": area},
        export_url=lambda key, fmt: reverse("dashboard_area_export", args=[area, key, fmt]),
        board_pack_url=reverse("dashboard_area_board_pack", kwargs={"area": area}),
    )


# --- downloads -----------------------------------------------------------------------------------


def _export(request, scope: Scope, panel_key: str, fmt: str, *, name: str, partnership=None):
    user = request.user
    if not scopes.may_export(user, scope):
        raise PermissionDenied("Downloading aggregate figures needs the export permission.")
    panel = next((p for p in service.panels_for(user, scope) if p.key == panel_key), None)
    if panel is None or fmt not in FORMATS:
        raise Http404("There is no such panel to download.")
    form = _filter_form(request, scope)
    if not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(
            f"The filters are not valid: {problems}", status=400, content_type="text/plain; charset=utf-8"
        )
    filters = form.filters()
    shown = service.shown_panel(panel, scope, filters)
    audit.record(
        actor=user,
        action=AuditAction.EXPORT,
        object_type="dashboard_panel",
        object_id=panel.key,
        partnership=partnership,
        detail={
            "export": "dashboard_panel",
            "panel": panel.key,
            "format": fmt,
            "level": scope.level.value,
            "partnerships": list(scope.partnership_ids),
            "from": filters.start.isoformat(),
            "to": filters.end.isoformat(),
            "phase": filters.phase,
            "school": filters.school_id,
        },
    )
    context = downloads.ExportContext(
        scope=scope, filters=filters, school_name=_school_name(form, filters), generated_at=timezone.now()
    )
    filename = f"{name}-{panel.key}-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}.{fmt}"
    return FORMATS[fmt](shown, context, filename)


@require_GET
def partnership_panel_export(request, slug, panel, fmt):
    partnership = partnership_for(request, slug, Permission.VIEW_DASHBOARDS)
    scope = scopes.partnership_scope(partnership)
    return _export(request, scope, panel, fmt, name=partnership.slug, partnership=partnership)


@require_GET
def area_panel_export(request, area, panel, fmt):
    scope = _area_scope(request, area)
    name = "england" if scope.level == Level.NATIONAL else "commissioned"
    return _export(request, scope, panel, fmt, name=name)


# --- built elsewhere (partnership/views/exports.py rewires these URLs) ---------------------------
