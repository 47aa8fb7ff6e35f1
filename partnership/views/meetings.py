"""Pages for meetings: the list, a year's schedule, a meeting's agenda, attendance, minutes,
decisions and the actions raised in it. Thin: scope, call a service, redirect with a message."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.meetings import ActionForm, AgendaForm, AttendanceForm, DecisionForm, MinutesForm, ScheduleForm
from ..forms.mous import ConfirmForm
from ..models import Action, Attendance, Decision, Group, GroupMember, Meeting, Sector
from ..roles import Permission
from ..services import meetings as service
from .common import can, paginate, partnership_for, posted, scoped, scoped_or_404, show_errors

STATUS_COLOURS = {
    Meeting.Status.SCHEDULED: "blue",
    Meeting.Status.HELD: "green",
    Meeting.Status.CANCELLED: "grey",
}


def _meeting(request, partnership, pk) -> Meeting:
    return get_object_or_404(scoped(Meeting, request, partnership).select_related("group", "terms"), pk=pk)


def _detail(meeting: Meeting):
    return redirect("meeting_detail", slug=meeting.group.partnership.slug, pk=meeting.pk)


@require_GET
def meeting_list(request, slug):
    partnership = partnership_for(request, slug)
    groups = scoped(Group, request, partnership).filter(is_active=True).order_by("kind", "name")
    meetings = scoped(Meeting, request, partnership).select_related("group")
    group = None
    group_pk = request.GET.get("group", "")
    if group_pk.isascii() and group_pk.isdigit():
        group = groups.filter(pk=group_pk).first()
        if group is not None:
            meetings = meetings.filter(group=group)
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    if when == "past":
        meetings = meetings.filter(starts_at__lt=start_of_today).order_by("-starts_at", "group__name")
    else:
        meetings = meetings.filter(starts_at__gte=start_of_today).order_by("starts_at", "group__name")
    keep = {"when": when, **({"group": group.pk} if group else {})}
    return render(
        request,
        "governance/meetings/meeting_list.jinja",
        {
            "partnership": partnership,
            "groups": groups,
            "group": group,
            "when": when,
            "page": paginate(request, meetings),
            "query": urlencode(keep),
            "group_query": urlencode({"group": group.pk}) + "&" if group else "",
            "colours": STATUS_COLOURS,
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_schedule(request, slug, group_pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    group = scoped_or_404(Group, request, partnership, pk=group_pk)
    terms = group.published_terms()
    form = ScheduleForm(posted(request))
    proposed = None
    if terms is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "confirm" in request.POST:
                created = service.schedule_year(group=group, by=request.user, **data)
                messages.success(
                    request,
                    f"{len(created)} meetings of {group.name} scheduled."
                    if created
                    else f"No meetings added: {group.name} already has a meeting in each of those slots.",
                )
                return redirect(_list_url(slug, group))
            proposed = service.propose_schedule(group=group, first_date=data["first_date"], time=data["time"])
        except ValidationError as error:
            show_errors(form, error)
    return render(
        request,
        "governance/meetings/meeting_schedule.jinja",
        {"partnership": partnership, "group": group, "terms": terms, "form": form, "proposed": proposed},
    )


def _list_url(slug: str, group: Group) -> str:
    return reverse("meeting_list", args=[slug]) + "?" + urlencode({"group": group.pk})


@require_GET
def meeting_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    meeting = _meeting(request, partnership, pk)
    attendance = scoped(Attendance, request, partnership).filter(meeting=meeting).select_related("user", "organisation")
    actions = (
        scoped(Action, request, partnership)
        .filter(source_meeting=meeting)
        .select_related("owner", "owner_organisation")
        .order_by("number")
    )
    return render(
        request,
        "governance/meetings/meeting_detail.jinja",
        {
            "partnership": partnership,
            "meeting": meeting,
            "members": [a for a in attendance if a.is_member],
            "others": [a for a in attendance if not a.is_member],
            "decisions": scoped(Decision, request, partnership).filter(meeting=meeting).order_by("number"),
            "actions": actions,
            "colours": STATUS_COLOURS,
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
            "is_past": timezone.localdate(meeting.starts_at) <= timezone.localdate(),
        },
    )


def _text_page(request, slug, pk, *, form_class, field, update, template, message):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    meeting = _meeting(request, partnership, pk)
    form = form_class(posted(request), initial={field: getattr(meeting, field)})
    if request.method == "POST" and form.is_valid():
        try:
            update(meeting=meeting, by=request.user, **{field: form.cleaned_data[field]})
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, message)
            return _detail(meeting)
    return render(request, template, {"partnership": partnership, "meeting": meeting, "form": form})


@require_http_methods(["GET", "POST"])
def meeting_agenda(request, slug, pk):
    return _text_page(
        request,
        slug,
        pk,
        form_class=AgendaForm,
        field="agenda",
        update=service.update_agenda,
        template="governance/meetings/agenda_form.jinja",
        message="Agenda saved.",
    )


@require_http_methods(["GET", "POST"])
def meeting_minutes(request, slug, pk):
    return _text_page(
        request,
        slug,
        pk,
        form_class=MinutesForm,
        field="minutes",
        update=service.update_minutes,
        template="governance/meetings/minutes_form.jinja",
        message="Minutes saved.",
    )


@require_http_methods(["GET", "POST"])
def meeting_cancel(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    meeting = _meeting(request, partnership, pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            service.cancel_meeting(meeting=meeting, by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Meeting cancelled.")
            return _detail(meeting)
    return render(
        request,
        "governance/meetings/meeting_cancel.jinja",
        {"partnership": partnership, "meeting": meeting, "form": form},
    )


@require_http_methods(["GET", "POST"])
def meeting_attendance(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    meeting = _meeting(request, partnership, pk)
    seats = (
        scoped(GroupMember, request, partnership)
        .filter(group=meeting.group)
        .current()
        .select_related("user", "organisation")
        .order_by("user__full_name", "pk")
    )
    terms = meeting.group.published_terms()
    form = AttendanceForm(posted(request), user=request.user, meeting=meeting, seats=seats)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = service.record_attendance(
                meeting=meeting, by=request.user, statuses=form.statuses(), guests=list(form.cleaned_data["others"])
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Attendance recorded. {meeting.quorum_note}")
            return _detail(meeting)
    return render(
        request,
        "governance/meetings/attendance_form.jinja",
        {
            "partnership": partnership,
            "meeting": meeting,
            "form": form,
            "seat_fields": [form[form.seat_field(seat)] for seat in form.seats],
            "terms": terms,
            "quorum_sectors": [Sector(s).label for s in terms.quorum_sectors] if terms else [],
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_decision_add(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    meeting = _meeting(request, partnership, pk)
    form = DecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            decision = service.add_decision(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Decision {decision.reference} recorded.")
            return _detail(meeting)
    return render(
        request,
        "governance/meetings/decision_form.jinja",
        {"partnership": partnership, "meeting": meeting, "form": form, "decision": None},
    )


@require_http_methods(["GET", "POST"])
def meeting_decision_edit(request, slug, pk, decision_pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    meeting = _meeting(request, partnership, pk)
    decision = scoped_or_404(Decision, request, partnership, meeting=meeting, pk=decision_pk)
    form = DecisionForm(posted(request), initial={"text": decision.text})
    if request.method == "POST" and form.is_valid():
        try:
            service.edit_decision(decision=decision, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Decision {decision.reference} corrected.")
            return _detail(meeting)
    return render(
        request,
        "governance/meetings/decision_form.jinja",
        {"partnership": partnership, "meeting": meeting, "form": form, "decision": decision},
    )


@require_http_methods(["GET", "POST"])
def meeting_action_add(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    meeting = _meeting(request, partnership, pk)
    form = ActionForm(posted(request), user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            action = service.raise_action(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} raised and added to the action log.")
            return _detail(meeting)
    return render(
        request, "governance/meetings/action_form.jinja", {"partnership": partnership, "meeting": meeting, "form": form}
    )
