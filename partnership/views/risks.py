"""Pages of the risk register. Thin: scope, call a service, redirect with a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..filters import RiskFilter
from ..forms.actions import ActionForm
from ..forms.risks import RiskForm
from ..models import Action, Risk, RiskRating
from ..roles import Permission
from ..services import actions as action_service
from ..services import risks as service
from .actions import rag_tag, show_errors
from .common import can, paginate, partnership_for, scoped, scoped_or_404

RATING_COLOURS = {
    RiskRating.LOW: "green",
    RiskRating.MODERATE: "yellow",
    RiskRating.HIGH: "orange",
    RiskRating.EXTREME: "red",
}
STATUS_COLOURS = {Risk.Status.PROPOSED: "blue", Risk.Status.OPEN: "white", Risk.Status.CLOSED: "grey"}


def rating_tag(rating) -> dict:
    rating = RiskRating(rating)
    return {"text": rating.label, "colour": RATING_COLOURS[rating]}


def _context(request, partnership, **extra) -> dict:
    return {
        "partnership": partnership,
        "rating_tag": rating_tag,
        "status_colours": STATUS_COLOURS,
        "likelihood": service.LIKELIHOOD,
        "impact": service.IMPACT,
        "review_overdue": service.review_overdue,
        "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        **extra,
    }


@require_GET
def risk_list(request, slug):
    partnership = partnership_for(request, slug)
    risks = scoped(Risk, request, partnership).select_related("owner").order_by("-score", "number")
    filterset = RiskFilter(request.GET or None, risks)
    query = request.GET.copy()
    query.pop("page", None)
    proposed = risks.filter(status=Risk.Status.PROPOSED)
    return render(
        request,
        "governance/risks/risk_list.jinja",
        _context(
            request,
            partnership,
            filter=filterset,
            page=paginate(request, filterset.qs),
            query=query.urlencode(),
            matrix=service.matrix(risks.filter(status=Risk.Status.OPEN)),
            proposed_count=proposed.count(),
        ),
    )


@require_http_methods(["GET", "POST"])
def risk_create(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    form = RiskForm(request.POST or None, user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            risk = service.create_risk(partnership=partnership, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.reference} added to the register.")
            return redirect("risk_detail", slug=slug, pk=risk.pk)
    return render(request, "governance/risks/risk_form.jinja", _context(request, partnership, form=form, risk=None))


@require_http_methods(["GET", "POST"])
def risk_edit(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    risk = scoped_or_404(Risk, request, partnership, pk=pk)
    form = RiskForm(request.POST or None, user=request.user, partnership=partnership, risk=risk)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_risk(risk=risk, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Risk {risk.reference} saved.")
            return redirect("risk_detail", slug=slug, pk=risk.pk)
    return render(request, "governance/risks/risk_form.jinja", _context(request, partnership, form=form, risk=risk))


@require_GET
def risk_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    risk = scoped_or_404(Risk, request, partnership, pk=pk)
    actions = (
        scoped(Action, request, partnership)
        .filter(source_risk=risk)
        .with_rag(timezone.localdate())
        .select_related("owner", "owner_organisation")
        .order_by("due_date", "number")
    )
    return render(
        request,
        "governance/risks/risk_detail.jinja",
        _context(request, partnership, risk=risk, actions=actions, rag_tag=rag_tag),
    )


@require_POST
def risk_keep(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    risk = scoped_or_404(Risk, request, partnership, pk=pk)
    try:
        service.keep_risk(risk=risk, by=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, f"Risk {risk.reference} is now open on the register.")
    return redirect("risk_list", slug=slug)


@require_http_methods(["GET", "POST"])
def risk_remove(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    risk = scoped_or_404(Risk, request, partnership, pk=pk)
    error = None
    if risk.status != Risk.Status.PROPOSED:
        error = "Only a proposed risk can be removed. Close an open risk instead."
    if request.method == "POST" and error is None:
        title = risk.title
        try:
            service.remove_risk(risk=risk, by=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"Risk removed: {title}.")
            return redirect("risk_list", slug=slug)
    return render(request, "governance/risks/risk_remove.jinja", _context(request, partnership, risk=risk, error=error))


@require_http_methods(["GET", "POST"])
def risk_action_add(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    risk = scoped_or_404(Risk, request, partnership, pk=pk)
    form = ActionForm(request.POST or None, user=request.user, partnership=partnership, fixed_risk=risk)
    if request.method == "POST" and form.is_valid():
        try:
            action = action_service.create_action(partnership=partnership, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} raised to mitigate risk {risk.reference}.")
            return redirect("risk_detail", slug=slug, pk=risk.pk)
    return render(
        request,
        "governance/actions/action_form.jinja",
        {"partnership": partnership, "form": form, "action": None, "risk": risk},
    )
