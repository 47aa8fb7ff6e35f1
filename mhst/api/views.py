"""The MHST API under /api/v1/mhst/ (issue 6 item 8): read teams, approved allocations with their
rationale, readiness and aggregated activity; record activity (MHST staff, their own team).

- `GET teams/`, `teams/{id}/` (VIEW_PARTNERSHIP): the caller's partnerships' teams with today's
  capacity; `?partnership=<slug>`.
- `GET allocations/`, `allocations/{id}/` (VIEW_PARTNERSHIP): approved (active) versions only, and
  superseded ones with `?include=superseded`; never a proposal, a refusal or a withdrawal, even to
  the team's managers (a proposal's id is a 404). `?partnership=<slug>`, `?team=<id>`.
- `GET readiness/`: each school the caller may see the checklist of (mhst.access): their own
  school (MANAGE_SCHOOL_READINESS), the schools allocated to the teams they manage (MANAGE_MHST),
  every allocated school (APPROVE_MHST_ALLOCATIONS).
- `GET activity/summary/` (VIEW_DASHBOARDS: every team of those partnerships; RECORD_MHST_ACTIVITY:
  their own team): counts, minutes and people reached by function, school and month; never rows.
- `POST activity/` (RECORD_MHST_ACTIVITY at the team's provider): one piece of work, counts only.
"""

import datetime
import re

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from partnership.api.permissions import HasPermission, IsSignedIn
from partnership.api.schema import StrictPageNumberPagination
from partnership.models import Organisation, Partnership
from partnership.roles import Permission

from .. import access
from ..models import (
    READINESS_ITEMS,
    Activity,
    Allocation,
    AllocationStatus,
    Function,
    ReadinessCode,
    ReadinessItem,
    ReadinessStatus,
    Team,
)
from .activity import KeyReused, record_activity
from .errors import NOT_FOUND, UNAUTHENTICATED, ApiError, JsonErrors, error, invalid
from .serializers import (
    MhstActivitySerializer,
    MhstActivitySummarySerializer,
    MhstActivityWriteSerializer,
    MhstAllocationSerializer,
    MhstReadinessSerializer,
    MhstTeamSerializer,
)

VIEW = Permission.VIEW_PARTNERSHIP
INVALID_PAGE = error("No such page (a page number that is empty, not a number or past the last page).")
RECORD = Permission.RECORD_MHST_ACTIVITY
MAX_KEY = 100
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def HasAnyPermission(*permissions: Permission) -> type[BasePermission]:
    """Signed in and holding at least one of `permissions` in some membership."""

    class _HasAny(IsSignedIn):
        def has_permission(self, request, view):
            return super().has_permission(request, view) and any(request.user.has_permission(p) for p in permissions)

    _HasAny.__name__ = "Has_any_of_" + "_".join(p.value for p in permissions)
    return _HasAny


