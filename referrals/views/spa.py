"""The referrals landing page, the single point of access's settings and reason codes, and the
duty rota. Thin: find the partnership and its SPA through the user's scope, check who may act,
call a service, redirect with a message.

Editors: the area lead (MANAGE_PARTNERSHIP) and the SPA's duty lead (LEAD_DUTY_TEAM at the
provider). Readers of the rota and reason codes: editors and the duty team (TRIAGE_REFERRALS).
"""

from datetime import date, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.roles import Permission
from partnership.views.common import can, partnership_for, posted, show_errors

from ..forms.spa import ReasonForm, ReasonLabelForm, ShiftForm, SpaForm, SpaSetupForm
from ..models import Channel, DutyRole, NotAcceptedReason, RotaShift, SinglePointOfAccess
from ..services import rota
from ..services import spa as service


def _spa_or_none(request, partnership):
    return (
        SinglePointOfAccess.objects.for_user(request.user)
        .filter(partnership=partnership)
        .select_related("provider", "partnership")
        .first()
    )


def _spa(request, slug, *, edit: bool = False):
    """The partnership and its SPA (404 when the user cannot see the partnership or it has no SPA),
    then 403 unless the user may edit (edit=True) or read the duty pages."""
    partnership = partnership_for(request, slug)
    spa = _spa_or_none(request, partnership)
    if spa is None:
        raise Http404("This partnership has no single point of access yet.")
    allowed = service.can_edit_spa(request.user, spa) if edit else service.can_read_duty_pages(request.user, spa)
    if not allowed:
        raise PermissionDenied(service.EDITOR_REFUSAL)
    return partnership, spa


# --- the landing page --------------------------------------------------------------------------


