"""The referrals API: the duty team's queue, a school's new referral, one referral and its history.

- `GET /referrals/` (TRIAGE_REFERRALS): the queue of the caller's SPA, the same referrals, filters
  and order as the browser's queue (referrals.queue), paginated, without the child's details.
- `POST /referrals/` (SUBMIT_REFERRALS): a school's referral, created and submitted in one call,
  idempotent by the `Idempotency-Key` header.
- `GET /referrals/{id}/` and `GET /referrals/{id}/history/`: for whoever may see the referral
  (404 otherwise), with `ETag: "<version>"`; both audited as views of the child's details (the
  history's notes are free text that may name the child).
"""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from partnership.api.filters import StrictFilterBackend
from partnership.api.permissions import HasPermission, IsSignedIn
from partnership.api.schema import StrictPageNumberPagination
from partnership.models import Organisation, User
from partnership.roles import Permission, permissions_for

from ..models import Referral, StatusChange
from ..queue import ME, NOBODY, QueueFilter, queue_for
from ..services.drafts import create_draft
from ..services.transitions import apply
from ..services.viewing import child_details_viewed
from ..states import Status
from .common import ETAG_HEADER, ID, NOT_FOUND, UNAUTHENTICATED, error, for_school, referral_or_404, represent
from .errors import ApiError, JsonErrors, ReferralApiView
from .serializers import HistoryEntrySerializer, NewReferralSerializer, QueueItemSerializer, ReferralSerializer, differs

TRIAGE = Permission.TRIAGE_REFERRALS
SUBMIT = Permission.SUBMIT_REFERRALS
MAX_KEY = 100


class QueuePagination(StrictPageNumberPagination):
    """Pages over the referrals' ids first (a narrow sort of the SPA's referrals, no joins), then
    reads the page's rows with their school and claimant: a queue of five years of referrals at
    national scale would otherwise join every row before sorting (bench W1)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """DRF falls back to the default for a bad `page_size`: here it is a 400 naming it."""
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (value.isascii() and value.isdigit() and 0 < int(value) <= self.max_page_size):
            raise ValidationError({"page_size": [f"Enter a whole number from 1 to {self.max_page_size}."]})
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True), request, view)
        if ids is None:
            return None
        rows = {referral.pk: referral for referral in queryset.filter(pk__in=list(ids))}
        return [rows[pk] for pk in ids if pk in rows]


class QueueFilterBackend(StrictFilterBackend):
    """The browser queue's filter, with the choices of the caller's SPAs (schools that referred to
    them, clinicians who claimed their referrals). An invalid value is a 400."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        triaged = Referral.objects.for_user(request.user, TRIAGE)
        kwargs["schools"] = Organisation.objects.filter(referrals__in=triaged).distinct().order_by("name")
        # the clinicians are only needed to check a clinician's id: the API renders no form, and
        # listing everyone who ever claimed one of the SPA's referrals scans all of them
        claimed_by = request.query_params.get("claimed_by", "")
        clinicians = User.objects.none()
        if claimed_by not in ("", ME, NOBODY):
            clinicians = User.objects.filter(claimed_referrals__in=triaged).distinct().order_by("pk")
        kwargs["clinicians"] = clinicians
        return kwargs


QUEUE_PARAMETERS = [
    OpenApiParameter(
        "claimed_by",
        str,
        description=f"`{ME}`, `{NOBODY}` (unclaimed) or a clinician's user id who has claimed referrals of your SPA.",
    ),
    OpenApiParameter("school", int, description="A school's id (one that has referred to your SPA)."),
    OpenApiParameter("open", bool, description="Only referrals still waiting (the clock is running)."),
    OpenApiParameter("page_size", int, description="Items per page (default 50, at most 100)."),
]
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="1 to 100 characters you make per referral (a UUID): sending it again returns the same referral.",
)


def _school_for(user, school_id: int | None):
    """The (partnership, school) the caller refers from: their only one, or the one named."""
    options = [
        (m.partnership, m.organisation)
        for m in user._memberships()
        if Permission.SUBMIT_REFERRALS in permissions_for(m.roles)
    ]
    if school_id is not None:
        options = [option for option in options if option[1].pk == school_id]
        if not options:
            raise ApiError(400, "invalid", "Choose your own school or college.", {"school": ["Choose your own school"]})
    if len(options) != 1:
        raise ApiError(
            400,
            "invalid",
            "You refer from more than one school or college: say which.",
            {"school": ["Send the id of the school you are referring from"]},
        )
    return options[0]


