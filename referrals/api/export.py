"""`GET /api/v1/referrals/export/`: the duty lead's CSV of their single point of access's referrals.

For duty leads (LEAD_DUTY_TEAM), and only of the SPAs they lead (the SPA their organisation runs in a
partnership where they hold the role). One row per submitted referral, optionally only those
submitted from `from` to `to` (YYYY-MM-DD, local dates), oldest first. The columns are operational
facts only: NEVER a child's name, date of birth, NHS number, postcode or any free text.

Streamed: rows come from a server-side cursor in chunks of 2,000 and leave as CSV text chunk by
chunk, so memory stays flat however many referrals there are. Text cells starting with = + - @ tab
or carriage return are prefixed with ' (CSV injection). Every export is audited with its filters and
row count (never its rows).
"""

import csv
import datetime
import functools
import io
import re
from types import SimpleNamespace

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from partnership.api.permissions import HasPermission
from partnership.models.audit import AuditAction
from partnership.models.directory import Thrive
from partnership.phases import phase_of
from partnership.roles import Permission, permissions_for
from partnership.services import audit

from ..models import Referral, Urgency
from ..states import OPEN, Status
from .common import UNAUTHENTICATED, error
from .errors import ApiError, ReferralApiView

LEAD = Permission.LEAD_DUTY_TEAM
CHUNK = 2000
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COLUMNS = (
    "Reference number",
    "Single point of access",
    "School URN",
    "School name",
    "School phase",
    "Status",
    "Urgency",
    "Submitted on",
    "Decided on",
    "THRIVE grouping",
    "Reason not accepted",
    "First contact on",
    "Days waited",
)
#: read from the database: operational fields only (tests/referrals/test_export.py checks none is a child's)
FIELDS = (
    "year",
    "number",
    "spa__name",
    "school__urn",
    "school__name",
    "school__phase",
    "school__kind",
    "status",
    "urgency",
    "submitted_on",
    "decided_on",
    "thrive",
    "not_accepted_reason__code",
    "first_contact_on",
)
STATUS = dict(Status.choices)
URGENCY = dict(Urgency.choices)
THRIVE = dict(Thrive.choices)
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def led_referrals(user):
    """Submitted referrals of the SPAs `user` leads (their organisation runs it, in a partnership
    where they hold LEAD_DUTY_TEAM)."""
    led = Q(pk__in=[])
    for membership in user._memberships():
        if LEAD in permissions_for(membership.roles):
            led |= Q(partnership_id=membership.partnership_id, spa__provider_id=membership.organisation_id)
    return Referral.objects.for_user(user, LEAD).filter(led).exclude(status=Status.DRAFT)


def _date(request, name: str) -> datetime.date | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    try:
        if not DATE.match(value):
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400, "invalid", f"{name} must be a date as YYYY-MM-DD.", {name: ["Enter a date as YYYY-MM-DD"]}
        ) from None


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=timezone.get_current_timezone())


@functools.lru_cache(maxsize=256)
def _phase(phase: str, kind: str) -> str:
    return phase_of(SimpleNamespace(phase=phase, kind=kind))


def _safe(text: str) -> str:
    return "'" + text if text[:1] in FORMULA else text


def _row(values, today) -> tuple:
    year, number, spa, urn, school, phase, kind, status, urgency, submitted, decided, thrive, reason, seen = values
    if seen is not None:
        waited = (seen - submitted).days
    elif status in OPEN:
        waited = (today - submitted).days
    else:
        waited = ""
    return (
        f"SPA-{year}-{number:06d}",
        _safe(spa),
        urn or "",
        _safe(school),
        _phase(phase, kind),
        STATUS.get(status, status),
        URGENCY.get(urgency, urgency),
        submitted,
        decided or "",
        THRIVE.get(thrive, thrive),
        reason or "",
        seen or "",
        waited,
    )


def stream(queryset, today):
    """CSV text, one chunk per CHUNK rows, from a server-side cursor."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    rows = queryset.values_list(*FIELDS).iterator(chunk_size=CHUNK)
    for i, values in enumerate(rows, 1):
        writer.writerow(_row(values, today))
        if i % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class ReferralExport(ReferralApiView):
    permission_classes = [HasPermission(LEAD)]

    def perform_content_negotiation(self, request, force=False):
        # the body is CSV whatever the Accept header; errors are JSON
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="referrals_export",
        summary="Export the SPA's referrals as CSV (duty leads)",
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="Only referrals submitted on or after this day."),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Only referrals submitted on or before this day."),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="CSV (UTF-8), streamed, with the columns: " + ", ".join(COLUMNS) + ". "
                "No child's details: no names, dates of birth, NHS numbers, postcodes or free text.",
            ),
            400: error("from or to is not a date as YYYY-MM-DD, or from is after to (code invalid)."),
            401: UNAUTHENTICATED,
            403: error("The caller does not lead a duty team."),
        },
    )
    def get(self, request):
        """Every submitted referral of the single points of access the caller leads, one row each,
        oldest first, streamed as CSV. The export is audited with its filters and its number of rows."""
        start, end = _date(request, "from"), _date(request, "to")
        if start and end and start > end:
            raise ApiError(400, "invalid", "from must be on or before to.", {"from": ["Must be on or before to"]})
        referrals = led_referrals(request.user)
        if start:
            referrals = referrals.filter(submitted_at__gte=_midnight(start))
        if end:
            referrals = referrals.filter(submitted_at__lt=_midnight(end + datetime.timedelta(days=1)))
        referrals = referrals.annotate(
            submitted_on=TruncDate("submitted_at"), decided_on=TruncDate("triaged_at")
        ).order_by("submitted_at", "pk")
        counts = list(referrals.order_by().values_list("partnership_id").annotate(rows=Count("pk")))
        # one event per partnership, with the count and never the rows
        for partnership_id, rows in counts or [(None, 0)]:
            audit.record(
                actor=request.user,
                action=AuditAction.EXPORT,
                object_type="referrals.referral",
                partnership=partnership_id,
                detail={
                    "export": "referrals_csv",
                    "from": start.isoformat() if start else None,
                    "to": end.isoformat() if end else None,
                    "rows": rows,
                },
            )
        today = timezone.localdate()
        response = StreamingHttpResponse(stream(referrals, today), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="referrals-{today.isoformat()}.csv"'
        response["Cache-Control"] = "no-store"
        return response