@require_GET
def home(request, slug):
    partnership = partnership_for(request, slug)
    spa = _spa_or_none(request, partnership)
    user = request.user
    return render(
        request,
        "referrals/home.jinja",
        {
            "partnership": partnership,
            "spa": spa,
            "channels": [label for value, label in Channel.choices if value in spa.channels] if spa else [],
            "can_submit": can(user, partnership, Permission.SUBMIT_REFERRALS),
            "can_triage": can(user, partnership, Permission.TRIAGE_REFERRALS),
            "can_edit": bool(spa) and service.can_edit_spa(user, spa),
            "can_set_up": spa is None and can(user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


# --- set-up and settings -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def spa_setup(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    if _spa_or_none(request, partnership) is not None:
        messages.info(request, "This partnership already has a single point of access: change its settings here.")
        return redirect("referrals_spa_edit", slug=slug)
    form = SpaSetupForm(posted(request), user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            spa = service.create_spa(partnership=partnership, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{spa.name} is set up, with the default reasons for not accepting a referral.")
            return redirect("referrals_home", slug=slug)
    return render(request, "referrals/spa/spa_form.jinja", {"partnership": partnership, "form": form, "spa": None})


@require_http_methods(["GET", "POST"])
def spa_edit(request, slug):
    partnership, spa = _spa(request, slug, edit=True)
    initial = {name: getattr(spa, name) for name in service.EDITABLE_FIELDS}
    form = SpaForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_spa(spa=spa, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Settings of {spa.name} saved.")
            return redirect("referrals_home", slug=slug)
    return render(request, "referrals/spa/spa_form.jinja", {"partnership": partnership, "form": form, "spa": spa})


# --- reasons for not accepting -----------------------------------------------------------------


def _reason(request, spa, pk):
    return get_object_or_404(NotAcceptedReason.objects.for_user(request.user).filter(spa=spa), pk=pk)


@require_GET
def reason_list(request, slug):
    partnership, spa = _spa(request, slug)
    reasons = list(NotAcceptedReason.objects.for_user(request.user).filter(spa=spa).order_by("position", "label", "pk"))
    return render(
        request,
        "referrals/spa/reason_list.jinja",
        {
            "partnership": partnership,
            "spa": spa,
            "reasons": reasons,
            "can_edit": service.can_edit_spa(request.user, spa),
        },
    )


@require_http_methods(["GET", "POST"])
def reason_add(request, slug):
    partnership, spa = _spa(request, slug, edit=True)
    form = ReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            reason = service.add_reason(spa=spa, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Reason added: {reason.label}.")
            return redirect("referrals_reasons", slug=slug)
    return render(
        request,
        "referrals/spa/reason_form.jinja",
        {"partnership": partnership, "spa": spa, "form": form, "reason": None},
    )


@require_http_methods(["GET", "POST"])
def reason_edit(request, slug, pk):
    partnership, spa = _spa(request, slug, edit=True)
    reason = _reason(request, spa, pk)
    form = ReasonLabelForm(posted(request), initial={"label": reason.label})
    if request.method == "POST" and form.is_valid():
        try:
            service.update_reason(reason=reason, by=request.user, label=form.cleaned_data["label"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Reason {reason.code} saved.")
            return redirect("referrals_reasons", slug=slug)
    return render(
        request,
        "referrals/spa/reason_form.jinja",
        {"partnership": partnership, "spa": spa, "form": form, "reason": reason},
    )


@require_POST
def reason_active(request, slug, pk):
    """Deactivate (action=deactivate) or reactivate (action=reactivate) a reason: never delete."""
    _, spa = _spa(request, slug, edit=True)
    reason = _reason(request, spa, pk)
    action = request.POST.get("action")
    if action not in ("deactivate", "reactivate"):
        messages.error(request, "Choose to deactivate or reactivate the reason.")
        return redirect("referrals_reasons", slug=slug)
    try:
        service.set_reason_active(reason=reason, by=request.user, is_active=action == "reactivate")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = "reactivated: the duty team can choose it again" if action == "reactivate" else "deactivated"
        messages.success(request, f"Reason {done}: {reason.label}.")
    return redirect("referrals_reasons", slug=slug)


@require_POST
def reason_move(request, slug, pk):
    _, spa = _spa(request, slug, edit=True)
    reason = _reason(request, spa, pk)
    try:
        service.move_reason(reason=reason, by=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Reason moved {request.POST['direction']}: {reason.label}.")
    return redirect("referrals_reasons", slug=slug)


# --- the duty rota -----------------------------------------------------------------------------

WEEK_ERROR = "Enter the week as a real date, for example 2026-03-30. This week is shown instead."


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _shift_label(shift, day: date) -> str:
    """9am-1pm on the day; a shift reaching into another day names its days."""
    start = timezone.localtime(shift.starts_at, rota.COVER_TIMEZONE)
    end = timezone.localtime(shift.ends_at, rota.COVER_TIMEZONE)
    same_day = start.date() == day and (end.date() == day or end == rota.local(day + timedelta(days=1), time(0)))
    if same_day:
        return f"{rota.clock(start)}-{rota.clock(end)}"
    return f"{start:%a} {rota.clock(start)} to {end:%a} {rota.clock(end)}"


@require_GET
def rota_week(request, slug):
    partnership, spa = _spa(request, slug)
    error = None
    today = timezone.localdate()
    chosen = _parse_day(request.GET.get("week"))
    if request.GET.get("week") and chosen is None:
        error = WEEK_ERROR
    monday = rota.week_start(chosen or today)
    week_from, _ = rota.day_bounds(monday)
    _, week_to = rota.day_bounds(monday + timedelta(days=6))
    shifts = list(
        RotaShift.objects.for_user(request.user)
        .filter(spa=spa, starts_at__lt=week_to, ends_at__gt=week_from)
        .select_related("user")
        .order_by("starts_at", "role", "pk")
    )
    gaps = rota.gaps(spa, week_from, week_to)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        day_from, day_to = rota.day_bounds(day)
        on_day = [s for s in shifts if s.starts_at < day_to and s.ends_at > day_from]
        days.append(
            {
                "date": day,
                "is_today": day == today,
                "roles": [
                    {
                        "label": role.label,
                        "shifts": [{"shift": s, "text": _shift_label(s, day)} for s in on_day if s.role == role],
                    }
                    for role in rota.ROLES
                ],
                "gaps": [g.text for g in gaps if day_from <= g.start < day_to],
            }
        )
    return render(
        request,
        "referrals/spa/rota.jinja",
        {
            "partnership": partnership,
            "spa": spa,
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": (monday - timedelta(days=7)).isoformat(),
            "next": (monday + timedelta(days=7)).isoformat(),
            "this_week": rota.week_start(today),
            "days": days,
            "gap_count": len(gaps),
            "error": error,
            "can_edit": service.can_edit_spa(request.user, spa),
            "cover": rota.REQUIRED_COVER,
        },
    )


def _shift(request, spa, pk):
    return get_object_or_404(RotaShift.objects.for_user(request.user).filter(spa=spa).select_related("user"), pk=pk)


def _back_to_week(slug, moment):
    monday = rota.week_start(timezone.localtime(moment, rota.COVER_TIMEZONE).date())
    return redirect(f"{reverse('referrals_rota', args=[slug])}?week={monday.isoformat()}")


@require_http_methods(["GET", "POST"])
def shift_add(request, slug):
    partnership, spa = _spa(request, slug, edit=True)
    day = _parse_day(request.GET.get("date"))
    initial = {"start_time": f"{rota.COVER_STARTS:%H:%M}", "end_time": f"{rota.COVER_ENDS:%H:%M}"}
    if day:
        initial.update(start_date=day, end_date=day)
    form = ShiftForm(posted(request), initial=initial, memberships=rota.eligible_memberships(spa))
    if request.method == "POST" and form.is_valid():
        try:
            shift = rota.add_shift(spa=spa, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Shift added: {shift.user.full_name or shift.user.email}, {_when(shift)}.")
            return _back_to_week(slug, shift.starts_at)
    return render(
        request, "referrals/spa/shift_form.jinja", {"partnership": partnership, "spa": spa, "form": form, "shift": None}
    )


def _when(shift) -> str:
    start = timezone.localtime(shift.starts_at, rota.COVER_TIMEZONE)
    end = timezone.localtime(shift.ends_at, rota.COVER_TIMEZONE)
    return (
        f"{DutyRole(shift.role).label.lower()} on {start:%A %-d %B} "
        f"{rota.clock(start)} to {'' if end.date() == start.date() else f'{end:%A %-d %B} '}{rota.clock(end)}"
    )


@require_http_methods(["GET", "POST"])
def shift_edit(request, slug, pk):
    partnership, spa = _spa(request, slug, edit=True)
    shift = _shift(request, spa, pk)
    start = timezone.localtime(shift.starts_at, rota.COVER_TIMEZONE)
    end = timezone.localtime(shift.ends_at, rota.COVER_TIMEZONE)
    initial = {
        "role": shift.role,
        "user": shift.user_id,
        "start_date": start.date(),
        "start_time": f"{start:%H:%M}",
        "end_date": end.date(),
        "end_time": f"{end:%H:%M}",
    }
    form = ShiftForm(posted(request), initial=initial, memberships=rota.eligible_memberships(spa))
    if request.method == "POST" and form.is_valid():
        try:
            shift = rota.update_shift(shift=shift, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Shift saved: {shift.user.full_name or shift.user.email}, {_when(shift)}.")
            return _back_to_week(slug, shift.starts_at)
    return render(
        request,
        "referrals/spa/shift_form.jinja",
        {"partnership": partnership, "spa": spa, "form": form, "shift": shift},
    )


@require_http_methods(["GET", "POST"])
def shift_delete(request, slug, pk):
    partnership, spa = _spa(request, slug, edit=True)
    shift = _shift(request, spa, pk)
    when = _when(shift)
    if request.method == "POST":
        rota.delete_shift(shift=shift, by=request.user)
        messages.success(request, f"Shift deleted: {shift.user.full_name or shift.user.email}, {when}.")
        return _back_to_week(slug, shift.starts_at)
    return render(
        request,
        "referrals/spa/shift_delete.jinja",
        {"partnership": partnership, "spa": spa, "shift": shift, "when": when},
    )