class ReferralListCreate(JsonErrors, generics.ListAPIView):
    serializer_class = QueueItemSerializer
    filter_backends = [QueueFilterBackend]
    filterset_class = QueueFilter
    pagination_class = QueuePagination

    def get_permissions(self):
        return [HasPermission(SUBMIT if self.request.method == "POST" else TRIAGE)()]

    def get_queryset(self):
        return queue_for(self.request.user)

    @extend_schema(
        operation_id="referrals_queue",
        summary="The duty team's queue",
        parameters=QUEUE_PARAMETERS,
        responses={
            200: QueueItemSerializer(many=True),
            400: error("An unknown filter value (code invalid, errors by parameter)."),
            401: UNAUTHENTICATED,
            403: error("The caller does not triage referrals."),
            404: error("No such page (a page number that is empty, not a number or past the last page)."),
        },
    )
    def get(self, request, *args, **kwargs):
        """The submitted referrals of the caller's single point of access, urgent first then oldest
        (or `ordering`: urgency, submitted, days_waiting, each may start with `-`). No child's details:
        read one referral for those. Filters as on the queue page."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="referrals_create",
        summary="Refer a child (schools)",
        parameters=[IDEMPOTENCY_KEY, ETAG_HEADER],
        request=NewReferralSerializer,
        responses={
            201: OpenApiResponse(ReferralSerializer, description="Created (and submitted unless submit is false)."),
            200: OpenApiResponse(ReferralSerializer, description="This key was used before: that referral."),
            400: error(
                "idempotency_key_required, idempotency_key_too_long, or invalid with errors by field "
                "(including what a referral must have before it is submitted)."
            ),
            401: UNAUTHENTICATED,
            403: error("The caller does not refer children (school staff only)."),
            422: error("idempotency_key_reused: this key made a referral with different details."),
        },
    )
    def post(self, request, *args, **kwargs):
        """Create a referral from the caller's school and submit it in one call (`"submit": false`
        keeps a draft). Send an `Idempotency-Key`: a retry with the same key and body returns the same
        referral (200) and never a second one; the same key with other details is a 422."""
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            raise ApiError(400, "idempotency_key_required", "Send an Idempotency-Key header (for example a UUID).")
        if len(key) > MAX_KEY:
            raise ApiError(400, "idempotency_key_too_long", f"Idempotency-Key: {MAX_KEY} characters at most.")
        body = NewReferralSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partnership, school = _school_for(request.user, body.validated_data.get("school"))
        values = body.school_values()
        with transaction.atomic():  # a draft that can't be submitted is not kept: fix and resend
            referral, created = create_draft(
                partnership=partnership, by=request.user, school=school, idempotency_key=key, **values
            )
            if not created and (referral.school_id != school.pk or differs(referral, values)):
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    "This Idempotency-Key was used for a referral with different details: use a new key.",
                )
            if body.validated_data["submit"] and referral.status == Status.DRAFT:
                apply(referral_id=referral.pk, by=request.user, name="submit", expected_version=None)
        location = reverse("api_referral_detail", args=[referral.pk])
        return represent(
            request,
            referral_or_404(request, referral.pk),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": location},
        )


class ReferralDetail(ReferralApiView):
    permission_classes = [IsSignedIn]

    @extend_schema(
        operation_id="referrals_retrieve",
        summary="One referral",
        parameters=[ID, ETAG_HEADER],
        responses={200: ReferralSerializer, 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        """The whole referral: the child, SBARD, consent, the decision and the waits, with its ETag.
        For the SPA's duty team, the school's staff, and the MHST once allocated; 404 for anyone else.
        Every call is audited."""
        return represent(request, referral_or_404(request, pk))


class ReferralHistory(ReferralApiView):
    permission_classes = [IsSignedIn]

    @extend_schema(
        operation_id="referrals_history",
        summary="A referral's status changes",
        parameters=[ID, ETAG_HEADER],
        responses={200: HistoryEntrySerializer(many=True), 401: UNAUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request, pk):
        """Every status change, oldest first: from, to, by, at and the note. A school sees the duty
        team's changes as by "Duty team". Audited like the referral (notes may name the child)."""
        referral = get_object_or_404(Referral.objects.for_user(request.user), pk=pk)
        changes = StatusChange.objects.for_user(request.user).filter(referral=referral).select_related("by")
        child_details_viewed(by=request.user, referral=referral, where="api history")
        context = {"for_school": for_school(request.user, referral)}
        data = HistoryEntrySerializer(changes.order_by("at", "pk"), many=True, context=context).data
        return Response(data, headers={"ETag": referral.etag})
