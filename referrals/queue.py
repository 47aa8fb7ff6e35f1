"""The triage queue, shared by the browser queue and `GET /api/v1/referrals/`: one annotated
queryset and one filter, so both show the same referrals in the same order.

`with_waits(queryset, today)` annotates each referral with
- `days_waiting`: calendar days in England from submission to first contact, or to `today` while
  waiting (DESIGN.md section 6; the same arithmetic as `referrals.waiting.days_waited`);
- `clock`: the RAG of that wait (green, amber, red, breached; referrals.waiting.Clock), meaningful
  while the referral is open (states.OPEN);
- `urgent_first`: 0 for urgent, 1 for routine (the default order: urgent first, then oldest).
"""

from datetime import date

import django_filters
from django import forms
from django.db.models import Case, DateField, Func, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from partnership.models import Organisation, User
from partnership.roles import Permission

from .models import Referral, Urgency
from .services.spa import members_holding
from .states import OPEN, Status
from .waiting import AMBER_FROM, RED_FROM, STANDARD_DAYS, Clock

ME, NOBODY = "me", "nobody"


class _DaysBetween(Func):
    """`later - earlier` for two dates: an integer number of days in PostgreSQL."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


def with_waits(queryset: QuerySet, today: date | None = None) -> QuerySet:
    today = today or timezone.localdate()
    submitted_on = TruncDate("submitted_at", tzinfo=timezone.get_current_timezone())
    until = Coalesce("first_contact_on", Value(today, output_field=DateField()))
    return queryset.annotate(
        days_waiting=_DaysBetween(until, submitted_on),
        clock=Case(
            When(days_waiting__gt=STANDARD_DAYS, then=Value(Clock.BREACHED.value)),
            When(days_waiting__gte=RED_FROM, then=Value(Clock.RED.value)),
            When(days_waiting__gte=AMBER_FROM, then=Value(Clock.AMBER.value)),
            default=Value(Clock.GREEN.value),
        ),
        urgent_first=Case(When(urgency=Urgency.URGENT, then=Value(0)), default=Value(1)),
    )


def queue_for(user: User, today: date | None = None) -> QuerySet:
    """Every submitted referral the user may triage (never drafts), with waits, oldest urgent first."""
    visible = Referral.objects.for_user(user, Permission.TRIAGE_REFERRALS).exclude(status=Status.DRAFT)
    return with_waits(visible, today).select_related("school", "claimed_by").order_by("urgent_first", "submitted_at")


QUEUE_STATUSES = [(s.value, s.label) for s in Status if s != Status.DRAFT]


class QueueFilter(django_filters.FilterSet):
    """Filters of the triage queue. Expects `queue_for(...)`; `schools` and `clinicians` limit the
    choices to the user's SPA. Unknown values are form errors (the queue is then shown unfiltered
    by that field), never a 500."""

    status = django_filters.MultipleChoiceFilter(
        label="Status", choices=QUEUE_STATUSES, widget=forms.CheckboxSelectMultiple
    )
    open = django_filters.BooleanFilter(
        label="Only referrals still waiting", widget=forms.CheckboxInput, method="filter_open"
    )
    urgency = django_filters.ChoiceFilter(label="Urgency", choices=Urgency.choices, empty_label="Any urgency")
    school = django_filters.ModelChoiceFilter(
        label="School", queryset=Organisation.objects.none(), empty_label="All schools"
    )
    min_days = django_filters.NumberFilter(
        label="Waiting at least (days)", field_name="days_waiting", lookup_expr="gte", min_value=0
    )
    max_days = django_filters.NumberFilter(
        label="Waiting at most (days)", field_name="days_waiting", lookup_expr="lte", min_value=0
    )
    clock = django_filters.ChoiceFilter(
        label="Waiting-time clock", choices=Clock.choices, empty_label="Any", method="filter_clock"
    )
    claimed_by = django_filters.ChoiceFilter(label="Claimed by", empty_label="Anyone", method="filter_claimed_by")
    ordering = django_filters.OrderingFilter(
        label="Sort by",
        fields=(("urgent_first", "urgency"), ("submitted_at", "submitted"), ("days_waiting", "days_waiting")),
        field_labels={
            "urgency": "Urgent first",
            "-urgency": "Routine first",
            "submitted": "Oldest first",
            "-submitted": "Newest first",
            "days_waiting": "Shortest wait first",
            "-days_waiting": "Longest wait first",
        },
        empty_label="Urgent first, then oldest",
    )

    class Meta:
        model = Referral
        fields = ["status", "open", "urgency", "school", "min_days", "max_days", "clock", "claimed_by"]

    def __init__(self, data=None, queryset=None, *, request=None, schools=None, clinicians=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        schools = schools if schools is not None else Organisation.objects.none()
        self.filters["school"].queryset = schools
        self.form.fields["school"].queryset = schools
        people = [(str(u.pk), u.full_name or u.email) for u in (clinicians or [])]
        self.form.fields["claimed_by"].choices = [("", "Anyone"), (ME, "Me"), (NOBODY, "Nobody (unclaimed)"), *people]

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN) if value else queryset

    def filter_clock(self, queryset, name, value):
        return queryset.filter(status__in=OPEN, clock=value) if value else queryset

    def filter_claimed_by(self, queryset, name, value):
        if value == ME and self.request is not None:
            return queryset.filter(claimed_by=self.request.user)
        if value == NOBODY:
            return queryset.filter(claimed_by__isnull=True)
        if value and str(value).isdigit():
            return queryset.filter(claimed_by_id=int(value))
        return queryset


def queue_choices_for(spa):
    """The schools that have referred to `spa`, and its duty team, for the filter's choices."""
    schools = Organisation.objects.filter(referrals__spa=spa).distinct().order_by("name")
    return schools, members_holding(spa.partnership_id, spa.provider_id, Permission.TRIAGE_REFERRALS)
