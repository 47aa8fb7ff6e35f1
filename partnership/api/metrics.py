"""The metrics API (issue 7 item 5): the dashboard's figures, disclosure-controlled, as JSON.

- `GET /metrics/`: the panels the caller may read and the scopes they may read them at (each
  partnership where they read dashboards by its slug, `commissioned` for all of those together, and
  `national` for a national dashboard reader).
- `GET /metrics/{panel}/?partnership=<slug>` or `?scope=commissioned|national`, with the dashboard's
  filters `from`, `to` (YYYY-MM), `phase` and `school` (area leads, own partnership): one panel's
  tables with exactly the figures the dashboard page shows, because they come from the same
  `partnership.dashboards.service.shown_panel` (every table through `partnership.disclosure`).

Token or session, like the rest of the API. The caller needs VIEW_DASHBOARDS: another
partnership's slug is a 404, a partnership they see without reading its dashboards a 403, and the
national scope is for national dashboard readers only (403). Errors are `{"code", "message"}`,
plus `errors` keyed by query parameter for a bad filter (400).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import registry
from ..dashboards import scopes
from ..dashboards.filters import FilterForm, may_filter_by_school
from ..dashboards.service import panels_for, shown_panel
from ..disclosure import FOOTNOTE, ShownRow, ShownTable
from ..figures import Level, Scope
from ..models import Partnership
from ..roles import Permission
from ..scoping import get_for_user_or_404
from ..services.permissions import allowed
from .errors import ApiError, json_exception_handler
from .permissions import IsSignedIn

VIEW = Permission.VIEW_DASHBOARDS
AREAS = ("commissioned", "national")


# --- errors ----------------------------------------------------------------------------------------
def _translate(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound("No such panel or partnership, or you can't see it.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied("You do not read this partnership's dashboards.")
    return exc


exception_handler = json_exception_handler(_translate)


class DashboardReader(IsSignedIn):
    """Reads some dashboard: VIEW_DASHBOARDS in a partnership, or the national dashboard."""

    message = "You do not read dashboards."

    def has_permission(self, request, view):
        user = request.user
        return super().has_permission(request, view) and (user.has_permission(VIEW) or user.reads_national_dashboard)


class MetricsView(APIView):
    permission_classes = [DashboardReader]

    def get_exception_handler(self):
        return exception_handler


# --- serializers (the response shapes, for the schema) ----------------------------------------------
@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "nullable": True,
        "description": 'A number; "*" when suppressed (or another string for a text cell); null for no data.',
    }
)
class ValueField(serializers.Field):
    def to_representation(self, value):
        return value


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="not_authenticated, permission_denied, not_found, invalid, ...")
    message = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a bad query parameter: its name and what is wrong with it.",
    )


class MetricsScopeSerializer(serializers.Serializer):
    scope = serializers.CharField(help_text='A partnership\'s slug, "commissioned" or "national".')
    level = serializers.ChoiceField(choices=[level.value for level in Level])
    label = serializers.CharField()
    suppressed = serializers.BooleanField(help_text="Small numbers are suppressed (everywhere below national level).")


class MetricsPanelSummarySerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField(), help_text="Where the caller may read this panel.")
    url = serializers.CharField()


class MetricsIndexSerializer(serializers.Serializer):
    scopes = MetricsScopeSerializer(many=True)
    panels = MetricsPanelSummarySerializer(many=True)
    footnote = serializers.CharField(help_text="How small numbers are shown.")


class MetricsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    values = serializers.ListField(child=ValueField(), help_text="One per column after the first.")


class MetricsTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    columns = serializers.ListField(child=serializers.CharField(), help_text="The first names the row labels.")
    units = serializers.ListField(child=serializers.CharField(allow_blank=True), help_text="Per value column.")
    rows = MetricsRowSerializer(many=True)
    total = MetricsRowSerializer(allow_null=True, help_text="From the raw figures, disclosed like any row.")


class MetricsPeriodSerializer(serializers.Serializer):
    start = serializers.DateField(help_text="The first day of the first month.")
    end = serializers.DateField(help_text="The last day of the last month.")


class MetricsFiltersSerializer(serializers.Serializer):
    phase = serializers.CharField(allow_blank=True, help_text='A school phase, or "" for all.')
    school = serializers.IntegerField(allow_null=True, help_text="One school's id (area leads only), or null.")


class MetricsPanelSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    scope = MetricsScopeSerializer()
    period = MetricsPeriodSerializer()
    filters = MetricsFiltersSerializer()
    refreshed_at = serializers.DateTimeField(allow_null=True, help_text="When the figures' rollups were refreshed.")
    footnote = serializers.CharField()
    notes = serializers.ListField(child=serializers.CharField())
    tables = MetricsTableSerializer(many=True)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ApiErrorSerializer, description=description)


# --- what the views share -----------------------------------------------------------------------------
def _scope_entry(scope: Scope, name: str) -> dict:
    return {"scope": name, "level": scope.level.value, "label": scope.label, "suppressed": not scope.national}


def available_scopes(user) -> list[tuple[str, Scope]]:
    found = [(p.slug, scopes.partnership_scope(p)) for p in scopes.dashboard_partnerships(user)]
    for area in AREAS:
        scope = scopes.area_scope(user, area)
        if scope is not None:
            found.append((area, scope))
    return found


def _resolve_scope(request) -> tuple[str, Scope]:
    slug = request.query_params.get("partnership", "").strip()
    area = request.query_params.get("scope", "").strip()
    if slug and area:
        raise ApiError(400, "invalid", "Send partnership or scope, not both.", {"scope": ["Send one, not both"]})
    if slug:
        if "\x00" in slug:  # no slug holds one, and PostgreSQL cannot compare with one
            raise exceptions.NotFound("No such partnership.")
        partnership = get_for_user_or_404(Partnership, request.user, Permission.VIEW_PARTNERSHIP, slug=slug)
        if not allowed(request.user, partnership, VIEW):
            raise exceptions.PermissionDenied("You do not read this partnership's dashboards.")
        return slug, scopes.partnership_scope(partnership)
    if area and area not in AREAS:
        raise ApiError(
            400, "invalid", "Unknown scope.", {"scope": ['Choose "commissioned" or "national", or send partnership']}
        )
    if not area:  # the caller's own partnerships together, or the national view for a national reader only
        area = "commissioned" if request.user.has_permission(VIEW) else "national"
    scope = scopes.area_scope(request.user, area)
    if scope is None:
        raise exceptions.PermissionDenied(
            "Only national dashboard readers read the national scope."
            if area == "national"
            else "You do not read any partnership's dashboards."
        )
    return area, scope


def _filters(request, scope: Scope):
    allow_school = may_filter_by_school(request.user, scope)
    if request.query_params.get("school", "").strip() and not allow_school:
        raise ApiError(
            400,
            "invalid",
            "There is a problem with the filters: see errors for each parameter.",
            {"school": ["Only an area lead can filter by school, on their own partnership's figures"]},
        )
    form = FilterForm(request.query_params, scope=scope, allow_school=allow_school)
    if not form.is_valid():
        names = {"start": "from", "end": "to", "__all__": "non_field_errors"}
        errors = {names.get(field, field): [str(m) for m in messages] for field, messages in form.errors.items()}
        raise ApiError(400, "invalid", "There is a problem with the filters: see errors for each parameter.", errors)
    return form.filters()


def json_value(value):
    """A shown value as JSON: numbers stay numbers, "*" and text stay strings, None is null."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


