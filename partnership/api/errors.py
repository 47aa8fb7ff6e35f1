"""JSON errors shared by the platform's APIs: every error is `{"code", "message"}`, plus `errors`
keyed by field when the request was refused, so a client can act on the code and show the message.

Each API makes its handler with `json_exception_handler(translate)`, where `translate` maps the
Django exceptions its services raise (Http404, PermissionDenied, ValidationError) to DRF ones with
its own wording; DRF's own exceptions keep their status and default code (`not_authenticated`,
`parse_error`, `method_not_allowed`, ...).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

INVALID_MESSAGE = "There is a problem with the request: see errors for each field."


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


def encodable(value):
    """`value` with every string (keys too) encodable as UTF-8. An error may quote what was sent (a
    key refused as unknown, DRF's `"x" is not a valid choice`), and JSON may carry a lone surrogate
    ("\\ud800") that UTF-8 cannot: rendering it would fail (a 500), so it is shown escaped."""
    if isinstance(value, str):
        try:
            value.encode()
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode()
        return value
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encodable(item) for item in value]
    return value


def json_exception_handler(translate):
    """DRF's handler (status, WWW-Authenticate, rollback) with the JSON body, after `translate`."""

    def handler(exc, context):
        exc = translate(exc)
        response = drf_exception_handler(exc, context)
        if response is not None and isinstance(exc, exceptions.APIException):
            response.data = encodable(body_for(exc))
        return response

    return handler
