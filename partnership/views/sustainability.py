"""Pages of the sustainability plan: the plan, its edit form and its funding streams."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.sustainability import ConfirmForm, FundingStreamForm, SustainabilityPlanForm
from ..models import FundingStream, Membership, Risk, SustainabilityPlan
from ..models.user import User
from ..roles import Permission
from ..services import sustainability as plan_service
from .common import can, partnership_for, posted, scoped, scoped_or_404

MANAGE = Permission.MANAGE_PARTNERSHIP


def _plan(request, partnership):
    return (
        scoped(SustainabilityPlan, request, partnership)
        .select_related("accountable_owner", "updated_by")
        .prefetch_related("funding_streams", "risks__owner")
        .first()
    )


@require_GET
def sustainability_plan(request, slug):
    partnership = partnership_for(request, slug)
    plan = _plan(request, partnership)
    today = timezone.localdate()
    streams = []
    risks = []
    if plan is not None:
        streams = [{"stream": s, "flag": plan_service.funding_flag(s, today)} for s in plan.funding_streams.all()]
        risks = sorted(plan.risks.all(), key=lambda r: (-r.score, r.number))
    return render(
        request,
        "governance/sustainability/plan.jinja",
        {
            "partnership": partnership,
            "plan": plan,
            "streams": streams,
            "risks": risks,
            "review_overdue": plan is not None and plan_service.review_overdue(plan, today),
            "can_manage": can(request.user, partnership, MANAGE),
        },
    )


def _owners(request, partnership):
    members = scoped(Membership, request, partnership).filter(is_active=True)
    # User is not partnership-scoped: reached here through the partnership's scoped memberships.
    return User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("full_name")


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def sustainability_edit(request, slug):
    partnership = partnership_for(request, slug, MANAGE)
    plan = _plan(request, partnership)
    risks = plan_service.linkable_risks(scoped(Risk, request, partnership), plan)
    initial = {}
    if plan is not None:
        initial = {
            "accountable_owner": plan.accountable_owner_id,
            "embedding": plan.embedding,
            "funding_summary": plan.funding_summary,
            "review_date": plan.review_date,
            "risks": [r.pk for r in plan.risks.all()],
        }
    form = SustainabilityPlanForm(posted(request), initial=initial, owners=_owners(request, partnership), risks=risks)
    if request.method == "POST" and form.is_valid():
        try:
            plan_service.save_plan(partnership=partnership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "The sustainability plan has been saved.")
            return redirect("sustainability_plan", slug=slug)
    return render(
        request, "governance/sustainability/form.jinja", {"partnership": partnership, "plan": plan, "form": form}
    )


@require_http_methods(["GET", "POST"])
def funding_stream_add(request, slug):
    partnership = partnership_for(request, slug, MANAGE)
    form = FundingStreamForm(posted(request))
    if request.method == "POST" and form.is_valid():
        stream = plan_service.add_funding_stream(partnership=partnership, by=request.user, **form.cleaned_data)
        messages.success(request, f"{stream.name} has been added to the funding streams.")
        return redirect("sustainability_plan", slug=slug)
    return render(request, "governance/sustainability/funding_form.jinja", {"partnership": partnership, "form": form})


@require_http_methods(["GET", "POST"])
def funding_stream_remove(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    stream = scoped_or_404(FundingStream, request, partnership, pk=pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan_service.remove_funding_stream(stream=stream, by=request.user)
        messages.success(request, f"{stream.name} has been removed from the funding streams.")
        return redirect("sustainability_plan", slug=slug)
    return render(
        request,
        "governance/sustainability/funding_remove.jinja",
        {"partnership": partnership, "stream": stream, "form": form},
    )
