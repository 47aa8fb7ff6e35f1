"""Workshop attendance, the representation report against the target mix, and the follow-up
lists. Thin: scope, call a service, redirect with a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.views.common import can, csv_response, paginate, partnership_for, posted, scoped, show_errors

from ..forms.attendance import AttendeeForm, TargetsForm
from ..models import RepresentationTarget, Workshop, WorkshopAttendance
from ..queries_attendance import (
    FOLLOW_UP_HEADER,
    cohort_follow_ups,
    follow_up_rows,
    representation,
    sector_counts,
    targets_of,
)
from ..services import attendance as service

VIEW = Permission.VIEW_CASCADE_RESULTS
RUN = Permission.RUN_CASCADE_WORKSHOPS
PER_PAGE = 50


def _workshop(request, partnership, pk) -> Workshop:
    return get_object_or_404(scoped(Workshop, request, partnership, VIEW).select_related("cohort"), pk=pk)


def _attendee(request, partnership, pk) -> WorkshopAttendance:
    attendance = scoped(WorkshopAttendance, request, partnership, RUN).select_related(
        "workshop__cohort", "organisation"
    )
    return get_object_or_404(attendance, pk=pk)


def _targets(request, partnership) -> dict[str, int]:
    return targets_of(scoped(RepresentationTarget, request, partnership, VIEW))


@require_GET
def cascade_workshop_attendance(request, slug, pk):
    """Who came to one workshop, and its representation by sector against the target mix."""
    partnership = partnership_for(request, slug, VIEW)
    workshop = _workshop(request, partnership, pk)
    attendance = (
        scoped(WorkshopAttendance, request, partnership, VIEW)
        .filter(workshop=workshop)
        .select_related("organisation", "user")
        .order_by("name", "pk")
    )
    return render(
        request,
        "cascade/attendance/workshop_attendance.jinja",
        {
            "partnership": partnership,
            "workshop": workshop,
            "page": paginate(request, attendance, PER_PAGE),
            "representation": representation(sector_counts(attendance), _targets(request, partnership)),
            "can_run": can(request.user, partnership, RUN),
        },
    )


@require_http_methods(["GET", "POST"])
def cascade_attendee_add(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    workshop = _workshop(request, partnership, pk)
    form = AttendeeForm(posted(request), user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            row = service.add_attendee(workshop=workshop, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{row.name} added to the attendance list ({row.get_sector_display()}).")
            if "another" in request.POST:
                return redirect("cascade_attendee_add", slug=slug, pk=workshop.pk)
            return redirect("cascade_workshop_attendance", slug=slug, pk=workshop.pk)
    return render(
        request,
        "cascade/attendance/attendee_form.jinja",
        {"partnership": partnership, "workshop": workshop, "attendee": None, "form": form},
    )


@require_http_methods(["GET", "POST"])
def cascade_attendee_edit(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    attendee = _attendee(request, partnership, pk)
    form = AttendeeForm(posted(request), user=request.user, partnership=partnership, attendance=attendee)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_attendee(attendance=attendee, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{attendee.name}'s attendance saved.")
            return redirect("cascade_workshop_attendance", slug=slug, pk=attendee.workshop_id)
    return render(
        request,
        "cascade/attendance/attendee_form.jinja",
        {"partnership": partnership, "workshop": attendee.workshop, "attendee": attendee, "form": form},
    )


@require_http_methods(["GET", "POST"])
def cascade_attendee_remove(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    attendee = _attendee(request, partnership, pk)
    workshop = attendee.workshop
    error = None
    if request.method == "POST":
        name = attendee.name
        try:
            service.remove_attendee(attendance=attendee, by=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"{name} removed from the attendance list.")
            return redirect("cascade_workshop_attendance", slug=slug, pk=workshop.pk)
    return render(
        request,
        "cascade/attendance/attendee_remove.jinja",
        {"partnership": partnership, "workshop": workshop, "attendee": attendee, "error": error},
    )


def _follow_ups(request, partnership):
    return cohort_follow_ups(
        scoped(WorkshopAttendance, request, partnership, VIEW), scoped(Workshop, request, partnership, VIEW)
    )


@require_GET
def cascade_attendance_report(request, slug):
    """The partnership's representation by sector over every workshop, and per cohort who came to
    both rounds, who dropped out, and who joined at round 2."""
    partnership = partnership_for(request, slug, VIEW)
    attendance = scoped(WorkshopAttendance, request, partnership, VIEW)
    targets = _targets(request, partnership)
    return render(
        request,
        "cascade/attendance/report.jinja",
        {
            "partnership": partnership,
            "representation": representation(sector_counts(attendance), targets),
            "has_targets": bool(targets),
            "attendances": attendance.count(),
            "cohorts": _follow_ups(request, partnership),
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_GET
def cascade_follow_up_export(request, slug):
    partnership = partnership_for(request, slug, VIEW)
    rows = list(follow_up_rows(_follow_ups(request, partnership)))
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=partnership,
        detail={"export": "cascade_follow_up", "rows": len(rows)},
    )
    filename = f"{partnership.slug}-cascade-follow-up-{timezone.localdate().isoformat()}.csv"
    return csv_response(filename, FOLLOW_UP_HEADER, rows)


@require_http_methods(["GET", "POST"])
def cascade_targets(request, slug):
    """The area lead sets the target mix: a whole-number percentage per sector, adding up to 100 at most."""
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    form = TargetsForm(posted(request), targets=_targets(request, partnership))
    if request.method == "POST" and form.is_valid():
        try:
            service.set_representation_targets(partnership=partnership, by=request.user, percents=form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Target mix saved.")
            return redirect("cascade_attendance_report", slug=slug)
    return render(request, "cascade/attendance/targets_form.jinja", {"partnership": partnership, "form": form})
