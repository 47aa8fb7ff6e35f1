"""A school's MHST page (its share of approved allocations, its readiness checklist, its agreements),
editing one readiness item and an agreement, and readiness across all allocated schools.

Who sees a school's page: the school's own staff (MANAGE_SCHOOL_READINESS), the managers of a team
allocated to it, and those who approve allocations (APPROVE_MHST_ALLOCATIONS: area lead, steering).
Everyone else gets a 404, as for a school outside the partnership. Who changes things: see
mhst/services/readiness.py and mhst/services/agreements.py (the services check again).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.models import OrganisationKind, PartnershipOrganisation
from partnership.roles import Permission
from partnership.views.common import paginate, partnership_for, posted, show_errors

from .. import access
from ..forms.schools import AgreementForm, ReadinessItemForm
from ..models import (
    READINESS_ITEMS,
    Agreement,
    AllocationLine,
    AllocationStatus,
    Function,
    ReadinessCode,
    Team,
)
from ..services import agreements, readiness

READY_FILTERS = {"ready": "Ready", "not-ready": "Not ready"}


def can_see_school(user, partnership, school_id) -> bool:
    if access.holds(user, partnership, Permission.APPROVE_MHST_ALLOCATIONS):
        return True
    if school_id in access.my_schools(user, partnership):
        return True
    teams = access.managed_teams(user, partnership).values_list("pk", flat=True)
    return school_id in access.allocated_schools(teams)


def _school(request, slug, school_id):
    """The partnership and the school (a member school of it), or 404 when the user may not see it."""
    partnership = partnership_for(request, slug)
    membership = get_object_or_404(
        PartnershipOrganisation.objects.for_user(request.user)
        .filter(partnership=partnership, organisation__kind__in=OrganisationKind.education())
        .select_related("organisation"),
        organisation_id=school_id,
    )
    if not can_see_school(request.user, partnership, school_id):
        raise Http404
    return partnership, membership.organisation


def _approved_lines(request, partnership):
    return (
        AllocationLine.objects.for_user(request.user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(allocation__status=AllocationStatus.APPROVED)
    )


def _palette_by_function(agreement):
    items = list(agreement.palette.all()) if agreement else []
    return [(function, [i for i in items if i.function == function.value]) for function in Function]


@require_GET
def school(request, slug, school):
    partnership, organisation = _school(request, slug, school)
    user = request.user
    today = timezone.localdate()
    lines = list(
        _approved_lines(request, partnership)
        .filter(school=organisation)
        .select_related("allocation__team")
        .order_by("allocation__team__name")
    )
    items = readiness.checklist(partnership, organisation)
    met = readiness.met_count(items)
    allocated_team_ids = [line.allocation.team_id for line in lines]
    found = (
        Agreement.objects.for_user(user)
        .filter(school=organisation, team__partnership=partnership)
        .select_related("team", "team_contact", "updated_by")
        .prefetch_related("palette")
    )
    by_team = {a.team_id: a for a in found}
    teams = {line.allocation.team_id: line.allocation.team for line in lines}
    teams.update({a.team_id: a.team for a in by_team.values()})
    agreement_rows = []
    for team_id, team in sorted(teams.items(), key=lambda pair: pair[1].name):
        agreement = by_team.get(team_id)
        agreement_rows.append(
            {
                "team": team,
                "agreement": agreement,
                "allocated": team_id in allocated_team_ids,
                "palette": _palette_by_function(agreement),
                "overdue": bool(agreement and agreement.review_on and agreement.review_on < today),
                "can_edit": agreements.can_edit(user, team, organisation),
            }
        )
    return render(
        request,
        "mhst/schools/school.jinja",
        {
            "partnership": partnership,
            "school": organisation,
            "lines": lines,
            "items": items,
            "met": met,
            "total": READINESS_ITEMS,
            "ready": met == READINESS_ITEMS,
            "can_update": readiness.can_update(user, partnership, organisation),
            "agreement_rows": agreement_rows,
            "can_see_overview": _overview_lines(request, partnership) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def readiness_item(request, slug, school, code):
    if code not in ReadinessCode.values:
        raise Http404
    partnership, organisation = _school(request, slug, school)
    if not readiness.can_update(request.user, partnership, organisation):
        raise PermissionDenied(readiness.REFUSAL)
    item = next(i for i in readiness.checklist(partnership, organisation) if i.code == code)
    form = ReadinessItemForm(posted(request), initial={"status": item.status.value, "evidence": item.evidence})
    if request.method == "POST" and form.is_valid():
        try:
            readiness.update_item(partnership, organisation, code, request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{item.label}: saved.")
            return redirect("mhst_school", slug=slug, school=organisation.pk)
    return render(
        request,
        "mhst/schools/readiness_item.jinja",
        {"partnership": partnership, "school": organisation, "item": item, "form": form},
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request, slug, school, team):
    partnership, organisation = _school(request, slug, school)
    team = get_object_or_404(Team.objects.for_user(request.user).for_partnership(partnership), pk=team)
    agreement = agreements.agreement_for(team, organisation)
    if agreement is None and organisation.pk not in access.allocated_schools([team.pk]):
        raise Http404("The team has no approved allocation to this school.")
    if not agreements.can_edit(request.user, team, organisation):
        raise PermissionDenied(agreements.REFUSAL)
    initial = {}
    if agreement:
        initial = {name: getattr(agreement, name) for name in agreements.FIELDS}
        initial["team_contact"] = agreement.team_contact_id
        for item in agreement.palette.all():
            initial.setdefault(f"palette_{item.function}", []).append(item.pk)
    form = AgreementForm(posted(request), initial=initial, team=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            agreements.save_agreement(team, organisation, request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Agreement between {organisation.name} and {team.name} saved.")
            return redirect("mhst_school", slug=slug, school=organisation.pk)
    return render(
        request,
        "mhst/schools/agreement_form.jinja",
        {"partnership": partnership, "school": organisation, "team": team, "agreement": agreement, "form": form},
    )


def _overview_lines(request, partnership):
    """The approved allocation lines the user oversees: every one for those who approve allocations,
    their own teams' for MHST managers; None for everyone else."""
    user = request.user
    if access.holds(user, partnership, Permission.APPROVE_MHST_ALLOCATIONS):
        return _approved_lines(request, partnership)
    if access.holds(user, partnership, Permission.MANAGE_MHST):
        teams = list(access.managed_teams(user, partnership).values_list("pk", flat=True))
        return _approved_lines(request, partnership).filter(allocation__team_id__in=teams)
    return None


@require_GET
def readiness_overview(request, slug):
    partnership = partnership_for(request, slug)
    lines = _overview_lines(request, partnership)
    if lines is None:
        raise PermissionDenied("Only MHST managers, the area lead and steering members can see this page.")
    lines = readiness.with_progress(lines, partnership)
    total = lines.count()
    chosen = request.GET.get("status", "")
    if chosen == "ready":
        lines = lines.filter(met_count=READINESS_ITEMS)
    elif chosen == "not-ready":
        lines = lines.filter(~Q(met_count=READINESS_ITEMS))
    else:
        chosen = ""
    lines = lines.select_related("school", "allocation__team").order_by("met_count", "school__name", "pk")
    return render(
        request,
        "mhst/schools/readiness.jinja",
        {
            "partnership": partnership,
            "page": paginate(request, lines),
            "total": total,
            "chosen": chosen,
            "filters": READY_FILTERS,
            "items": READINESS_ITEMS,
            "today": timezone.localdate(),
        },
    )
