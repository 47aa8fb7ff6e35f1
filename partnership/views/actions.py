"""Pages of the action log. Thin: scope, call a service, redirect with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..filters import ActionFilter
from ..forms.actions import ActionForm, ProgressForm
from ..models import Action, ActionUpdate, Rag, User
from ..models.audit import AuditAction
from ..roles import Permission
from ..services import actions as service
from ..services import audit
from .common import can, csv_response, paginate, partnership_for, scoped, scoped_or_404

RAG_COLOURS = {Rag.RED: "red", Rag.AMBER: "orange", Rag.GREEN: "green", Rag.COMPLETE: "grey"}


def rag_tag(rag) -> dict:
    rag = Rag(rag)
    return {"text": rag.label, "colour": RAG_COLOURS[rag]}


def show_errors(form, error: ValidationError) -> None:
    """A service's ValidationError, shown in the form's error summary."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _filtered(request, partnership):
    today = timezone.localdate()
    actions = (
        scoped(Action, request, partnership)
        .with_rag(today)
        .select_related("owner", "owner_organisation", "source_meeting__group", "source_risk")
        .order_by("due_date", "number")
    )
    owners = User.objects.filter(pk__in=actions.values("owner_id")).order_by("full_name")
    return ActionFilter(request.GET or None, actions, request=request, owners=owners)


@require_GET
def action_list(request, slug):
    partnership = partnership_for(request, slug)
    filterset = _filtered(request, partnership)
    actions = filterset.qs
    # the RAG counts of the list as filtered by everything but RAG itself
    without_rag = request.GET.copy()
    without_rag.pop("rag", None)
    counts_filter = ActionFilter(
        without_rag or None, filterset.queryset, request=request, owners=filterset.filters["owner"].queryset
    )
    counts = {row["rag"]: row["n"] for row in counts_filter.qs.order_by().values("rag").annotate(n=Count("pk"))}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/actions/action_list.jinja",
        {
            "partnership": partnership,
            "filter": filterset,
            "page": paginate(request, actions),
            "query": query.urlencode(),
            "rag_counts": [(rag, counts.get(rag.value, 0)) for rag in Rag],
            "rag_tag": rag_tag,
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_GET
def action_export(request, slug):
    partnership = partnership_for(request, slug)
    filterset = _filtered(request, partnership)
    actions = list(filterset.qs)
    filters = (
        {k: v for k, v in filterset.form.cleaned_data.items() if v not in (None, "", False)}
        if filterset.is_bound and filterset.form.is_valid()
        else {}
    )
    if "owner" in filters:
        filters["owner"] = filters["owner"].pk
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=partnership,
        detail={"export": "action_log", "filters": filters, "rows": len(actions)},
    )
    header = [
        "Reference",
        "Title",
        "Owner",
        "Organisation",
        "Due date",
        "Status",
        "RAG",
        "Flagged at risk",
        "Source",
        "Source detail",
        "Completed",
    ]
    rows = (
        [
            a.reference,
            a.title,
            a.owner.full_name or a.owner.email,
            a.owner_organisation.name,
            a.due_date.isoformat(),
            a.get_status_display(),
            Rag(a.rag).label,
            "Yes" if a.at_risk else "No",
            a.get_source_display(),
            _source_detail(a),
            timezone.localtime(a.completed_at).date().isoformat() if a.completed_at else "",
        ]
        for a in actions
    )
    return csv_response(f"{partnership.slug}-actions-{timezone.localdate().isoformat()}.csv", header, rows)


def _source_detail(action: Action) -> str:
    if action.source_meeting_id:
        return str(action.source_meeting)
    if action.source_risk_id:
        return str(action.source_risk)
    return action.source_detail


@require_http_methods(["GET", "POST"])
def action_create(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    form = ActionForm(request.POST or None, user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            action = service.create_action(partnership=partnership, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} added to the action log.")
            return redirect("action_detail", slug=slug, pk=action.pk)
    return render(
        request, "governance/actions/action_form.jinja", {"partnership": partnership, "form": form, "action": None}
    )


@require_http_methods(["GET", "POST"])
def action_edit(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    action = scoped_or_404(Action, request, partnership, pk=pk)
    form = ActionForm(request.POST or None, user=request.user, partnership=partnership, action=action)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_action(action=action, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Action {action.reference} saved.")
            return redirect("action_detail", slug=slug, pk=action.pk)
    return render(
        request, "governance/actions/action_form.jinja", {"partnership": partnership, "form": form, "action": action}
    )


@require_GET
def action_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    action = scoped_or_404(Action, request, partnership, pk=pk)
    updates = scoped(ActionUpdate, request, partnership).filter(action=action).select_related("by")
    return render(
        request,
        "governance/actions/action_detail.jinja",
        {
            "partnership": partnership,
            "action": action,
            "rag": rag_tag(action.rag_on(timezone.localdate())),
            "updates": updates,
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
            "can_update": service.can_update_progress(request.user, action),
        },
    )


@require_http_methods(["GET", "POST"])
def action_update(request, slug, pk):
    partnership = partnership_for(request, slug)
    action = scoped_or_404(Action, request, partnership, pk=pk)
    if not service.can_update_progress(request.user, action):
        raise PermissionDenied
    form = ProgressForm(request.POST or None, action=action, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.record_progress(
                action=action,
                by=request.user,
                text=data["text"],
                status=data["status"],
                at_risk=data["at_risk"],
                due_date=data["due_date"],
                reason=data["reason"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Progress update added to action {action.reference}.")
            return redirect("action_detail", slug=slug, pk=action.pk)
    return render(
        request,
        "governance/actions/action_update.jinja",
        {
            "partnership": partnership,
            "action": action,
            "form": form,
            "rag": rag_tag(action.rag_on(timezone.localdate())),
        },
    )
