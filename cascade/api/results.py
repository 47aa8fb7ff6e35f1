"""The CASCADE results API: one partnership's computed results for a round.

`GET /api/v1/cascade/partnerships/{slug}/results/?round=1` needs VIEW_CASCADE_RESULTS; the
partnership is reached through the caller's scope (another partnership is a 404). Every number
comes from cascade.results (exact fractions): means are given unrounded (a decimal string with
ten places, and the exact fraction) and rounded to one decimal, halves away from zero.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from partnership.api.permissions import HasPermission
from partnership.api.schema import FILTER_ERRORS, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED
from partnership.models import Partnership
from partnership.roles import Permission
from partnership.scoping import get_for_user_or_404

from ..models import DomainScore
from ..presenters import decimal
from ..queries import cohort_results, partnership_result
from ..results import LEVELS, Band, Result, one_decimal
from ..services.framework import current_framework

VIEW = Permission.VIEW_CASCADE_RESULTS
PLACES = 10


class LevelCountSerializer(serializers.Serializer):
    score = serializers.IntegerField(
        help_text="The level: 0 Major challenge, 1 Good elements of practice, "
        "2 Widespread good practice, 3 Gold standard."
    )
    tables = serializers.IntegerField(help_text="How many tables scored the domain at this level.")


class DomainResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    letter = serializers.CharField()
    title = serializers.CharField()
    tables = serializers.IntegerField(help_text="How many tables scored this domain.")
    mean = serializers.CharField(allow_null=True, help_text="The mean score, unrounded, to ten decimal places.")
    mean_fraction = serializers.CharField(allow_null=True, help_text="The mean as an exact fraction, e.g. 5/3.")
    mean_rounded = serializers.DecimalField(
        max_digits=3, decimal_places=1, allow_null=True, help_text="The mean to one decimal place, as shown on pages."
    )
    distribution = LevelCountSerializer(many=True, help_text="Tables at each level 0-3.")
    major_challenge_percent = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="% of tables at 0 Major challenge (one decimal)."
    )
    widespread_or_better_percent = serializers.DecimalField(
        max_digits=4,
        decimal_places=1,
        allow_null=True,
        help_text="% of tables at 2 Widespread good practice or 3 Gold standard (one decimal).",
    )


class ResultSerializer(serializers.Serializer):
    domains = DomainResultSerializer(many=True)
    total = serializers.CharField(
        allow_null=True,
        help_text="Sum of the seven domain means (0-21), unrounded; null until every domain has a score.",
    )
    total_rounded = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    band = serializers.ChoiceField(
        choices=[b.value for b in Band],
        allow_null=True,
        help_text="Of the exact total: Very low < 4.0 <= Low < 5.0 <= Fair < 6.0 <= High.",
    )


class CohortResultSerializer(ResultSerializer):
    cohort = serializers.CharField()


class PartnershipResultsSerializer(ResultSerializer):
    partnership = serializers.CharField(help_text="The partnership's slug.")
    round = serializers.IntegerField()
    framework = serializers.CharField(help_text="The framework's code and version.")
    cohorts = CohortResultSerializer(many=True)


def _percent(share):
    return None if share is None else one_decimal(share * 100)


def result_data(result: Result, domains) -> dict:
    return {
        "domains": [
            {
                "code": d.code,
                "letter": d.letter,
                "title": d.title,
                "tables": result.domains[d.code].tables,
                "mean": decimal(result.domains[d.code].mean, PLACES) or None,
                "mean_fraction": None if result.domains[d.code].mean is None else str(result.domains[d.code].mean),
                "mean_rounded": result.domains[d.code].mean_rounded,
                "distribution": [
                    {"score": level, "tables": result.domains[d.code].distribution.get(level, 0)} for level in LEVELS
                ],
                "major_challenge_percent": _percent(result.domains[d.code].major_challenge_share),
                "widespread_or_better_percent": _percent(result.domains[d.code].widespread_or_better_share),
            }
            for d in domains
        ],
        "total": decimal(result.total, PLACES) or None,
        "total_rounded": result.total_rounded,
        "band": result.band.value if result.band else None,
    }


class PartnershipResults(GenericAPIView):
    """The partnership's CASCADE results for a round: per domain the mean (unrounded and to one
    decimal), the tables at each level and the two percentages, the total and its band; then the
    same for each cohort. Another partnership (or one the caller cannot see) is a 404."""

    permission_classes = [HasPermission(VIEW)]
    serializer_class = PartnershipResultsSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        operation_id="cascade_results_retrieve",
        summary="A partnership's CASCADE results for a round",
        parameters=[
            OpenApiParameter(
                "round", OpenApiTypes.INT, enum=[1, 2], required=False, description="1 (baseline, the default) or 2."
            )
        ],
        responses={
            200: PartnershipResultsSerializer,
            400: OpenApiResponse(FILTER_ERRORS, description="A round other than 1 or 2."),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def get(self, request, slug):
        value = request.query_params.get("round", "1")
        if value not in ("1", "2"):
            raise ValidationError({"round": ["Round must be 1 or 2"]})
        round_ = int(value)
        partnership = get_for_user_or_404(Partnership, request.user, VIEW, slug=slug)
        framework = current_framework()
        domains = list(framework.domains.order_by("position"))
        scores = DomainScore.objects.for_user(request.user, VIEW)
        kwargs = {"partnership": partnership, "framework": framework, "round": round_}
        data = {
            "partnership": partnership.slug,
            "round": round_,
            "framework": f"{framework.code} {framework.version}",
            **result_data(partnership_result(scores, **kwargs), domains),
            "cohorts": [
                {"cohort": name, **result_data(result, domains)}
                for name, result in cohort_results(scores, **kwargs).items()
            ],
        }
        return Response(self.get_serializer(data).data)