def _row(row: ShownRow) -> dict:
    return {"label": row.label, "values": [json_value(cell.value) for cell in row.cells]}


def table_json(table: ShownTable) -> dict:
    sample = table.total or (table.rows[0] if table.rows else None)
    units = [cell.unit for cell in sample.cells] if sample else [""] * (len(table.columns) - 1)
    return {
        "key": table.key,
        "title": table.title,
        "description": table.description,
        "columns": list(table.columns),
        "units": units,
        "rows": [_row(row) for row in table.rows],
        "total": _row(table.total) if table.total else None,
    }


# --- the endpoints -------------------------------------------------------------------------------------
class MetricsIndex(MetricsView):
    """The panels the caller may read, and the scopes they may read them at."""

    @extend_schema(
        operation_id="metrics_index",
        summary="The dashboard panels and scopes you may read",
        responses={
            200: MetricsIndexSerializer,
            401: _error("No valid token or session."),
            403: _error("The caller reads no dashboards."),
        },
    )
    def get(self, request):
        entries, where = [], {}
        for name, scope in available_scopes(request.user):
            entries.append(_scope_entry(scope, name))
            for panel in panels_for(request.user, scope):
                where.setdefault(panel.key, []).append(name)
        panels = [
            {
                "key": panel.key,
                "title": panel.title,
                "description": panel.description,
                "scopes": where[panel.key],
                "url": request.build_absolute_uri(reverse("api_metrics_panel", args=[panel.key])),
            }
            for panel in registry.dashboard_panels()
            if panel.key in where
        ]
        return Response(MetricsIndexSerializer({"scopes": entries, "panels": panels, "footnote": FOOTNOTE}).data)