def _integer(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise invalid({name: [f"Enter the {name}'s id, a whole number"]})
    return int(value)


def _date(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        if not DATE.match(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise invalid({name: ["Enter a real date as YYYY-MM-DD, for example 2026-01-31"]}) from None


PARTNERSHIP = OpenApiParameter("partnership", str, description="Only this partnership (its slug).")
TEAM = OpenApiParameter("team", int, description="Only this team (its id).")
ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


# --- teams -------------------------------------------------------------------------------------
class _Teams(JsonErrors):
    permission_classes = [HasPermission(VIEW)]
    pagination_class = StrictPageNumberPagination
    serializer_class = MhstTeamSerializer
    filter_backends = []

    def get_queryset(self):
        teams = (
            Team.objects.for_user(self.request.user, VIEW)
            .select_related("partnership", "provider")
            .prefetch_related("practitioners")
            .order_by("partnership__slug", "name", "pk")
        )
        slug = self.request.query_params.get("partnership")
        return teams.filter(partnership__slug=slug) if slug else teams

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema_view(
    get=extend_schema(
        operation_id="mhst_teams_list",
        summary="List Mental Health Support Teams",
        parameters=[PARTNERSHIP],
        responses={
            200: MhstTeamSerializer(many=True),
            401: UNAUTHENTICATED,
            403: error("Not a partnership member."),
            404: INVALID_PAGE,
        },
    )
)
class TeamList(_Teams, generics.ListAPIView):
    """The MHSTs of the caller's partnerships, each with today's capacity in whole-time equivalents
    (qualified practitioners for direct work; trainees and others shown separately)."""


@extend_schema_view(
    get=extend_schema(
        operation_id="mhst_teams_retrieve",
        summary="One Mental Health Support Team",
        parameters=[ID],
        responses={200: MhstTeamSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
)
class TeamDetail(_Teams, generics.RetrieveAPIView):
    """One team with today's capacity. Another partnership's team is a 404."""


# --- allocations -------------------------------------------------------------------------------
INCLUDE = OpenApiParameter(
    "include", str, enum=["superseded"], description="`superseded`: earlier approved versions as well."
)


class _Allocations(JsonErrors):
    permission_classes = [HasPermission(VIEW)]
    serializer_class = MhstAllocationSerializer
    filter_backends = []
    pagination_class = StrictPageNumberPagination

    def statuses(self):
        include = self.request.query_params.get("include")
        if include not in (None, "superseded"):
            raise invalid({"include": ["Leave include out, or send superseded"]})
        return [AllocationStatus.APPROVED, *([AllocationStatus.SUPERSEDED] if include else [])]

    def get_queryset(self):
        # Approved (and superseded) only: proposals never leave through the API, even to managers.
        allocations = (
            Allocation.objects.for_user(self.request.user, VIEW)
            .filter(status__in=self.statuses())
            .select_related("team__partnership", "method", "decision", "meeting", "decided_by")
            .prefetch_related("lines__school")
            .order_by("team__partnership__slug", "team__name", "-number")
        )
        slug = self.request.query_params.get("partnership")
        if slug:
            allocations = allocations.filter(team__partnership__slug=slug)
        team = _integer(self.request, "team")
        return allocations if team is None else allocations.filter(team_id=team)


@extend_schema_view(
    get=extend_schema(
        operation_id="mhst_allocations_list",
        summary="List approved MHST allocations",
        parameters=[PARTNERSHIP, TEAM, INCLUDE],
        responses={
            200: MhstAllocationSerializer(many=True),
            400: error("A bad filter value (code invalid, errors by parameter)."),
            401: UNAUTHENTICATED,
            403: error("Not a partnership member."),
            404: INVALID_PAGE,
        },
    )
)
class AllocationList(_Allocations, generics.ListAPIView):
    """The approved (active) allocation of each team of the caller's partnerships, with its
    rationale, the method and weights it was calculated with, the governance board's decision and
    every school's share with the workings of its need score. Proposals are never listed."""


@extend_schema_view(
    get=extend_schema(
        operation_id="mhst_allocations_retrieve",
        summary="One approved MHST allocation version",
        parameters=[ID],
        responses={200: MhstAllocationSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
)
class AllocationDetail(_Allocations, generics.RetrieveAPIView):
    """One approved or superseded allocation version. A proposal (or a refused or withdrawn one) is
    a 404, as is another partnership's."""

    def statuses(self):
        return list(access.PUBLIC_STATUSES)


# --- readiness ---------------------------------------------------------------------------------
def _readable_schools(user) -> list[tuple[Partnership, set[int]]]:
    """For each of the user's partnerships, the schools whose readiness they may see."""
    found = []
    for partnership in Partnership.objects.for_user(user, VIEW).order_by("slug"):
        schools = set(access.my_schools(user, partnership))
        managed = access.managed_teams(user, partnership).values_list("pk", flat=True)
        schools |= access.allocated_schools(managed)
        if access.holds(user, partnership, Permission.APPROVE_MHST_ALLOCATIONS):
            teams = Team.objects.for_user(user, VIEW).filter(partnership=partnership).values_list("pk", flat=True)
            schools |= access.allocated_schools(teams)
        if schools:
            found.append((partnership, schools))
    return found


def readiness_rows(user) -> list[dict]:
    rows = []
    for partnership, school_ids in _readable_schools(user):
        items = {}
        for item in (
            ReadinessItem.objects.for_user(user, VIEW)
            .filter(partnership=partnership, school_id__in=school_ids)
            .select_related("confirmed_by")
        ):
            items[(item.school_id, item.code)] = item
        for school in Organisation.objects.filter(pk__in=school_ids).order_by("name", "pk"):
            checklist = []
            for code in ReadinessCode:
                item = items.get((school.pk, code.value))
                checklist.append(
                    {
                        "code": code.value,
                        "label": code.label,
                        "description": code.description,
                        "status": item.status if item else ReadinessStatus.NOT_STARTED,
                        "evidence": item.evidence if item else "",
                        "confirmed_by": item.confirmed_by.full_name if item and item.confirmed_by else None,
                        "confirmed_at": item.confirmed_at if item else None,
                    }
                )
            met = sum(1 for entry in checklist if entry["status"] == ReadinessStatus.MET)
            rows.append(
                {
                    "partnership": partnership.slug,
                    "school": school,
                    "met": met,
                    "total": READINESS_ITEMS,
                    "ready": met == READINESS_ITEMS,
                    "items": checklist,
                }
            )
    return rows


@extend_schema_view(
    get=extend_schema(
        operation_id="mhst_readiness_list",
        summary="Schools' MHST readiness checklists",
        parameters=[PARTNERSHIP],
        responses={
            200: MhstReadinessSerializer(many=True),
            401: UNAUTHENTICATED,
            403: error("The caller neither keeps a school's checklist, manages a team nor approves allocations."),
            404: INVALID_PAGE,
        },
    )
)
class ReadinessList(JsonErrors, generics.ListAPIView):
    """The ten-item checklist of each school the caller may see: their own school (its senior mental
    health lead), the schools allocated to the team they manage, or every allocated school (those
    who approve allocations). An item never touched reads not_started; ready means all ten met."""

    permission_classes = [
        HasAnyPermission(
            Permission.MANAGE_SCHOOL_READINESS, Permission.MANAGE_MHST, Permission.APPROVE_MHST_ALLOCATIONS
        )
    ]
    serializer_class = MhstReadinessSerializer
    filter_backends = []
    pagination_class = StrictPageNumberPagination

    def get_queryset(self):
        rows = readiness_rows(self.request.user)
        slug = self.request.query_params.get("partnership")
        return [row for row in rows if row["partnership"] == slug] if slug else rows


# --- activity ----------------------------------------------------------------------------------
def summary_teams(user):
    """Every team of the partnerships where the user reads dashboards, and the user's own team."""
    dashboards = Team.objects.for_user(user, Permission.VIEW_DASHBOARDS)
    own = Team.objects.for_user(user, RECORD).managed_by(user, RECORD)
    return Team.objects.for_user(user, VIEW).filter(Q(pk__in=dashboards) | Q(pk__in=own))


def _figures(rows) -> dict:
    return {
        "sessions": rows.get("sessions") or 0,
        "minutes": rows.get("minutes") or 0,
        "children": rows.get("children") or 0,
        "adults": rows.get("adults") or 0,
    }


FIGURES = {
    "sessions": Count("pk"),
    "minutes": Sum("duration_minutes"),
    "children": Sum("children_reached"),
    "adults": Sum("adults_reached"),
}


def activity_summary(user, team_id=None, date_from=None, date_to=None) -> dict:
    teams = summary_teams(user).order_by("name", "pk")
    if team_id is not None:
        teams = teams.filter(pk=team_id)
        if not teams.exists():
            raise Http404
    activity = Activity.objects.for_user(user, VIEW).filter(team__in=teams)
    if date_from:
        activity = activity.filter(date__gte=date_from)
    if date_to:
        activity = activity.filter(date__lte=date_to)
    by_function = {row["function"]: row for row in activity.values("function").annotate(**FIGURES).order_by()}
    schools = activity.values("school_id", "school__name", "school__urn").annotate(**FIGURES).order_by("school__name")
    months = activity.annotate(month=TruncMonth("date")).values("month").annotate(**FIGURES).order_by("month")
    return {
        "teams": [{"id": team.pk, "name": team.name} for team in teams],
        "date_from": date_from,
        "date_to": date_to,
        "totals": _figures(activity.aggregate(**FIGURES)),
        "by_function": [
            {"function": f.value, "label": f.label, "title": f.title, **_figures(by_function.get(f.value, {}))}
            for f in Function
        ],
        "by_school": [
            {"school": {"id": r["school_id"], "name": r["school__name"], "urn": r["school__urn"]}, **_figures(r)}
            for r in schools
        ],
        "by_month": [{"month": f"{r['month']:%Y-%m}", **_figures(r)} for r in months],
    }


class ActivitySummary(JsonErrors, APIView):
    permission_classes = [HasAnyPermission(Permission.VIEW_DASHBOARDS, RECORD)]

    @extend_schema(
        operation_id="mhst_activity_summary",
        summary="MHST activity in aggregate",
        parameters=[
            OpenApiParameter("team", int, description="Only this team (one you can see the figures of)."),
            OpenApiParameter("from", OpenApiTypes.DATE, description="From this day (YYYY-MM-DD), inclusive."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="To this day (YYYY-MM-DD), inclusive."),
        ],
        responses={
            200: MhstActivitySummarySerializer,
            400: error("A bad team id or date (code invalid, errors by parameter)."),
            401: UNAUTHENTICATED,
            403: error("The caller neither reads dashboards nor records MHST activity."),
            404: error("The team is not one whose figures the caller may see."),
        },
    )
    def get(self, request):
        """Sessions, minutes, children and adults reached, in total and by function (all three),
        by school and by month. For those who read dashboards: every team of their partnerships; for
        MHST staff: their own team. Counts only: the log never holds a child's details."""
        team_id = _integer(request, "team")
        date_from, date_to = _date(request, "from"), _date(request, "to")
        if date_from and date_to and date_from > date_to:
            raise invalid({"to": ["The end date must be the same as or after the start date"]})
        data = activity_summary(request.user, team_id, date_from, date_to)
        return Response(MhstActivitySummarySerializer(data).data)


IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Optional, 1 to 100 characters you make per activity (a UUID): sending it again with the same "
    "details returns the same activity (200), never a second one.",
)


class ActivityCreate(JsonErrors, APIView):
    permission_classes = [HasPermission(RECORD)]

    @extend_schema(
        operation_id="mhst_activity_create",
        summary="Record a piece of MHST activity",
        parameters=[IDEMPOTENCY_KEY],
        request=MhstActivityWriteSerializer,
        responses={
            201: OpenApiResponse(MhstActivitySerializer, description="Recorded."),
            200: OpenApiResponse(MhstActivitySerializer, description="This Idempotency-Key was used: that activity."),
            400: error("invalid with errors by field, including Unknown field for anything not listed."),
            401: UNAUTHENTICATED,
            403: error("The caller does not record MHST activity."),
            404: error("The team is not the caller's own."),
            422: error("idempotency_key_reused: this key recorded an activity with other details."),
        },
    )
    def post(self, request):
        """Record one piece of work in a school for your own team: date, school, practitioner,
        function, type, duration and how many children and adults were reached. Counts only: any
        other field is refused, so a child's details can never be stored."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > MAX_KEY:
            raise ApiError(400, "idempotency_key_too_long", f"Idempotency-Key: {MAX_KEY} characters at most.")
        if not isinstance(request.data, dict):
            raise invalid({"non_field_errors": ["Send one activity as a JSON object"]})
        allowed = set(MhstActivityWriteSerializer().fields)
        unknown = sorted(str(name) for name in request.data if name not in allowed)
        if unknown:
            raise invalid({name: ["Unknown field: the activity log holds counts only"] for name in unknown})
        body = MhstActivityWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        team = get_object_or_404(
            Team.objects.for_user(request.user, RECORD).managed_by(request.user, RECORD), pk=values.pop("team")
        )
        try:
            activity, created = record_activity(
                by=request.user,
                team=team,
                school_id=values.pop("school"),
                practitioner_id=values.pop("practitioner"),
                idempotency_key=key,
                **values,
            )
        except KeyReused:
            raise ApiError(
                422,
                "idempotency_key_reused",
                "This Idempotency-Key recorded an activity with other details: use a new key.",
            ) from None
        return Response(
            MhstActivitySerializer(activity).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )
