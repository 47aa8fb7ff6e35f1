"""JSON errors of the MHST API, shaped like the referrals API's: `{"code", "message"}`, plus
`errors` keyed by field when the request was refused (400 `invalid`).

Django's Http404 -> 404 `not_found` (never saying whether the object exists), PermissionDenied ->
403 `permission_denied`, ValidationError -> 400 `invalid` with `errors` by field; DRF's own
exceptions keep their status and code (`not_authenticated`, `parse_error`, ...)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status

from partnership.api.errors import INVALID_MESSAGE, ApiError, django_errors, json_exception_handler

__all__ = ["ApiError", "JsonErrors", "MhstApiErrorSerializer", "error", "invalid"]


def _translate(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound("Not found among the MHST records you can see.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        return ApiError(status.HTTP_400_BAD_REQUEST, "invalid", INVALID_MESSAGE, django_errors(exc))
    return exc


exception_handler = json_exception_handler(_translate)


class JsonErrors:
    """Mixed into every view of the MHST API."""

    def get_exception_handler(self):
        return exception_handler


def invalid(errors: dict) -> ApiError:
    """A 400 `invalid` with messages by field (query parameters or body fields)."""
    return ApiError(status.HTTP_400_BAD_REQUEST, "invalid", INVALID_MESSAGE, errors)


class MhstApiErrorSerializer(serializers.Serializer):
    """Every error of the MHST API."""

    code = serializers.CharField(help_text="Machine-readable, e.g. not_found, permission_denied, invalid.")
    message = serializers.CharField(help_text="For a person to read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages keyed by the field or query parameter they concern (400 only).",
    )


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(MhstApiErrorSerializer, description=description)


UNAUTHENTICATED = error("No valid token or session.")
NOT_FOUND = error("Not among the records the caller may see (another partnership's or team's is a 404).")