PANEL_PARAMETERS = [
    OpenApiParameter("panel", str, OpenApiParameter.PATH, description="The panel's key, from GET /metrics/."),
    OpenApiParameter("partnership", str, description="A partnership's slug (where you read dashboards)."),
    OpenApiParameter(
        "scope",
        str,
        enum=list(AREAS),
        description="commissioned: every partnership where you read dashboards, together; national: every "
        "partnership (national dashboard readers only). Without partnership or scope: commissioned.",
    ),
    OpenApiParameter("from", str, description="The first month, YYYY-MM (default: 11 months before this one)."),
    OpenApiParameter("to", str, description="The last month, YYYY-MM (default: this month); at most 60 months."),
    OpenApiParameter("phase", str, description="Only schools of this phase (e.g. Primary, Secondary)."),
    OpenApiParameter(
        "school", OpenApiTypes.INT, description="Only this school (area leads, their own partnership only)."
    ),
]


class MetricsPanel(MetricsView):
    """One panel's tables for a scope and filters, exactly as the dashboard page shows them."""

    @extend_schema(
        operation_id="metrics_panel",
        summary="One dashboard panel's figures (small numbers suppressed)",
        parameters=PANEL_PARAMETERS,
        responses={
            200: MetricsPanelSerializer,
            400: _error("A bad filter or scope (code invalid, errors by parameter)."),
            401: _error("No valid token or session."),
            403: _error("The caller does not read this scope's dashboards, or this panel."),
            404: _error("No such panel, or a partnership the caller cannot see."),
        },
    )
    def get(self, request, panel):
        name, scope = _resolve_scope(request)
        found = registry.dashboard_panel(panel)
        if found is None:
            raise exceptions.NotFound("No such panel.")
        if found.key not in {p.key for p in panels_for(request.user, scope)}:
            raise exceptions.PermissionDenied("You may not read this panel for this scope.")
        filters = _filters(request, scope)
        shown = shown_panel(found, scope, filters)
        data = {
            "key": shown.key,
            "title": shown.title,
            "description": shown.description,
            "scope": _scope_entry(scope, name),
            "period": {"start": filters.start, "end": filters.end},
            "filters": {"phase": filters.phase, "school": filters.school_id},
            "refreshed_at": shown.refreshed_at,
            "footnote": FOOTNOTE,
            "notes": list(shown.notes),
            "tables": [table_json(table) for table in shown.tables],
        }
        return Response(MetricsPanelSerializer(data).data, status=status.HTTP_200_OK)
