"""A team's activity log, quick entry on a phone, corrections, CSV import and export, and its
caseload (issue 6 item 5). Thin: find the partnership and the team through the user's scope, call
mhst.services.activity or activity_import, redirect with a message.

Who: RECORD_MHST_ACTIVITY at the team's provider (the team's manager and practitioners). Another
team's staff get 404 for this team's pages and activities; members without the permission (area
leads, steering members, commissioners, schools) get 403: they read aggregates on the metrics
pages instead. Another partnership: 404.
"""

import datetime
from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.views.common import csv_response, paginate, partnership_for, posted, show_errors
from referrals.models import Referral, Status
from referrals.presenters import status_tag

from ..forms.activity import ActivityFilterForm, ActivityForm, ImportForm
from ..models import Activity, ActivityType, Function, Team
from ..services import activity as service
from ..services import activity_import

RECORD = Permission.RECORD_MHST_ACTIVITY


def _team(request, slug, pk):
    """The partnership (404 if unseen, 403 without RECORD_MHST_ACTIVITY) and one of the teams the
    user records activity for (404 for any other team)."""
    partnership = partnership_for(request, slug, RECORD)
    teams = Team.objects.for_user(request.user, RECORD).for_partnership(partnership).managed_by(request.user, RECORD)
    team = get_object_or_404(teams.select_related("partnership", "service"), pk=pk)
    if not service.can_record(request.user, team):  # the rule again, from mhst.access
        raise PermissionDenied(service.REFUSED_TEAM)
    return partnership, team


def _activity(request, slug, pk):
    """An activity of a team the user records for (404 otherwise), and 403 unless they may change it."""
    partnership = partnership_for(request, slug, RECORD)
    teams = Team.objects.for_user(request.user, RECORD).for_partnership(partnership).managed_by(request.user, RECORD)
    activity = get_object_or_404(
        Activity.objects.for_user(request.user, RECORD)
        .filter(team__in=teams)
        .select_related("team", "team__partnership", "school", "practitioner"),
        pk=pk,
    )
    if not service.can_change(request.user, activity):
        raise PermissionDenied(service.REFUSED_OTHERS)
    return partnership, activity


def _log(request, team):
    return Activity.objects.for_user(request.user, RECORD).filter(team=team)


# --- the log ----------------------------------------------------------------------------------------


def _filtered(request, team):
    form = ActivityFilterForm(request.GET or None, user=request.user, team=team)
    lookups = form.filters() if form.is_bound else {}
    return form, _log(request, team).filter(**lookups)


@require_GET
def activity_list(request, slug, team):
    partnership, team = _team(request, slug, team)
    form, activities = _filtered(request, team)
    totals = activities.aggregate(
        sessions=Count("pk"),
        minutes=Sum("duration_minutes", default=0),
        children=Sum("children_reached", default=0),
        adults=Sum("adults_reached", default=0),
    )
    totals["hours"] = round(totals["minutes"] / 60, 1)
    query = request.GET.copy()
    query.pop("page", None)
    is_manager = service.is_manager(request.user, team)
    page = paginate(request, activities.select_related("school", "practitioner").order_by("-date", "-pk"))
    for activity in page:
        activity.can_change = is_manager or activity.recorded_by_id == request.user.pk
    return render(
        request,
        "mhst/activity/list.jinja",
        {
            "partnership": partnership,
            "team": team,
            "filter": form,
            "page": page,
            "totals": totals,
            "query": query.urlencode(),
        },
    )


@require_GET
def activity_export(request, slug, team):
    partnership, team = _team(request, slug, team)
    form, activities = _filtered(request, team)
    rows = list(activities.select_related("school", "practitioner").order_by("date", "pk"))
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=team,
        detail={"export": "mhst_activity", "filters": form.described() if form.is_bound else {}, "rows": len(rows)},
    )
    header = [
        "date",
        "school_urn",
        "school",
        "practitioner",
        "function",
        "type",
        "duration_minutes",
        "children_reached",
        "adults_reached",
    ]
    lines = (
        [
            a.date.isoformat(),
            a.school.urn or "",
            a.school.name,
            a.practitioner.name,
            a.function,
            a.get_type_display(),
            a.duration_minutes,
            a.children_reached,
            a.adults_reached,
        ]
        for a in rows
    )
    filename = f"{partnership.slug}-mhst-{team.pk}-activity-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, header, lines)


# --- one activity -----------------------------------------------------------------------------------


def _initial(request, team) -> dict:
    """Quick entry's defaults: today (or the day of the activity just saved), the user's own post,
    and the school, function and type they last recorded."""
    day = timezone.localdate()
    try:
        asked = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        asked = None
    if asked and team.started_on <= asked <= day:
        day = asked
    initial = {"date": day, "children_reached": 0, "adults_reached": 0}
    post = service.own_post(request.user, team, day)
    if post is not None:
        initial["practitioner"] = post.pk
    last = service.last_recorded(request.user, team)
    if last is not None:
        initial.update(school=last.school_id, function=last.function, type=last.type)
        initial.setdefault("practitioner", last.practitioner_id)
    return initial


