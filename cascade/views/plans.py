"""Plan an action at a workshop: thin, the service puts it on the partnership's action log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from partnership.roles import Permission
from partnership.views.common import partnership_for, posted, scoped, show_errors

from ..forms.plans import PlanActionForm
from ..models import Workshop
from ..services.plans import plan_action

RUN = Permission.RUN_CASCADE_WORKSHOPS


@require_http_methods(["GET", "POST"])
def cascade_plan_action(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    workshops = scoped(Workshop, request, partnership, RUN).select_related("cohort", "framework")
    workshop = get_object_or_404(workshops, pk=pk)
    domain = request.GET.get("domain", "")
    initial = {"domain": domain} if workshop.framework.domains.filter(code=domain).exists() else {}
    form = PlanActionForm(posted(request), user=request.user, workshop=workshop, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_action(workshop=workshop, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Action {plan.action.reference} added to the action log.")
            return redirect("cascade_domain", slug=slug, code=plan.domain.code)
    return render(
        request, "cascade/plans/plan_action.jinja", {"partnership": partnership, "workshop": workshop, "form": form}
    )
