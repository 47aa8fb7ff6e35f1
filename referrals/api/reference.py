"""Reference lists for the referrals API, for anyone who refers or triages in a partnership:
THRIVE groupings, the reasons for not accepting a referral (the caller's SPAs' active codes) and
the services of the directory (to allocate or signpost to)."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response

from partnership.api.permissions import IsSignedIn
from partnership.api.schema import StrictPageNumberPagination
from partnership.models import DirectoryService
from partnership.models.directory import THRIVE_MEANINGS, Thrive
from partnership.roles import Permission

from ..models import NotAcceptedReason
from .common import UNAUTHENTICATED, error
from .errors import JsonErrors, ReferralApiView
from .serializers import ReasonSerializer, ServiceSerializer, ThriveGroupingSerializer

USERS = (Permission.TRIAGE_REFERRALS, Permission.SUBMIT_REFERRALS)


class RefersOrTriages(IsSignedIn):
    """Holds TRIAGE_REFERRALS or SUBMIT_REFERRALS in some partnership."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and any(request.user.has_permission(p) for p in USERS)


def _partnerships(user) -> list[int]:
    if not user.is_authenticated:  # drf-spectacular reading the view for the schema
        return []
    return sorted({pk for permission in USERS for pk in user.partnership_ids(permission)})


ERRORS = {401: UNAUTHENTICATED, 403: error("The caller neither refers nor triages referrals.")}


class ThriveGroupings(ReferralApiView):
    permission_classes = [RefersOrTriages]

    @extend_schema(
        operation_id="reference_thrive_groupings",
        summary="THRIVE groupings",
        responses={200: ThriveGroupingSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        """The five THRIVE needs-based groupings: an accepted referral's `thrive` is one of the codes."""
        rows = [{"code": t.value, "label": t.label, "description": THRIVE_MEANINGS[t]} for t in Thrive]
        return Response(ThriveGroupingSerializer(rows, many=True).data)


class NotAcceptedReasons(JsonErrors, generics.ListAPIView):
    """The active reason codes for not accepting a referral, of the SPAs of the caller's
    partnerships, in their order. `reason` in a not_accept decision is one of these ids."""

    permission_classes = [RefersOrTriages]
    serializer_class = ReasonSerializer
    pagination_class = None  # a short list per SPA

    def get_queryset(self):
        return (
            NotAcceptedReason.objects.for_user(self.request.user)
            .filter(spa__partnership__in=_partnerships(self.request.user), is_active=True)
            .select_related("spa__partnership")
            .order_by("spa__partnership__slug", "position", "label")
        )

    @extend_schema(
        operation_id="reference_not_accepted_reasons",
        summary="Reasons for not accepting",
        responses={200: ReasonSerializer(many=True), **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class Services(JsonErrors, generics.ListAPIView):
    """The listed services of the directory of the caller's partnerships, by name, with their
    THRIVE groupings: `service` and `services` in a triage decision are these ids."""

    permission_classes = [RefersOrTriages]
    serializer_class = ServiceSerializer
    pagination_class = StrictPageNumberPagination
    filter_backends = []

    def get_queryset(self):
        return (
            DirectoryService.objects.for_user(self.request.user)
            .filter(partnership__in=_partnerships(self.request.user), is_active=True)
            .select_related("partnership", "provider")
            .order_by("name", "pk")
        )

    @extend_schema(
        operation_id="reference_services",
        summary="Services of the directory",
        responses={
            200: ServiceSerializer(many=True),
            **ERRORS,
            404: error("No such page (a page number that is empty, not a number or past the last page)."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