@require_http_methods(["GET", "POST"])
def activity_add(request, slug, team):
    partnership, team = _team(request, slug, team)
    form = ActivityForm(posted(request), user=request.user, team=team, initial=_initial(request, team))
    if request.method == "POST" and form.is_valid():
        try:
            activity = service.record(team, request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                f"Saved: {activity.get_type_display().lower()} at {activity.school.name}, "
                f"{activity.date:%-d %B %Y}, {activity.duration_minutes} minutes.",
            )
            if "another" in request.POST:
                url = reverse("mhst_activity_add", kwargs={"slug": slug, "team": team.pk})
                return redirect(f"{url}?date={activity.date.isoformat()}")
            return redirect("mhst_activity", slug=slug, team=team.pk)
    return render(
        request,
        "mhst/activity/form.jinja",
        {"partnership": partnership, "team": team, "form": form, "activity": None},
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request, slug, pk):
    partnership, activity = _activity(request, slug, pk)
    team = activity.team
    initial = {name: getattr(activity, name) for name in service.FIELDS}
    initial.update(school=activity.school_id, practitioner=activity.practitioner_id)
    form = ActivityForm(posted(request), user=request.user, team=team, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update(activity, request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, f"Changes saved: {activity.get_type_display().lower()} at {activity.school.name}."
            )
            return redirect("mhst_activity", slug=slug, team=team.pk)
    return render(
        request,
        "mhst/activity/form.jinja",
        {"partnership": partnership, "team": team, "form": form, "activity": activity},
    )


@require_http_methods(["GET", "POST"])
def activity_delete(request, slug, pk):
    partnership, activity = _activity(request, slug, pk)
    team = activity.team
    if request.method == "POST":
        service.delete(activity, request.user)
        messages.success(request, f"Deleted: {activity.get_type_display().lower()} at {activity.school.name}.")
        return redirect("mhst_activity", slug=slug, team=team.pk)
    return render(
        request,
        "mhst/activity/delete.jinja",
        {"partnership": partnership, "team": team, "activity": activity},
    )


# --- CSV import -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def activity_import_view(request, slug, team):
    partnership, team = _team(request, slug, team)
    form = ImportForm(posted(request), request.FILES if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(activity_import.MAX_BYTES + 1)
        result = activity_import.import_activity(team, request.user, data)
        if result.imported:
            messages.success(request, f"Imported {result.created} activities from {upload.name}.")
            return redirect("mhst_activity", slug=slug, team=team.pk)
    return render(
        request,
        "mhst/activity/import.jinja",
        {
            "partnership": partnership,
            "team": team,
            "form": form,
            "result": result,
            "summary_items": _summary_items(result),
            "columns": activity_import.COLUMNS,
            "types": ActivityType.choices,
            "functions": Function.choices,
            "max_rows": activity_import.MAX_ROWS,
        },
    )


def _summary_items(result) -> list[dict]:
    """The first problems of a refused file, for the error summary (the table lists them all)."""
    if result is None:
        return []
    return [
        {
            "text": (f"Row {e.row}, {e.column}: " if e.row else "") + e.message,
            "href": "#import-errors" if e.row else "#file",
        }
        for e in result.errors[:10]
    ]


@require_GET
def activity_template(request, slug, team):
    _team(request, slug, team)
    header, *rows = activity_import.template_rows()
    return csv_response("mhst-activity-template.csv", header, rows)


# --- caseload ---------------------------------------------------------------------------------------


@require_GET
def caseload(request, slug, team):
    """The referrals allocated to the team's directory service, read only. Only the reference,
    school, THRIVE grouping, status and dates are shown: never the child's name or other details,
    so no child_details_viewed audit event is needed (the referral pages, which show them, write it)."""
    partnership, team = _team(request, slug, team)
    referrals = (
        Referral.objects.for_user(request.user, RECORD)
        .filter(partnership=partnership, allocated_service=team.service)
        .select_related("school")
        .only(
            "pk",
            "year",
            "number",
            "status",
            "thrive",
            "triaged_at",
            "first_contact_on",
            "submitted_at",
            "school__name",
            "school__urn",
        )
    )
    counts = Counter(referrals.values_list("status", flat=True))
    page = paginate(request, referrals.order_by("-triaged_at", "-pk"))
    return render(
        request,
        "mhst/activity/caseload.jinja",
        {
            "partnership": partnership,
            "team": team,
            "page": page,
            "counts": [(status_tag(s), counts[s]) for s in Status.values if counts.get(s)],
            "status_tag": status_tag,
        },
    )
