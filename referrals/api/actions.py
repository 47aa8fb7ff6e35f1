"""State-changing calls on one referral: claim, release, triage, request information, first
contact, close. Each goes through `transitions.apply` (row lock, one transaction, status row and
audit event) and requires `If-Match` with the version last read:

- 404 when the caller can't see the referral; 403 when they can see it but not do this
  (a school, the MHST); then 428 `precondition_required` without If-Match, 400 `invalid_if_match`
  when it is not one strong ETag;
- 412 `precondition_failed` when the referral changed since: the body is the CURRENT referral
  (as GET returns it) with its ETag, so the client can look again and decide;
- 400 `invalid` with errors by field; 409 `invalid_transition` when the referral's status does not
  allow it;
- 200: the referral as it now is, with its new ETag.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema

from partnership.api.permissions import IsSignedIn

from ..models import Referral
from ..services.transitions import StaleVersion, apply
from ..states import TRANSITIONS
from .common import (
    ETAG_HEADER,
    ID,
    IF_MATCH,
    NOT_FOUND,
    UNAUTHENTICATED,
    error,
    expected_version,
    referral_or_404,
    represent,
)
from .errors import ReferralApiView
from .serializers import (
    CloseSerializer,
    FirstContactSerializer,
    NoteSerializer,
    ReferralSerializer,
    RequestInformationSerializer,
    TriageSerializer,
)


def _responses(bad_request: str) -> dict:
    return {
        200: OpenApiResponse(ReferralSerializer, description="Done: the referral as it now is, with its new ETag."),
        400: error(f"invalid_if_match, or invalid with errors by field ({bad_request})."),
        401: UNAUTHENTICATED,
        403: error("permission_denied: the caller can see the referral but not do this (or another has claimed it)."),
        404: NOT_FOUND,
        409: error("invalid_transition: the referral's status does not allow this."),
        412: OpenApiResponse(
            ReferralSerializer, description="Stale If-Match: the CURRENT referral and its ETag; read it and retry."
        ),
        428: error("precondition_required: send If-Match."),
    }


class _Transition(ReferralApiView):
    """POST with an optional body; subclasses name the transition and the body's serializer."""

    permission_classes = [IsSignedIn]
    transition = ""
    serializer_class = NoteSerializer

    def details(self, body) -> tuple[str, dict]:
        """The transition's name and its own fields, from the validated body."""
        data = dict(body.validated_data)
        data.pop("note", None)
        return self.transition, data

    def post(self, request, pk):
        if not Referral.objects.for_user(request.user).filter(pk=pk).exists():
            raise Http404
        permission = TRANSITIONS[self.transition].permission
        if not Referral.objects.for_user(request.user, permission).filter(pk=pk).exists():
            raise PermissionDenied("You can see this referral but not do that to it.")
        version = expected_version(request)
        body = self.serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        name, details = self.details(body)
        note = body.validated_data.get("note", "")
        try:
            apply(referral_id=pk, by=request.user, name=name, expected_version=version, note=note, **details)
        except StaleVersion:
            return represent(request, referral_or_404(request, pk), status=412, where="api (stale If-Match)")
        return represent(request, referral_or_404(request, pk))


def _schema(operation_id: str, summary: str, request, bad_request: str):
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        parameters=[ID, IF_MATCH, ETAG_HEADER],
        request=request,
        responses=_responses(bad_request),
    )


class Claim(_Transition):
    transition = "claim"

    @_schema("referrals_claim", "Claim a submitted referral", NoteSerializer, "a note too long")
    def post(self, request, pk):
        """Take a submitted referral to triage it: one clinician at a time (the duty lead can
        reassign in the browser)."""
        return super().post(request, pk)


class Release(_Transition):
    transition = "release"

    @_schema("referrals_release", "Release a claimed referral", NoteSerializer, "a note too long")
    def post(self, request, pk):
        """Put a claimed referral back in the queue (its claimant or the duty lead)."""
        return super().post(request, pk)


class Triage(_Transition):
    transition = "accept"  # every decision needs TRIAGE_REFERRALS, as accept does
    serializer_class = TriageSerializer

    def details(self, body):
        return body.validated_data["decision"], body.details()

    @_schema(
        "referrals_triage",
        "Decide on a claimed referral",
        TriageSerializer,
        "accept: thrive and service; signpost: explanation; not_accept: reason and explanation",
    )
    def post(self, request, pk):
        """The decision, the D of SBARD: `accept` (THRIVE grouping and the allocated service of the
        directory), `signpost` (the advice as explanation, and services suggested) or `not_accept`
        (a reason code and an explanation written for the school)."""
        return super().post(request, pk)


class RequestInformation(_Transition):
    transition = "request_information"
    serializer_class = RequestInformationSerializer

    @_schema(
        "referrals_request_information",
        "Ask the school a question",
        RequestInformationSerializer,
        "the question is required",
    )
    def post(self, request, pk):
        """Send a claimed referral back to its school with a question; the school answers in the
        browser and the referral returns to triage."""
        return super().post(request, pk)


class FirstContact(_Transition):
    transition = "first_contact"
    serializer_class = FirstContactSerializer

    @_schema(
        "referrals_first_contact",
        "Record the first contact",
        FirstContactSerializer,
        "the date is required, not in the future and not before submission",
    )
    def post(self, request, pk):
        """Record the date of first contact with an accepted referral, and who made it (`contact_by`,
        a member of the SPA's duty team; default the caller). This stops the waiting-time clock."""
        return super().post(request, pk)


class Close(_Transition):
    transition = "close"
    serializer_class = CloseSerializer

    @_schema("referrals_close", "Close a referral", CloseSerializer, "the outcome is required")
    def post(self, request, pk):
        """Close a referral after its first contact, with the outcome."""
        return super().post(request, pk)
