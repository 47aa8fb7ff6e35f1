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
import io
import itertools
import re

from django.conf import settings
from django.db.models import Case, CharField, Count, DateField, F, Func, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema

from partnership.api.permissions import HasPermission
from partnership.models.audit import AuditAction
from partnership.models.directory import Thrive
from partnership.roles import Permission, permissions_for
from partnership.services import audit

from ..models import Referral, Urgency
from ..rollups import phase_case
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
#: the columns come out of the database ready to write (formatted in SQL, so Python only writes
#: CSV): operational fields only, never a child's (tests/referrals/test_export.py checks it)
FIELDS = (
    "export_reference",
    "export_spa",
    "school__urn",
    "export_school",
    "export_phase",
    "export_status",
    "export_urgency",
    "export_submitted_on",
    "export_decided_on",
    "export_thrive",
    "not_accepted_reason__code",
    "export_first_contact_on",
    "export_days_waited",
)
FORMULA = r"^[=+@\t\r-]"


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


class LocalDate(Func):
    """A timestamp's day in the site's time zone (Europe/London)."""

    template = "(timezone(%(expressions)s))::date"
    output_field = DateField()

    def __init__(self, expression):
        super().__init__(Value(settings.TIME_ZONE), expression)


class IsoDate(Func):
    """A date as text, YYYY-MM-DD (written as it comes: no date objects made in Python)."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD')"
    output_field = CharField()


class DaysBetween(Func):
    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


class SchoolPhase(Func):
    """partnership.phases.phase_of in SQL (the same CASE as the rollups: referrals.rollups.phase_case)."""

    output_field = CharField()

    def __init__(self):
        super().__init__(F("school__phase"), F("school__kind"))

    def as_sql(self, compiler, connection, **extra):
        (phase, phase_params), (kind, kind_params) = (compiler.compile(e) for e in self.get_source_expressions())
        if phase_params or kind_params:  # plain columns: nothing to bind
            raise ValueError("SchoolPhase takes columns")
        return phase_case(phase, kind)


def _labels(field: str, choices) -> Case:
    return Case(*(When(**{field: value}, then=Value(label)) for value, label in choices), default=F(field))


def _guarded(field: str) -> Case:
    """CSV injection: a text starting with = + - @ tab or carriage return is prefixed with '."""
    return Case(
        When(**{f"{field}__regex": FORMULA}, then=Concat(Value("'"), F(field))),
        default=F(field),
        output_field=CharField(),
    )


def export_rows(queryset, today: datetime.date):
    """The export's rows as tuples in COLUMNS order, every value formatted by the database."""
    submitted = LocalDate(F("submitted_at"))
    return queryset.annotate(
        export_reference=Concat(
            Value("SPA-"),
            Cast("year", CharField()),
            Value("-"),
            LPad(Cast("number", CharField()), 6, Value("0")),
            output_field=CharField(),
        ),
        export_spa=_guarded("spa__name"),
        export_school=_guarded("school__name"),
        export_phase=SchoolPhase(),
        export_status=_labels("status", Status.choices),
        export_urgency=_labels("urgency", Urgency.choices),
        export_submitted_on=IsoDate(submitted),
        export_decided_on=IsoDate(LocalDate(F("triaged_at"))),
        export_first_contact_on=IsoDate(F("first_contact_on")),
        export_thrive=_labels("thrive", Thrive.choices),
        export_days_waited=Case(
            When(first_contact_on__isnull=False, then=DaysBetween(F("first_contact_on"), submitted)),
            When(status__in=list(OPEN), then=DaysBetween(Value(today, output_field=DateField()), submitted)),
            default=None,
            output_field=IntegerField(),
        ),
    ).values_list(*FIELDS)


def stream(queryset, today):
    """CSV text, one chunk per CHUNK rows, from a server-side cursor."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    rows = export_rows(queryset, today).iterator(chunk_size=CHUNK)
    while True:
        chunk = list(itertools.islice(rows, CHUNK))
        if not chunk:
            break
        writer.writerows(chunk)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
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
        referrals = referrals.order_by("submitted_at", "pk")
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
