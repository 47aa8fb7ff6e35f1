"""The CASCADE workshops and table scores API.

Reads need VIEW_CASCADE_RESULTS; writing a score needs RUN_CASCADE_WORKSHOPS in the table's
partnership (facilitators and the area lead: commissioners and steering members get 403). Rows are
reached only through `Model.objects.for_user(...)`: another partnership's workshop or table is a
404. A score is written only through `record_score`, so the page, the API and the import refuse the
same things with the same messages; its ValidationErrors come back keyed by field (400), or as 409
when the workshop is closed.
"""

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from partnership.api.filters import StrictFilterBackend
from partnership.api.permissions import HasPermission
from partnership.api.schema import (
    FORBIDDEN,
    NOT_FOUND,
    UNAUTHENTICATED,
    StrictPageNumberPagination,
    detail_responses,
    list_responses,
)
from partnership.roles import Permission
from partnership.services.permissions import allowed

from ..models import DomainScore, ScoringTable, Workshop
from ..services.scoring import record_score
from .serializers import (
    DomainScoreSerializer,
    ErrorSerializer,
    SavedScoreSerializer,
    ScoreWriteSerializer,
    WorkshopSerializer,
)

VIEW = Permission.VIEW_CASCADE_RESULTS
RUN = Permission.RUN_CASCADE_WORKSHOPS


class WorkshopFilter(django_filters.FilterSet):
    partnership = django_filters.CharFilter(
        field_name="partnership__slug", label="Only this partnership (its slug, for example northshire)"
    )
    cohort = django_filters.CharFilter(field_name="cohort__name", lookup_expr="iexact", label="The cohort's name")
    round = django_filters.ChoiceFilter(choices=Workshop.Round.choices)
    status = django_filters.ChoiceFilter(choices=Workshop.Status.choices)

    class Meta:
        model = Workshop
        fields = []


class _Workshops:
    permission_classes = [HasPermission(VIEW)]
    serializer_class = WorkshopSerializer
    filterset_class = WorkshopFilter
    pagination_class = StrictPageNumberPagination
    filter_backends = [StrictFilterBackend]

    def get_queryset(self):
        tables = ScoringTable.objects.for_user(self.request.user, VIEW).prefetch_related("organisations", "scores")
        return (
            Workshop.objects.for_user(self.request.user, VIEW)
            .select_related("partnership", "cohort", "framework")
            .prefetch_related(Prefetch("tables", queryset=tables))
            .order_by("-held_on", "cohort__name", "round")
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="cascade_workshops_list",
        summary="List CASCADE workshops",
        responses=list_responses(WorkshopSerializer),
    )
)
class WorkshopList(_Workshops, generics.ListAPIView):
    """The CASCADE workshops of the caller's partnerships, newest first, each with its tables. Filter
    by partnership slug, cohort name, round (1 or 2) and status (open or closed)."""


@extend_schema_view(
    get=extend_schema(
        operation_id="cascade_workshops_retrieve",
        summary="One CASCADE workshop",
        responses=detail_responses(WorkshopSerializer),
    )
)
class WorkshopDetail(_Workshops, generics.RetrieveAPIView):
    """One workshop with its tables. Another partnership's workshop is a 404."""

    filterset_class = None


def _table(request, pk) -> ScoringTable:
    """A table the caller may see (else 404), with its workshop and framework."""
    tables = ScoringTable.objects.for_user(request.user, VIEW).select_related("workshop__framework")
    return get_object_or_404(tables, pk=pk)


def _levels(table: ScoringTable) -> dict[int, str]:
    return dict(table.workshop.framework.levels.values_list("score", "label"))


@extend_schema_view(
    get=extend_schema(
        operation_id="cascade_table_scores_list",
        summary="A table's scores",
        responses=detail_responses(DomainScoreSerializer(many=True)),
    )
)
class TableScores(generics.ListAPIView):
    """The table's score for every domain it has scored, in the framework's order, with the notes.
    Another partnership's table is a 404."""

    permission_classes = [HasPermission(VIEW)]
    serializer_class = DomainScoreSerializer
    pagination_class = None  # at most one row per domain of the framework

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view for the schema
            return DomainScore.objects.for_user(None).none()
        self.table = _table(self.request, self.kwargs["pk"])
        return (
            DomainScore.objects.for_user(self.request.user, VIEW)
            .filter(table=self.table)
            .select_related("domain")
            .order_by("domain__position")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "table", None) is not None:
            context["levels"] = _levels(self.table)
        return context


ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="A score outside 0-3, an unknown domain or a note too long."),
    401: UNAUTHENTICATED,
    403: OpenApiResponse(
        FORBIDDEN.response,
        description="The caller may read this table but not score it (commissioners, steering members).",
    ),
    404: OpenApiResponse(NOT_FOUND.response, description="No such table in the caller's partnerships."),
    409: OpenApiResponse(ErrorSerializer, description="The workshop is closed: only the area lead can reopen it."),
}


class TableDomainScore(generics.GenericAPIView):
    """Save the table's score for one domain, with any of its notes (notes left out keep their
    text). Sending the same values again changes nothing and writes no audit event, so a client
    may safely resend a change it is unsure was saved."""

    permission_classes = [HasPermission(VIEW)]  # and RUN_CASCADE_WORKSHOPS in the table's partnership
    serializer_class = ScoreWriteSerializer

    @extend_schema(
        operation_id="cascade_table_score_update",
        summary="Save a table's score for one domain",
        parameters=[OpenApiParameter("domain_code", str, OpenApiParameter.PATH, description="For example clarity.")],
        request=ScoreWriteSerializer,
        responses={200: SavedScoreSerializer, **ERRORS},
    )
    def put(self, request, pk, domain_code):
        table = _table(request, pk)
        if not allowed(request.user, table.workshop.partnership_id, RUN):
            raise PermissionDenied("Only the workshop's facilitators and the area lead can record scores.")
        body = ScoreWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            score, changed = record_score(table=table, by=request.user, domain=domain_code, **body.validated_data)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            conflict = "workshop" in errors
            return Response(errors, status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST)
        score.changed = changed
        data = SavedScoreSerializer(score, context={"levels": _levels(table)}).data
        return Response(data)
