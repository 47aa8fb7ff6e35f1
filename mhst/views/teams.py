"""The partnership's Mental Health Support Teams: the list, a team's page (capacity on a date,
practitioners, offer, holiday offers, allocation), and the forms that keep them.

Every member reads teams. The area lead adds a team; the team's own managers or the area lead
change its details; only the team's own managers change its practitioners, offer and holiday
offers (another team's objects are a 404: they are looked up among the user's managed teams).
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.models import Organisation, PartnershipOrganisation
from partnership.roles import Permission
from partnership.views.common import paginate, partnership_for, posted, show_errors

from .. import access
from ..forms.teams import HolidayOfferForm, OfferItemEditForm, OfferItemForm, PractitionerForm, TeamAddForm, TeamForm
from ..models import (
    Allocation,
    AllocationStatus,
    Function,
    HolidayOffer,
    OfferItem,
    Practitioner,
    Team,
)
from ..services import teams as service
from ..services.capacity import capacity

DATE_ERROR = "Enter the date as a real date, for example 2026-03-31. Today's capacity is shown instead."


def _teams(request, partnership):
    return Team.objects.for_user(request.user, Permission.VIEW_PARTNERSHIP).for_partnership(partnership)


def _team(request, partnership, pk) -> Team:
    return get_object_or_404(_teams(request, partnership).select_related("provider", "service_lead", "service"), pk=pk)


def _managed(request, slug):
    """The partnership (403 without MANAGE_MHST there) and the teams the user manages in it."""
    partnership = partnership_for(request, slug, Permission.MANAGE_MHST)
    return partnership, access.managed_teams(request.user, partnership)


def _managed_team(request, slug, pk):
    partnership, teams = _managed(request, slug)
    return partnership, get_object_or_404(teams.select_related("provider"), pk=pk)


def _team_url(team):
    return redirect("mhst_team", slug=team.partnership.slug, pk=team.pk)


# --- the list of teams -------------------------------------------------------------------------


@require_GET
def home(request, slug):
    partnership = partnership_for(request, slug)
    user = request.user
    today = timezone.localdate()
    teams = (
        _teams(request, partnership)
        .select_related("provider")
        .annotate(
            school_count=Count(
                "allocations__lines", filter=Q(allocations__status=AllocationStatus.APPROVED), distinct=True
            )
        )
        .order_by("name", "pk")
    )
    page = paginate(request, teams)
    rows = [{"team": team, "capacity": capacity(team, today)} for team in page]
    holds = {p: access.holds(user, partnership, p) for p in Permission}
    my_school_ids = access.my_schools(user, partnership)
    my_schools = [
        m.organisation
        for m in PartnershipOrganisation.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(organisation_id__in=my_school_ids)
        .select_related("organisation")
        .order_by("organisation__name")
    ]
    return render(
        request,
        "mhst/teams/home.jinja",
        {
            "partnership": partnership,
            "page": page,
            "rows": rows,
            "today": today,
            "my_schools": my_schools,
            "can_add": holds[Permission.MANAGE_PARTNERSHIP],
            "show_dashboards": holds[Permission.VIEW_DASHBOARDS],
            "show_readiness": holds[Permission.MANAGE_MHST] or holds[Permission.APPROVE_MHST_ALLOCATIONS],
        },
    )


# --- one team ----------------------------------------------------------------------------------


def _parse_day(value):
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


@require_GET
def team_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    team = _team(request, partnership, pk)
    user = request.user
    today = timezone.localdate()
    raw = request.GET.get("on")
    on = _parse_day(raw)
    error = DATE_ERROR if raw and on is None else None
    on = on or today
    practitioners = list(
        Practitioner.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .filter(team=team)
        .select_related("user")
        .order_by("ended_on", "name", "pk")
    )
    offer = list(OfferItem.objects.for_user(user, Permission.VIEW_PARTNERSHIP).filter(team=team))
    functions = [
        {"function": f, "title": f.title, "offer": [i for i in offer if i.function == f.value]} for f in Function
    ]
    holidays = (
        HolidayOffer.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .filter(team=team)
        .prefetch_related(Prefetch("schools", queryset=Organisation.objects.order_by("name")))
        .order_by("-starts_on", "pk")
    )
    allocation = (
        Allocation.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .filter(team=team, status=AllocationStatus.APPROVED)
        .prefetch_related("lines__school")
        .first()
    )
    proposal = access.visible_allocations(user, partnership).filter(team=team, status=AllocationStatus.PROPOSED).first()
    is_manager = access.can_manage_team(user, team)
    return render(
        request,
        "mhst/teams/team.jinja",
        {
            "partnership": partnership,
            "team": team,
            "on": on,
            "today": today,
            "error": error,
            "capacity": capacity(team, on),
            "practitioners": practitioners,
            "functions": functions,
            "holidays": holidays,
            "allocation": allocation,
            "proposal": proposal,
            "is_manager": is_manager,
            "can_edit": service.can_edit_team(user, team),
            "records_activity": access.can_manage_team(user, team, Permission.RECORD_MHST_ACTIVITY),
        },
    )


# --- adding and changing a team ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def team_add(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    form = TeamAddForm(posted(request), user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            team = service.create_team(partnership=partnership, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{team.name} added. Add its practitioners and its offer to schools next.")
            return _team_url(team)
    return render(request, "mhst/teams/team_form.jinja", {"partnership": partnership, "form": form, "team": None})


@require_http_methods(["GET", "POST"])
def team_edit(request, slug, pk):
    partnership = partnership_for(request, slug)
    team = _team(request, partnership, pk)
    if not service.can_edit_team(request.user, team):
        raise PermissionDenied(service.EDITOR_REFUSAL)
    initial = {
        "name": team.name,
        "wave": team.wave,
        "service_lead": team.service_lead_id,
        "started_on": team.started_on,
        "service": team.service_id,
    }
    form = TeamForm(posted(request), initial=initial, user=request.user, partnership=partnership, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_team(team=team, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Details of {team.name} saved.")
            return _team_url(team)
    return render(request, "mhst/teams/team_form.jinja", {"partnership": partnership, "form": form, "team": team})


# --- practitioners -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def practitioner_add(request, slug, team):
    partnership, team = _managed_team(request, slug, team)
    form = PractitionerForm(posted(request), user=request.user, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            practitioner = service.add_practitioner(team=team, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{practitioner.name} added to {team.name}.")
            return _team_url(team)
    return render(
        request,
        "mhst/teams/practitioner_form.jinja",
        {"partnership": partnership, "team": team, "form": form, "practitioner": None},
    )


@require_http_methods(["GET", "POST"])
def practitioner_edit(request, slug, pk):
    partnership, teams = _managed(request, slug)
    practitioner = get_object_or_404(
        Practitioner.objects.for_user(request.user, Permission.MANAGE_MHST)
        .filter(team__in=teams)
        .select_related("team__provider", "team__partnership"),
        pk=pk,
    )
    team = practitioner.team
    initial = {name: getattr(practitioner, name) for name in service.PRACTITIONER_FIELDS if name != "user"}
    initial["user"] = practitioner.user_id
    form = PractitionerForm(posted(request), initial=initial, user=request.user, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_practitioner(practitioner=practitioner, by=request.user, **form.service_kwargs())
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Details of {practitioner.name} saved.")
            return _team_url(team)
    return render(
        request,
        "mhst/teams/practitioner_form.jinja",
        {"partnership": partnership, "team": team, "form": form, "practitioner": practitioner},
    )


# --- the offer ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def offer_add(request, slug, team):
    partnership, team = _managed_team(request, slug, team)
    form = OfferItemForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            item = service.add_offer_item(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Added to the offer: {item.title}.")
            return _team_url(team)
    return render(
        request, "mhst/teams/offer_form.jinja", {"partnership": partnership, "team": team, "form": form, "item": None}
    )


@require_http_methods(["GET", "POST"])
def offer_edit(request, slug, pk):
    partnership, teams = _managed(request, slug)
    item = get_object_or_404(
        OfferItem.objects.for_user(request.user, Permission.MANAGE_MHST)
        .filter(team__in=teams)
        .select_related("team__partnership", "team__provider"),
        pk=pk,
    )
    team = item.team
    initial = {
        "function": item.function,
        "title": item.title,
        "description": item.description,
        "is_active": "yes" if item.is_active else "no",
    }
    form = OfferItemEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_offer_item(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            state = "" if item.is_active else " It is deactivated: schools can no longer choose it."
            messages.success(request, f"Saved: {item.title}.{state}")
            return _team_url(team)
    return render(
        request, "mhst/teams/offer_form.jinja", {"partnership": partnership, "team": team, "form": form, "item": item}
    )


# --- holiday offers ----------------------------------------------------------------------------


def _holiday(request, slug, pk):
    partnership, teams = _managed(request, slug)
    holiday = get_object_or_404(
        HolidayOffer.objects.for_user(request.user, Permission.MANAGE_MHST)
        .filter(team__in=teams)
        .select_related("team__partnership", "team__provider"),
        pk=pk,
    )
    return partnership, holiday


def _holiday_kwargs(form) -> dict:
    return {name: form.cleaned_data[name] for name in ("name", "starts_on", "ends_on", "offer", "schools")}


@require_http_methods(["GET", "POST"])
def holiday_add(request, slug, team):
    partnership, team = _managed_team(request, slug, team)
    form = HolidayOfferForm(posted(request), team=team)
    if request.method == "POST" and form.is_valid():
        try:
            holiday = service.save_holiday_offer(team=team, by=request.user, **_holiday_kwargs(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Holiday offer added: {holiday.name}.")
            return _team_url(team)
    return render(
        request,
        "mhst/teams/holiday_form.jinja",
        {"partnership": partnership, "team": team, "form": form, "holiday": None},
    )


@require_http_methods(["GET", "POST"])
def holiday_edit(request, slug, pk):
    partnership, holiday = _holiday(request, slug, pk)
    team = holiday.team
    initial = {
        "name": holiday.name,
        "starts_on": holiday.starts_on,
        "ends_on": holiday.ends_on,
        "offer": holiday.offer,
        "schools": list(holiday.schools.values_list("pk", flat=True)),
    }
    form = HolidayOfferForm(posted(request), initial=initial, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_holiday_offer(team=team, by=request.user, holiday=holiday, **_holiday_kwargs(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Holiday offer saved: {holiday.name}.")
            return _team_url(team)
    return render(
        request,
        "mhst/teams/holiday_form.jinja",
        {"partnership": partnership, "team": team, "form": form, "holiday": holiday},
    )


@require_http_methods(["GET", "POST"])
def holiday_delete(request, slug, pk):
    partnership, holiday = _holiday(request, slug, pk)
    team = holiday.team
    if request.method == "POST":
        name = holiday.name
        service.delete_holiday_offer(holiday=holiday, by=request.user)
        messages.success(request, f"Holiday offer deleted: {name}.")
        return _team_url(team)
    return render(
        request, "mhst/teams/holiday_delete.jinja", {"partnership": partnership, "team": team, "holiday": holiday}
    )
