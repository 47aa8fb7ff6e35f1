"""Lead contact pages: stale and missing leads, adding, replacing and confirming a lead, and the
public page behind the emailed confirm-or-replace link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.members import ConfirmForm, LeadFilterForm, LeadForm, LinkReplacementForm, ReplaceLeadForm
from ..models import LeadContact, PartnershipOrganisation
from ..roles import Permission
from ..services import leads as service
from .common import PAGE_SIZE, paginate, partnership_for, scoped


@require_GET
def lead_list(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    filters = LeadFilterForm(request.GET or None)
    kind = filters.cleaned_data["kind"] if filters.is_valid() else ""
    stale = (
        scoped(LeadContact, request, partnership)
        .filter(service.stale_filter(partnership))
        .select_related("member__organisation")
        .order_by("last_confirmed_at", "member__organisation__name", "kind")
    )
    if kind:
        stale = stale.filter(kind=kind)
    missing = service.missing_leads(partnership, kind)
    stale_page = paginate(request, stale)
    missing_page = Paginator(missing, PAGE_SIZE).get_page(request.GET.get("missing_page"))
    return render(
        request,
        "governance/members/lead_list.jinja",
        {
            "partnership": partnership,
            "filters": filters,
            "kind": kind,
            "stale_page": stale_page,
            "missing_page": missing_page,
            "cutoff": service.confirmation_cutoff(partnership),
            "query": _query_without(request, "page"),
            "missing_query": _query_without(request, "missing_page"),
        },
    )


def _query_without(request, name) -> str:
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


def _member_for_leads(request, slug, pk):
    partnership = partnership_for(request, slug)
    members = scoped(PartnershipOrganisation, request, partnership).select_related("organisation")
    member = get_object_or_404(members, pk=pk)
    if not service.can_manage_leads(request.user, member):
        raise PermissionDenied
    return partnership, member


def _lead_for_change(request, slug, pk):
    partnership = partnership_for(request, slug)
    lead = get_object_or_404(scoped(LeadContact, request, partnership).select_related("member__organisation"), pk=pk)
    if not service.can_manage_leads(request.user, lead.member):
        raise PermissionDenied
    return partnership, lead


@require_http_methods(["GET", "POST"])
def lead_add(request, slug, pk):
    partnership, member = _member_for_leads(request, slug, pk)
    held = set(member.lead_contacts.current().values_list("kind", flat=True))
    open_kinds = [kind for kind in LeadContact.Kind if kind.value not in held]
    missing = service.missing_kinds(member, held)
    initial = {"kind": missing[0].value} if missing else {}
    form = LeadForm(request.POST if request.method == "POST" else None, kinds=open_kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            lead = service.add_lead(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{lead.name} added as {lead.get_kind_display().lower()}.")
            return redirect("member_detail", slug=slug, pk=member.pk)
    return render(
        request,
        "governance/members/lead_add.jinja",
        {"partnership": partnership, "member": member, "form": form, "open_kinds": open_kinds},
    )


@require_http_methods(["GET", "POST"])
def lead_replace(request, slug, pk):
    partnership, lead = _lead_for_change(request, slug, pk)
    form = ReplaceLeadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and not lead.is_current:
        form.is_valid()
        form.add_error(None, f"{lead.name} is no longer the lead: there is nothing to replace.")
    elif request.method == "POST" and form.is_valid():
        try:
            new = service.replace_lead(lead=lead, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{new.name} is now the {new.get_kind_display().lower()}.")
            return redirect("member_detail", slug=slug, pk=lead.member_id)
    return render(
        request,
        "governance/members/lead_replace.jinja",
        {"partnership": partnership, "lead": lead, "member": lead.member, "form": form},
    )


@require_http_methods(["GET", "POST"])
def lead_confirm_signed_in(request, slug, pk):
    partnership, lead = _lead_for_change(request, slug, pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if lead.is_current and request.method == "POST":
        try:
            service.confirm_lead(lead=lead, by=request.user)
        except ValidationError as error:
            form.is_valid()
            form.add_error(None, error)
        else:
            messages.success(request, f"{lead.name} is confirmed as {lead.get_kind_display().lower()}.")
            return redirect("member_detail", slug=slug, pk=lead.member_id)
    return render(
        request,
        "governance/members/lead_confirm_signed_in.jinja",
        {"partnership": partnership, "lead": lead, "member": lead.member, "form": form},
    )


# --- the public page behind the emailed link ----------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def lead_confirm(request, token):
    """No sign-in: the signed token is the credential. GET only shows; the POST buttons act."""
    try:
        lead = service.lead_for_token(token)
    except service.LinkError as error:
        return _link_problem(request, error)
    form = LinkReplacementForm(request.POST if request.POST.get("action") == "replace" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                service.confirm_by_link(token)
                return _link_done(request, lead, confirmed=True)
            if action == "replace" and form.is_valid():
                new = service.replace_by_link(token, **form.cleaned_data)
                return _link_done(request, lead, confirmed=False, new=new)
        except service.LinkError as error:
            return _link_problem(request, error)
        if action not in {"confirm", "replace"}:
            return render(request, "governance/members/lead_link_problem.jinja", {"reason": "invalid"}, status=400)
    return render(
        request,
        "governance/members/lead_link.jinja",
        {
            "organisation": lead.member.organisation.name,
            "kind": lead.get_kind_display(),
            "holder": lead.name,
            "form": form,
        },
    )


def _link_problem(request, error: service.LinkError):
    return render(request, "governance/members/lead_link_problem.jinja", {"reason": error.reason}, status=error.status)


def _link_done(request, lead, *, confirmed: bool, new=None):
    return render(
        request,
        "governance/members/lead_link_done.jinja",
        {
            "organisation": lead.member.organisation.name,
            "kind": lead.get_kind_display(),
            "confirmed": confirmed,
            "new_name": new.name if new else "",
        },
    )
