"""The MHST coverage page and the activity figures page (issue 6 items 6 and 7): aggregates only,
never a child's details.

Readers: VIEW_DASHBOARDS (area lead, commissioner, MHST manager, duty lead) or
APPROVE_MHST_ALLOCATIONS (steering member); other members get 403, other partnerships 404.
Each table downloads as CSV (`?download=<table>`) for EXPORT_AGGREGATES holders, audited as an
EXPORT. Figures come from mhst.metrics; the partnership and its teams are reached through the
user's scope first.
"""

import datetime

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.views.common import can, csv_response, partnership_for

from .. import charts
from .. import metrics as figures
from ..models import Team

MAX_DAYS = 3 * 366  # the longest period the activity page shows at once
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _partnership(request, slug):
    partnership = partnership_for(request, slug)
    user = request.user
    if not (
        can(user, partnership, Permission.VIEW_DASHBOARDS)
        or can(user, partnership, Permission.APPROVE_MHST_ALLOCATIONS)
    ):
        raise PermissionDenied("Only readers of dashboards and those who approve allocations see these figures.")
    return partnership


def _download(request, partnership, name: str, tables: dict, detail: dict):
    """A CSV of one of the page's tables, for EXPORT_AGGREGATES holders, audited."""
    if name not in tables:
        raise Http404("There is no such table to download.")
    if not can(request.user, partnership, Permission.EXPORT_AGGREGATES):
        raise PermissionDenied("Downloading aggregate figures needs the export permission.")
    header, rows = tables[name]()
    rows = list(rows)
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=partnership,
        detail={"export": f"mhst_{name}", "rows": len(rows), **detail},
    )
    return csv_response(f"{partnership.slug}-mhst-{name.replace('_', '-')}.csv", header, rows)


def _pct(value):
    return "" if value is None else str(value)


# --- coverage ------------------------------------------------------------------------------------


def _coverage_csv(cov):
    header = [
        "Phase",
        "Schools",
        "Schools covered",
        "Schools covered (%)",
        "Pupils (known)",
        "Pupils covered",
        "Pupils covered (%)",
        "Schools with pupils unknown",
        "Covered schools with pupils unknown",
    ]
    rows = [
        [
            r.label,
            r.schools,
            r.covered,
            _pct(r.school_share),
            r.pupils,
            r.pupils_covered,
            _pct(r.pupil_share),
            r.pupils_unknown,
            r.pupils_unknown_covered,
        ]
        for r in [*cov.phases, cov.total]
    ]
    return header, rows


def _capacity_csv(rows):
    header = [
        "Team",
        "Qualified capacity (WTE)",
        "Trainees (WTE)",
        "Allocated (WTE)",
        "Capacity (sessions a week)",
        "Allocated (sessions a week)",
        "Difference (WTE)",
        "Schools allocated",
        "Status",
    ]
    return header, [
        [
            r.team.name,
            r.qualified_wte,
            r.trainee_wte,
            r.allocated_wte,
            r.capacity_sessions,
            r.allocated_sessions,
            r.difference_wte,
            r.schools,
            r.status,
        ]
        for r in rows
    ]


def _unmet_csv(need):
    header = ["School", "Need score", "Rank", "Notes"]
    return header, [[r.school.name, r.score, r.rank, " ".join(r.notes)] for r in need.rows]


def _holiday_csv(gaps):
    header = ["School", "Team", "Next holiday period", "Starts", "Ends"]
    rows = []
    for gap in gaps:
        for team, offer in gap.teams:
            if offer is None:
                rows.append([gap.school.name, team.name, "No current or upcoming holiday offer", "", ""])
            else:
                rows.append([gap.school.name, team.name, offer.name, offer.starts_on, offer.ends_on])
    return header, rows


