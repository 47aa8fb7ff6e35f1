"""JSON errors of the referrals API: every error is `{"code", "message"}`, plus `errors` keyed by
field when the request body was refused, so a client can act on the code and show the message.

The handler is this API's own (`ReferralApiView.get_exception_handler`), so other APIs keep DRF's
default. Service errors map as follows:

- Django ValidationError -> 400 `invalid` with `errors` by field; a refused transition (the
  services key it by `status`) -> 409 `invalid_transition`;
- Django PermissionDenied -> 403 `permission_denied`; Http404 -> 404 `not_found`;
- DRF's own exceptions keep their status and use their default code (`not_authenticated`,
  `parse_error`, `method_not_allowed`, ...).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

INVALID_MESSAGE = "There is a problem with the request: see errors for each field."


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = 'Send If-Match with the referral\'s ETag (for example If-Match: "3"), read from GET first.'


class InvalidIfMatch(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_if_match"
    default_detail = 'If-Match must be one strong ETag as returned by GET, for example "3" (not *, not W/"3").'


class InvalidTransition(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "invalid_transition"
    default_detail = "The referral is not in a state where that can be done."


class ApiError(exceptions.APIException):
    """An error with its own status and code (e.g. 400 idempotency_key_required)."""

    def __init__(self, status_code: int, code: str, message: str, errors: dict | None = None):
        super().__init__(message, code)
        self.status_code, self.error_code, self.errors = status_code, code, errors


def _messages(detail) -> list[str]:
    """Every message in a nested DRF error detail, flattened (a list item's error names its field)."""
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list | tuple):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def django_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {("non_field_errors" if f == "__all__" else f): m for f, m in error.message_dict.items()}
    return {"non_field_errors": list(error.messages)}


def _translate(exc):
    if isinstance(exc, Http404):
        return exceptions.NotFound("No such referral, or you can't see it.")
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DjangoValidationError):
        errors = django_errors(exc)
        if "status" in errors:  # transitions._refuse: not from this state
            return InvalidTransition(" ".join(errors["status"]))
        return ApiError(status.HTTP_400_BAD_REQUEST, "invalid", INVALID_MESSAGE, errors)
    return exc


def body_for(exc: exceptions.APIException) -> dict:
    if isinstance(exc, ApiError):
        body = {"code": exc.error_code, "message": str(exc.detail)}
        if exc.errors is not None:
            body["errors"] = exc.errors
        return body
    if isinstance(exc, exceptions.ValidationError):
        return {"code": "invalid", "message": INVALID_MESSAGE, "errors": field_errors(exc.detail)}
    detail = exc.detail
    message = str(detail) if not isinstance(detail, dict | list) else " ".join(_messages(detail))
    code = getattr(detail, "code", None) or exc.default_code
    if code in ("error", "invalid") or not isinstance(code, str):
        code = exc.default_code
    return {"code": code, "message": message}


def exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate, rollback) with our JSON body."""
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = body_for(exc)
    return response


class JsonErrors:
    """Mixed into every view of the referrals API: JSON errors with a code and a message."""

    def get_exception_handler(self):
        return exception_handler


class ReferralApiView(JsonErrors, APIView):
    pass
