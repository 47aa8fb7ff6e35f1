"""Membership pages: the list by sector, applications, approval and the other status changes,
and an organisation's page inside the partnership."""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.members import (
    ApplicationForm,
    ConfirmForm,
    MemberFilterForm,
    NewOrganisationApplicationForm,
    NoteForm,
    OrganisationSearchForm,
    ReasonForm,
)
from ..models import LeadContact, PartnershipOrganisation, Sector
from ..models.organisation import SECTOR_OF_KIND
from ..roles import Permission
from ..services import leads as lead_service
from ..services import members as service
from .common import can, paginate, partnership_for, scoped, scoped_or_404

Status = PartnershipOrganisation.Status


@require_GET
def member_list(request, slug):
    partnership = partnership_for(request, slug)
    can_manage = can(request.user, partnership, Permission.MANAGE_PARTNERSHIP)
    members = scoped(PartnershipOrganisation, request, partnership).select_related("organisation")
    filters = MemberFilterForm(request.GET or None)
    status = sector = ""
    if filters.is_valid():
        status, sector = filters.cleaned_data["status"], filters.cleaned_data["sector"]
    filtered = members
    if status:
        filtered = filtered.filter(status=status)
    if sector:
        kinds = [kind for kind, s in SECTOR_OF_KIND.items() if s == sector]
        filtered = filtered.filter(organisation__kind__in=kinds)
    counts = service.sector_counts(filtered)
    page = paginate(request, service.with_sector(filtered))
    sectors = list(Sector)
    groups = [
        {"sector": sectors[position] if position < len(sectors) else Sector.OTHER, "members": list(rows)}
        for position, rows in groupby(page, key=lambda m: m.sector_position)
    ]
    pending = members.filter(status=Status.APPLIED).order_by("applied_on", "organisation__name") if can_manage else None
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/members/member_list.jinja",
        {
            "partnership": partnership,
            "can_manage": can_manage,
            "filters": filters,
            "page": page,
            "groups": groups,
            "counts": counts,
            "pending": list(pending[:50]) if pending is not None else [],
            "pending_count": pending.count() if pending is not None else 0,
            "query": query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def member_apply(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    data = request.POST if request.method == "POST" else None
    adding_new = (request.POST.get("mode") if data else request.GET.get("new")) in {"new", "1"}
    search = OrganisationSearchForm(request.GET)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    if adding_new:
        form = NewOrganisationApplicationForm(data)
    else:
        if data is not None:
            query = (request.POST.get("q") or "").strip()[:100]
        form = ApplicationForm(data, choices=service.search_register(query), initial={"q": query})
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            if adding_new:
                member = service.record_application(
                    partnership=partnership,
                    by=request.user,
                    new_organisation={k: values[k] for k in ("name", "kind", "ods_code", "charity_number")},
                    note=values["note"],
                )
            else:
                member = service.record_application(
                    partnership=partnership, by=request.user, organisation=values["organisation"], note=values["note"]
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Application recorded for {member.organisation.name}.")
            return redirect("member_detail", slug=slug, pk=member.pk)
    results = form.fields["organisation"].queryset if not adding_new else None
    return render(
        request,
        "governance/members/member_apply.jinja",
        {
            "partnership": partnership,
            "form": form,
            "search": search,
            "query": query,
            "adding_new": adding_new,
            "results": list(results) if results is not None else [],
            "already": _memberships_by_organisation(request, partnership, results),
        },
    )


def _memberships_by_organisation(request, partnership, organisations) -> dict:
    if not organisations:
        return {}
    rows = scoped(PartnershipOrganisation, request, partnership).filter(organisation__in=organisations)
    return {row.organisation_id: row for row in rows}


@require_GET
def member_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    member = get_object_or_404(
        scoped(PartnershipOrganisation, request, partnership).select_related(
            "organisation", "approved_by", "applied_by"
        ),
        pk=pk,
    )
    leads = list(
        scoped(LeadContact, request, partnership)
        .filter(member=member)
        .select_related("user", "replaced_by")
        .order_by("kind", "-started_on", "-pk")
    )
    current = [lead for lead in leads if lead.is_current]
    history = [lead for lead in leads if not lead.is_current]
    can_manage = can(request.user, partnership, Permission.MANAGE_PARTNERSHIP)
    return render(
        request,
        "governance/members/member_detail.jinja",
        {
            "partnership": partnership,
            "member": member,
            "organisation": member.organisation,
            "current": [{"lead": lead, "stale": lead_service.is_stale(lead)} for lead in current],
            "history": history,
            "missing": lead_service.missing_kinds(member, {lead.kind for lead in current}),
            "can_manage": can_manage,
            "can_manage_leads": lead_service.can_manage_leads(request.user, member),
            "actions": [a for a in service.TRANSITIONS if can_manage and service.can_transition(member, a)],
        },
    )


# --- status changes: a confirmation page (GET), then the change (POST) ----------------------------

PAGES = {
    "approve": {
        "form": ConfirmForm,
        "heading": "Approve {name}'s application?",
        "intro": "The organisation becomes an active member of the partnership from today.",
        "button": "Approve application",
        "done": "{name} is now an active member.",
        "warning": False,
    },
    "decline": {
        "form": ReasonForm,
        "heading": "Decline {name}'s application?",
        "intro": "The application is closed. Say why: the reason is kept with the membership record.",
        "button": "Decline application",
        "done": "{name}'s application has been declined.",
        "warning": True,
    },
    "lapse": {
        "form": ReasonForm,
        "heading": "Mark {name}'s membership as lapsed?",
        "intro": "Use this when the organisation has stopped taking part. It can be reinstated later.",
        "button": "Mark as lapsed",
        "done": "{name}'s membership has lapsed.",
        "warning": True,
    },
    "leave": {
        "form": ReasonForm,
        "heading": "Record that {name} has left the partnership?",
        "intro": "The organisation stops being a member from today. It would have to apply again to rejoin.",
        "button": "Record that it has left",
        "done": "{name} has left the partnership.",
        "warning": True,
    },
    "reinstate": {
        "form": NoteForm,
        "heading": "Reinstate {name}'s membership?",
        "intro": "The organisation becomes an active member again.",
        "button": "Reinstate membership",
        "done": "{name}'s membership has been reinstated.",
        "warning": False,
    },
}


def _status_change(request, slug, pk, action):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    member = scoped_or_404(PartnershipOrganisation, request, partnership, pk=pk)
    page = PAGES[action]
    form = page["form"](request.POST if request.method == "POST" else None)
    allowed = service.can_transition(member, action)
    problem = "" if allowed else service.transition_error(member, action)
    if allowed and request.method == "POST" and form.is_valid():
        try:
            if action == "approve":
                service.approve(member=member, by=request.user)
            elif action == "reinstate":
                service.reinstate(member=member, by=request.user, note=form.cleaned_data["note"])
            else:
                getattr(service, action)(member=member, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, page["done"].format(name=member.organisation.name))
            return redirect("member_detail", slug=slug, pk=member.pk)
    name = member.organisation.name
    return render(
        request,
        "governance/members/member_status_change.jinja",
        {
            "partnership": partnership,
            "member": member,
            "form": form,
            "allowed": allowed,
            "problem": problem,
            "action": action,
            "heading": page["heading"].format(name=name),
            "intro": page["intro"],
            "button_text": page["button"],
            "warning": page["warning"],
        },
    )


@require_http_methods(["GET", "POST"])
def member_approve(request, slug, pk):
    return _status_change(request, slug, pk, "approve")


@require_http_methods(["GET", "POST"])
def member_decline(request, slug, pk):
    return _status_change(request, slug, pk, "decline")


@require_http_methods(["GET", "POST"])
def member_lapse(request, slug, pk):
    return _status_change(request, slug, pk, "lapse")


@require_http_methods(["GET", "POST"])
def member_leave(request, slug, pk):
    return _status_change(request, slug, pk, "leave")


@require_http_methods(["GET", "POST"])
def member_reinstate(request, slug, pk):
    return _status_change(request, slug, pk, "reinstate")