@require_GET
def coverage(request, slug):
    partnership = _partnership(request, slug)
    today = timezone.localdate()
    cov = figures.coverage(partnership, today)
    capacity = figures.capacity_vs_allocation(partnership, today)
    need = figures.unmet_need(partnership, today)
    gaps = figures.holiday_gaps(partnership, today)
    if "download" in request.GET:
        tables = {
            "coverage": lambda: _coverage_csv(cov),
            "capacity": lambda: _capacity_csv(capacity),
            "unmet_need": lambda: _unmet_csv(need),
            "holiday_gaps": lambda: _holiday_csv(gaps),
        }
        return _download(request, partnership, request.GET["download"], tables, {"on": today.isoformat()})
    return render(
        request,
        "mhst/metrics/coverage.jinja",
        {
            "partnership": partnership,
            "today": today,
            "coverage": cov,
            "coverage_chart": charts.coverage_chart(cov),
            "capacity": capacity,
            "capacity_chart": charts.capacity_chart(capacity),
            "need": need,
            "quartile_rule": figures.TOP_QUARTILE_RULE,
            "gaps": gaps,
            "can_export": can(request.user, partnership, Permission.EXPORT_AGGREGATES),
        },
    )


# --- activity figures ----------------------------------------------------------------------------


class PeriodForm(forms.Form):
    """The activity page's filters (GET): a period and optionally one team."""

    start = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as a real date, for example 1 9 2026"},
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as a real date, for example 31 3 2027"},
    )
    team = forms.ModelChoiceField(
        label="Team",
        required=False,
        queryset=None,  # the partnership's teams, set per request
        empty_label="All teams",
        error_messages={"invalid_choice": "Select a team from the list"},
    )

    def __init__(self, *args, teams, default, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.default = default

    def clean(self):
        data = super().clean()
        start = data.get("start") or self.default[0]
        end = data.get("end") or self.default[1]
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not (FIRST_YEAR <= day.year <= LAST_YEAR):
                self.add_error(name, f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start > end:
            self.add_error("end", "The end date must be the same as or after the start date")
        elif (end - start).days > MAX_DAYS:
            self.add_error("end", "The period can be at most 3 years: choose a later start or an earlier end date")
        return data

    def period(self) -> tuple[datetime.date, datetime.date, Team | None]:
        """The chosen period and team, or the default (last six months, all teams) on any error."""
        if not self.is_valid():
            return self.default[0], self.default[1], None
        return (
            self.cleaned_data.get("start") or self.default[0],
            self.cleaned_data.get("end") or self.default[1],
            self.cleaned_data.get("team"),
        )


def _activity_csv(rows, first: str):
    header = [first, "Sessions", "Hours", "Children reached", "Adults reached"]
    return header, [[r.label, r.sessions, r.hours, r.children, r.adults] for r in rows]


def _readiness_csv(progress):
    header = ["Checklist items met (of 10)", "Covered schools"]
    return header, [[met, n] for met, n in progress.distribution]


@require_GET
def activity_figures(request, slug):
    partnership = _partnership(request, slug)
    teams = Team.objects.for_user(request.user).for_partnership(partnership).order_by("name")
    default = figures.default_period()
    form = PeriodForm(request.GET or None, teams=teams, default=default)
    start, end, team = form.period() if form.is_bound else (*default, None)
    summary = figures.activity_summary(partnership, start, end, team)
    progress = figures.readiness_progress(partnership)
    if "download" in request.GET:
        tables = {
            "by_function": lambda: _activity_csv(summary.by_function, "Function"),
            "by_school": lambda: _activity_csv(summary.by_school, "School"),
            "by_month": lambda: _activity_csv(summary.by_month, "Month"),
            "readiness": lambda: _readiness_csv(progress),
        }
        detail = {"from": start.isoformat(), "to": end.isoformat(), "team": team.pk if team else None}
        return _download(request, partnership, request.GET["download"], tables, detail)
    what = f"from {start:%-d %B %Y} to {end:%-d %B %Y}" + (f" by {team.name}" if team else "")
    query = {"start": start.isoformat(), "end": end.isoformat(), "team": team.pk if team else ""}
    return render(
        request,
        "mhst/metrics/activity.jinja",
        {
            "partnership": partnership,
            "form": form,
            "start": start,
            "end": end,
            "team": team,
            "what": what,
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
            "summary": summary,
            "function_chart": charts.activity_chart(summary.by_function, title="Activity by function", what=what),
            "school_chart": charts.activity_chart(summary.by_school, title="Activity by school", what=what),
            "month_chart": charts.activity_chart(summary.by_month, title="Activity by month", what=what),
            "progress": progress,
            "readiness_chart": charts.readiness_chart(progress),
            "can_export": can(request.user, partnership, Permission.EXPORT_AGGREGATES),
        },
    )
