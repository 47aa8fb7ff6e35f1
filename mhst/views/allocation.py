"""The published allocation method, proposals with their visible workings, adjustments, and the
steering group's decision (issue 6 item 2). Thin: scope, check, call mhst.services.allocation.

Readers: every member sees the method and approved versions with their rationale; proposals only
the team's managers and those who approve (mhst.access.visible_allocations)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.roles import Permission
from partnership.views.common import partnership_for, posted, show_errors

from .. import access
from ..forms.allocation import AdjustForm, DecideForm, MethodForm, ProposeForm, WithdrawForm
from ..models import AllocationLine, AllocationMethod, AllocationStatus, Team
from ..services import allocation as service
from ..services.capacity import capacity
from ..services.need import INDICATORS, weights_of
from ..services.schools import member_schools


def _team(request, partnership, pk) -> Team:
    return get_object_or_404(
        Team.objects.for_user(request.user).filter(partnership=partnership).select_related("provider"), pk=pk
    )


def _allocation(request, partnership, pk):
    return get_object_or_404(
        access.visible_allocations(request.user, partnership).select_related(
            "team__provider", "method", "proposed_by", "decided_by", "decision", "meeting__group"
        ),
        pk=pk,
    )


# --- the method ---------------------------------------------------------------------------------


@require_GET
def method(request, slug):
    partnership = partnership_for(request, slug)
    versions = list(
        AllocationMethod.objects.for_user(request.user)
        .filter(partnership=partnership)
        .select_related("published_by")
        .order_by("-number")
    )
    current = versions[0] if versions else None
    return render(
        request,
        "mhst/allocation/method.jinja",
        {
            "partnership": partnership,
            "method": current,
            "weights": weights_of(current) if current else {},
            "indicators": INDICATORS,
            "versions": versions,
            "can_publish": access.holds(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_http_methods(["GET", "POST"])
def method_edit(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    current = service.current_method(partnership)
    form = MethodForm(posted(request), initial=MethodForm.initial_from(current))
    if request.method == "POST" and form.is_valid():
        try:
            published = service.publish_method(partnership=partnership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Allocation method version {published.number} published to all members.")
            return redirect("mhst_method", slug=slug)
    return render(
        request, "mhst/allocation/method_form.jinja", {"partnership": partnership, "form": form, "current": current}
    )


# --- proposing ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def propose(request, slug, team):
    partnership = partnership_for(request, slug)
    team = _team(request, partnership, team)
    if not access.can_manage_team(request.user, team):
        raise PermissionDenied("Only the team's MHST manager proposes its allocation.")
    schools = member_schools(partnership)
    active = service.active_allocation(team)
    initial = {
        "effective_from": timezone.localdate(),
        "schools": list(active.lines.values_list("school_id", flat=True)) if active else [],
    }
    form = ProposeForm(posted(request), initial=initial, schools=schools)
    method_now = service.current_method(partnership)
    waiting = service.open_proposal(team)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = service.propose(
                team=team,
                by=request.user,
                school_ids=[s.pk for s in form.cleaned_data["schools"]],
                effective_from=form.cleaned_data["effective_from"],
                rationale=form.cleaned_data["rationale"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {allocation.number} proposed. It is not active until the steering group approves it.",
            )
            return redirect("mhst_allocation", slug=slug, pk=allocation.pk)
    return render(
        request,
        "mhst/allocation/propose.jinja",
        {
            "partnership": partnership,
            "team": team,
            "form": form,
            "method": method_now,
            "waiting": waiting,
            "active": active,
            "capacity": capacity(team, timezone.localdate()),
        },
    )


# --- one version --------------------------------------------------------------------------------


@require_GET
def allocation(request, slug, pk):
    partnership = partnership_for(request, slug)
    allocation = _allocation(request, partnership, pk)
    lines = list(allocation.lines.select_related("school", "adjusted_by").order_by("rank", "school__name"))
    total = sum((line.share_wte for line in lines), start=Decimal("0"))
    user = request.user
    proposed = allocation.status == AllocationStatus.PROPOSED
    return render(
        request,
        "mhst/allocation/detail.jinja",
        {
            "partnership": partnership,
            "allocation": allocation,
            "team": allocation.team,
            "lines": lines,
            "total": total,
            "difference": total - allocation.capacity_wte,
            "weights": weights_of(allocation.method),
            "indicators": INDICATORS,
            "versions": access.visible_allocations(user, partnership).filter(team=allocation.team).order_by("-number"),
            "can_adjust": proposed and service.can_adjust(user, allocation),
            "can_decide": proposed and access.holds(user, partnership, Permission.APPROVE_MHST_ALLOCATIONS),
            "can_withdraw": proposed and access.can_manage_team(user, allocation.team),
        },
    )


def _proposal_or_redirect(request, allocation):
    if allocation.status != AllocationStatus.PROPOSED:
        messages.info(
            request,
            f"Version {allocation.number} is {allocation.get_status_display().lower()}: only a proposal can change.",
        )
        return redirect("mhst_allocation", slug=allocation.team.partnership.slug, pk=allocation.pk)
    return None


@require_http_methods(["GET", "POST"])
def adjust(request, slug, pk):
    partnership = partnership_for(request, slug)
    line = get_object_or_404(
        AllocationLine.objects.for_user(request.user)
        .filter(allocation__in=access.visible_allocations(request.user, partnership))
        .select_related("allocation__team__partnership", "school"),
        pk=pk,
    )
    allocation = line.allocation
    if not service.can_adjust(request.user, allocation):
        raise PermissionDenied("Only the team's manager or the steering group adjusts a proposal.")
    if (done := _proposal_or_redirect(request, allocation)) is not None:
        return done
    form = AdjustForm(posted(request), initial={"wte": line.share_wte, "reason": line.adjustment_reason})
    if request.method == "POST" and form.is_valid():
        try:
            service.adjust(line=line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Share for {line.school.name} changed, with your reason.")
            return redirect("mhst_allocation", slug=slug, pk=allocation.pk)
    return render(
        request,
        "mhst/allocation/adjust.jinja",
        {"partnership": partnership, "allocation": allocation, "line": line, "form": form},
    )


@require_http_methods(["GET", "POST"])
def decide(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.APPROVE_MHST_ALLOCATIONS)
    allocation = _allocation(request, partnership, pk)
    if (done := _proposal_or_redirect(request, allocation)) is not None:
        return done
    meetings = service.decision_meetings(partnership)
    initial = {
        "meeting": meetings.first(),
        "decision_text": f"The steering group approved {allocation.team.name}'s allocation to schools, "
        f"version {allocation.number}, as proposed.",
    }
    form = DecideForm(posted(request), initial=initial, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.decide(
                allocation=allocation,
                by=request.user,
                meeting=data["meeting"],
                approve=data["outcome"] == "approve",
                decision_text=data["decision_text"],
                note=data["note"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            allocation.refresh_from_db()
            messages.success(
                request,
                f"Decision {allocation.decision.reference} recorded: version {allocation.number} "
                f"{allocation.get_status_display().lower()}.",
            )
            return redirect("mhst_allocation", slug=slug, pk=allocation.pk)
    return render(
        request,
        "mhst/allocation/decide.jinja",
        {"partnership": partnership, "allocation": allocation, "form": form, "has_meetings": meetings.exists()},
    )


@require_http_methods(["GET", "POST"])
def withdraw(request, slug, pk):
    partnership = partnership_for(request, slug)
    allocation = _allocation(request, partnership, pk)
    if not access.can_manage_team(request.user, allocation.team):
        raise PermissionDenied("Only the team's MHST manager withdraws its proposal.")
    if (done := _proposal_or_redirect(request, allocation)) is not None:
        return done
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            service.withdraw(allocation=allocation, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Version {allocation.number} withdrawn.")
            return redirect("mhst_allocation", slug=slug, pk=allocation.pk)
    return render(
        request, "mhst/allocation/withdraw.jinja", {"partnership": partnership, "allocation": allocation, "form": form}
    )
