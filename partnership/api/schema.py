"""What DRF's own error responses look like, for the OpenAPI schema of the views that use DRF's
default exception handler (governance, CASCADE, `me`): `{"detail": "..."}` for 401, 403 and 404,
and the filter set's messages keyed by parameter for a 400. The API fuzz tests
(tests/api/test_fuzz.py) hold every operation to the statuses and shapes documented here."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import pagination, serializers
from rest_framework.exceptions import NotFound


class DetailErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


#: a 400 from a filter set: messages keyed by the query parameter they concern
#: (a raw schema: drf-spectacular cannot name a bare DictField, and warns)
FILTER_ERRORS = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}

UNAUTHENTICATED = OpenApiResponse(
    DetailErrorSerializer, description="No credentials, or a token that is unknown, expired or revoked."
)
FORBIDDEN = OpenApiResponse(DetailErrorSerializer, description="No role that allows this.")
NOT_FOUND = OpenApiResponse(
    DetailErrorSerializer, description="No such object among those the caller may see (another partnership's is a 404)."
)
UNSUPPORTED_MEDIA_TYPE = OpenApiResponse(DetailErrorSerializer, description="A body in a media type not accepted.")
INVALID_PAGE = OpenApiResponse(DetailErrorSerializer, description="Invalid page.")
INVALID_FILTER = OpenApiResponse(FILTER_ERRORS, description="An invalid filter value, with messages by parameter.")


def list_responses(serializer) -> dict:
    return {200: serializer(many=True), 400: INVALID_FILTER, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: INVALID_PAGE}


def detail_responses(serializer) -> dict:
    return {200: serializer, 401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}


class StrictPageNumberPagination(pagination.PageNumberPagination):
    """DRF's pagination, except that an empty `?page=` is refused like any other invalid page
    (DRF reads it as page 1)."""

    def get_page_number(self, request, paginator):
        value = request.query_params.get(self.page_query_param)
        if value is not None and not value.strip():
            raise NotFound(self.invalid_page_message.format(page_number=value, message="Invalid page."))
        return super().get_page_number(request, paginator)
