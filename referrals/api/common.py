"""What every referral endpoint shares: reaching one referral through the caller's scope, its full
representation with its ETag (audited: it shows the child's details), and reading If-Match."""

import re

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.response import Response

from partnership.roles import Permission, permissions_for

from ..models import InformationRequest, Referral
from ..services.viewing import child_details_viewed
from .errors import InvalidIfMatch, PreconditionRequired
from .serializers import ReferralApiErrorSerializer, ReferralSerializer

#: one strong entity tag holding the version, as sent in ETag: "3"
ETAG = re.compile(r'^\s*"([0-9]{1,9})"\s*$')


def detail_queryset(user):
    """Referrals `user` may see (the duty team of the SPA, the school's staff, the MHST if allocated),
    with everything the full representation shows, in a constant number of queries."""
    return (
        Referral.objects.for_user(user)
        .select_related(
            "partnership",
            "school",
            "claimed_by",
            "decided_by",
            "first_contact_by",
            "allocated_service",
            "not_accepted_reason",
        )
        .prefetch_related(
            "signposted_services",
            Prefetch("information_requests", queryset=InformationRequest.objects.for_user(user).order_by("asked_at")),
        )
    )


def referral_or_404(request, pk) -> Referral:
    return get_object_or_404(detail_queryset(request.user), pk=pk)


def for_school(user, referral: Referral) -> bool:
    """The caller sees this referral as its school (duty staff are then shown as "Duty team")."""
    return any(
        m.partnership_id == referral.partnership_id
        and m.organisation_id == referral.school_id
        and Permission.VIEW_SCHOOL_REFERRALS in permissions_for(m.roles)
        for m in user._memberships()
    )


def represent(request, referral: Referral, *, status: int = 200, where: str = "api", headers=None) -> Response:
    """The full referral with `ETag: "<version>"`. Shows the child's details, so it is audited."""
    child_details_viewed(by=request.user, referral=referral, where=where)
    data = ReferralSerializer(referral, context={"for_school": for_school(request.user, referral)}).data
    return Response(data, status=status, headers={"ETag": referral.etag, **(headers or {})})


def expected_version(request) -> int:
    """The version the caller last read, from If-Match: 428 without it, 400 when it is not one
    strong ETag (`*` and weak tags are refused: they would bypass the concurrency check)."""
    value = request.headers.get("If-Match")
    if value is None or not value.strip():
        raise PreconditionRequired()
    match = ETAG.match(value)
    if match is None:
        raise InvalidIfMatch()
    return int(match.group(1))


# --- schema pieces ---------------------------------------------------------------------------
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The referral's id.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the referral as last read, for example "3". Without it: 428; stale: 412.',
)
ETAG_HEADER = OpenApiParameter(
    "ETag", str, OpenApiParameter.HEADER, response=[200, 201, 412], description='The referral\'s version, e.g. "4".'
)


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ReferralApiErrorSerializer, description=description)


NOT_FOUND = error("No such referral among those the caller may see (another school's or SPA's is a 404).")
UNAUTHENTICATED = error("No valid token or session.")
