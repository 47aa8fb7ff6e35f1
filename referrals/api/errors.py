"""JSON errors of the referrals API: every error is `{"code", "message"}`, plus `errors` keyed by
field when the request body was refused, so a client can act on the code and show the message.

The handler is this API's own (`ReferralApiView.get_exception_handler`), made from the shared
`partnership.api.errors`; other APIs keep DRF's default or make their own. Service errors map as follows:

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

from partnership.api.errors import (  # noqa: F401 (the referrals API's errors, re-exported)
    INVALID_MESSAGE,
    ApiError,
    body_for,
    django_errors,
    field_errors,
    json_exception_handler,
)


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


exception_handler = json_exception_handler(_translate)


class JsonErrors:
    """Mixed into every view of the referrals API: JSON errors with a code and a message."""

    def get_exception_handler(self):
        return exception_handler


class ReferralApiView(JsonErrors, APIView):
    pass
