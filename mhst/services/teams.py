"""Teams, their practitioners, their offer and their holiday-period offer (issue 6 items 1 and 7).

Who may change what (each function checks again, whatever the view did):
- the area lead (MANAGE_PARTNERSHIP) creates a team; the team's own managers (MANAGE_MHST at its
  provider) or the area lead change its details;
- only the team's own managers add or change its practitioners, its offer and its holiday offers.

Rules:
- a practitioner's WTE is between 0.01 and 1.00; an end date is not before the start date; ending
  a post is an edit (set the end date): practitioners are never deleted, as activity refers to them;
- the training completion date is for EMHPs in training only, and is required for them (the
  expected date, then the actual one): capacity counts a trainee as qualified from that day, so a
  missing date would keep them a trainee for ever; it cannot be before the start date;
- a linked account (practitioner or service lead) must be an active member of the partnership at
  the team's provider;
- offer items are deactivated, never deleted (agreements refer to them);
- a holiday offer covers schools that are active education members of the partnership; it ends on
  or after the day it starts; it may be deleted (nothing refers to it).
Every change writes an audit event (create, update with the changed fields, delete)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from partnership.models import (
    DirectoryService,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    User,
)
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit

from .. import access
from ..models import Function, HolidayOffer, OfferItem, Practitioner, PractitionerRole, Team
from .schools import member_schools

TEAM_FIELDS = ("name", "wave", "service_lead", "started_on", "service")
PRACTITIONER_FIELDS = ("name", "role", "wte", "started_on", "ended_on", "training_completed_on", "user")
OFFER_FIELDS = ("function", "title", "description", "is_active")
HOLIDAY_FIELDS = ("name", "starts_on", "ends_on", "offer")

MANAGER_REFUSAL = "Only the managers of this team can do this."
EDITOR_REFUSAL = "Only the managers of this team or the area lead can change its details."
WTE_MIN, WTE_MAX = Decimal("0.01"), Decimal("1.00")


# --- who may act -------------------------------------------------------------------------------


def can_edit_team(user, team: Team) -> bool:
    """The team's own managers, or the area lead."""
    return access.can_manage_team(user, team) or access.holds(user, team.partnership, Permission.MANAGE_PARTNERSHIP)


def _require_manager(user, team: Team) -> None:
    if not access.can_manage_team(user, team):
        raise PermissionDenied(MANAGER_REFUSAL)


def _snapshot(obj, fields) -> dict:
    values = {}
    for name in fields:
        value = getattr(obj, name)
        values[name] = value.pk if hasattr(value, "pk") else value
    return values


# --- checks shared by forms and services -------------------------------------------------------


def is_member_at(user: User | None, partnership: Partnership, organisation_id: int) -> bool:
    """Whether `user` has an active membership of the partnership at the organisation."""
    return (
        user is not None
        and Membership.objects.filter(
            user=user, partnership=partnership, organisation_id=organisation_id, is_active=True, user__is_active=True
        ).exists()
    )


def check_wte(value) -> Decimal:
    try:
        wte = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({"wte": "Whole-time equivalent must be a number, like 0.60"}) from None
    if not wte.is_finite() or wte < WTE_MIN or wte > WTE_MAX:
        raise ValidationError({"wte": "Whole-time equivalent must be between 0.01 and 1.00"})
    if wte != wte.quantize(Decimal("0.01")):
        raise ValidationError({"wte": "Whole-time equivalent must have no more than 2 decimal places, like 0.60"})
    return wte.quantize(Decimal("0.01"))


def check_practitioner(team: Team, data: dict) -> None:
    errors = {}
    try:
        data["wte"] = check_wte(data.get("wte"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if data.get("role") not in PractitionerRole.values:
        errors["role"] = "Select the practitioner's role"
    if not (data.get("name") or "").strip():
        errors["name"] = "Enter the practitioner's name"
    started, ended, trained = data.get("started_on"), data.get("ended_on"), data.get("training_completed_on")
    if started is None:
        errors["started_on"] = "Enter the date they started"
    if started and ended and ended < started:
        errors["ended_on"] = "The end date must be the same as or after the start date"
    if data.get("role") == PractitionerRole.TRAINEE:
        if trained is None:
            errors["training_completed_on"] = (
                "Enter the date their training completes (the expected date if it has not completed yet)"
            )
        elif started and trained < started:
            errors["training_completed_on"] = "The training completion date must be after the start date"
    elif trained is not None:
        errors["training_completed_on"] = (
            "Leave the training completion date blank: it is only for Education Mental Health Practitioners in training"
        )
    user = data.get("user")
    if user is not None and not is_member_at(user, team.partnership, team.provider_id):
        errors["user"] = f"Choose someone who is a member of the partnership at {team.provider.name}"
    if errors:
        raise ValidationError(errors)


def _check_team(partnership: Partnership, provider_id: int, data: dict, team: Team | None = None) -> None:
    errors = {}
    if not (data.get("name") or "").strip():
        errors["name"] = "Enter the team's name"
    elif (
        Team.objects.filter(partnership=partnership, name__iexact=data["name"].strip())
        .exclude(pk=getattr(team, "pk", None))
        .exists()
    ):
        errors["name"] = "The partnership already has a team with this name"
    if data.get("started_on") is None:
        errors["started_on"] = "Enter the date the team started"
    lead = data.get("service_lead")
    if lead is not None and not is_member_at(lead, partnership, provider_id):
        errors["service_lead"] = "Choose a service lead who is a member of the partnership at the team's provider"
    service = data.get("service")
    if service is None:
        errors["service"] = "Select the team's entry in the directory of services"
    elif service.partnership_id != partnership.pk or service.provider_id != provider_id:
        errors["service"] = "Select a directory of services entry run by the team's provider"
    elif Team.objects.filter(service=service).exclude(pk=getattr(team, "pk", None)).exists():
        errors["service"] = "This directory of services entry is already linked to another team"
    if errors:
        raise ValidationError(errors)


# --- teams -------------------------------------------------------------------------------------


@transaction.atomic
def create_team(
    *,
    partnership: Partnership,
    by: User,
    provider: Organisation,
    name: str,
    wave: str = "",
    service_lead: User | None = None,
    started_on,
    service: DirectoryService | None,
) -> Team:
    if not access.holds(by, partnership, Permission.MANAGE_PARTNERSHIP):
        raise PermissionDenied("Only the area lead can add a team.")
    if not PartnershipOrganisation.objects.filter(
        partnership=partnership, organisation=provider, status=PartnershipOrganisation.Status.ACTIVE
    ).exists():
        raise ValidationError({"provider": "Select a provider that is an active member of the partnership"})
    data = {"name": name, "wave": wave, "service_lead": service_lead, "started_on": started_on, "service": service}
    _check_team(partnership, provider.pk, data)
    try:
        with transaction.atomic():
            team = Team.objects.create(
                partnership=partnership,
                provider=provider,
                name=name.strip(),
                wave=(wave or "").strip(),
                service_lead=service_lead,
                started_on=started_on,
                service=service,
            )
    except IntegrityError:
        raise ValidationError("The team could not be saved: its name or directory entry is already taken.") from None
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=team,
        partnership=partnership,
        detail={"name": team.name, "provider": provider.pk, "service": service.pk},
    )
    return team


@transaction.atomic
def update_team(*, team: Team, by: User, **changes) -> Team:
    """Change a team's name, wave, service lead, start date or directory entry (not its provider:
    the provider decides who manages the team; a new provider is a new team)."""
    if not can_edit_team(by, team):
        raise PermissionDenied(EDITOR_REFUSAL)
    unknown = set(changes) - set(TEAM_FIELDS)
    if unknown:
        raise ValueError(f"Not a team detail: {sorted(unknown)}")
    before = _snapshot(team, TEAM_FIELDS)
    data = {name: getattr(team, name) for name in TEAM_FIELDS} | changes
    _check_team(team.partnership, team.provider_id, data, team)
    for name, value in changes.items():
        setattr(team, name, value.strip() if isinstance(value, str) else value)
    team.save()
    changed = audit.changed_fields(before, _snapshot(team, TEAM_FIELDS))
    if changed:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=team, partnership=team.partnership_id, detail=changed)
    return team


# --- practitioners -----------------------------------------------------------------------------


@transaction.atomic
def add_practitioner(*, team: Team, by: User, **data) -> Practitioner:
    _require_manager(by, team)
    data = {name: data.get(name) for name in PRACTITIONER_FIELDS}
    check_practitioner(team, data)
    data["name"] = data["name"].strip()
    practitioner = Practitioner.objects.create(team=team, **data)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=practitioner,
        partnership=team.partnership_id,
        detail={k: str(v) for k, v in _snapshot(practitioner, PRACTITIONER_FIELDS).items()},
    )
    return practitioner


@transaction.atomic
def update_practitioner(*, practitioner: Practitioner, by: User, **changes) -> Practitioner:
    """Change a post, including ending it (set ended_on). Never deleted: activity refers to it."""
    team = practitioner.team
    _require_manager(by, team)
    unknown = set(changes) - set(PRACTITIONER_FIELDS)
    if unknown:
        raise ValueError(f"Not a practitioner detail: {sorted(unknown)}")
    before = _snapshot(practitioner, PRACTITIONER_FIELDS)
    data = {name: getattr(practitioner, name) for name in PRACTITIONER_FIELDS} | changes
    check_practitioner(team, data)
    for name in changes:
        value = data[name]
        setattr(practitioner, name, value.strip() if isinstance(value, str) else value)
    practitioner.save()
    changed = audit.changed_fields(before, _snapshot(practitioner, PRACTITIONER_FIELDS))
    if changed:
        audit.record(
            actor=by, action=AuditAction.UPDATE, obj=practitioner, partnership=team.partnership_id, detail=changed
        )
    return practitioner


# --- the offer ---------------------------------------------------------------------------------


def _check_offer(team: Team, data: dict, item: OfferItem | None = None) -> None:
    errors = {}
    if data.get("function") not in Function.values:
        errors["function"] = "Select the function this support comes under"
    title = (data.get("title") or "").strip()
    if not title:
        errors["title"] = "Enter the name of the support"
    elif OfferItem.objects.filter(team=team, title__iexact=title).exclude(pk=getattr(item, "pk", None)).exists():
        errors["title"] = "The team's offer already has support with this name"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_offer_item(*, team: Team, by: User, function: int, title: str, description: str = "") -> OfferItem:
    _require_manager(by, team)
    _check_offer(team, {"function": function, "title": title})
    item = OfferItem.objects.create(
        team=team, function=function, title=title.strip(), description=(description or "").strip()
    )
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=item,
        partnership=team.partnership_id,
        detail={"title": item.title, "function": item.function},
    )
    return item


@transaction.atomic
def update_offer_item(*, item: OfferItem, by: User, **changes) -> OfferItem:
    """Change an item, or deactivate (is_active=False) / reactivate it: never deleted, because
    schools' agreements refer to it."""
    team = item.team
    _require_manager(by, team)
    unknown = set(changes) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"Not an offer detail: {sorted(unknown)}")
    before = _snapshot(item, OFFER_FIELDS)
    _check_offer(team, {name: getattr(item, name) for name in OFFER_FIELDS} | changes, item)
    for name, value in changes.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.save()
    changed = audit.changed_fields(before, _snapshot(item, OFFER_FIELDS))
    if changed:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=item, partnership=team.partnership_id, detail=changed)
    return item


# --- holiday offers ----------------------------------------------------------------------------


@transaction.atomic
def save_holiday_offer(
    *, team: Team, by: User, holiday: HolidayOffer | None = None, name, starts_on, ends_on, offer, schools=()
) -> HolidayOffer:
    """Add (holiday=None) or change a holiday-period offer and the schools it covers."""
    _require_manager(by, team)
    if holiday is not None and holiday.team_id != team.pk:
        raise PermissionDenied(MANAGER_REFUSAL)
    errors = {}
    if not (name or "").strip():
        errors["name"] = "Enter the name of the holiday"
    if not (offer or "").strip():
        errors["offer"] = "Enter what the team offers during the holiday"
    if starts_on is None:
        errors["starts_on"] = "Enter the date the holiday starts"
    if ends_on is None:
        errors["ends_on"] = "Enter the date the holiday ends"
    elif starts_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be the same as or after the start date"
    school_ids = sorted({s.pk if hasattr(s, "pk") else int(s) for s in schools})
    allowed = set(member_schools(team.partnership).filter(pk__in=school_ids).values_list("pk", flat=True))
    if set(school_ids) - allowed:
        errors["schools"] = "Select schools that are active members of the partnership"
    if errors:
        raise ValidationError(errors)
    values = {"name": name.strip(), "starts_on": starts_on, "ends_on": ends_on, "offer": offer.strip()}
    if holiday is None:
        holiday = HolidayOffer.objects.create(team=team, **values)
        holiday.schools.set(school_ids)
        detail = {"name": holiday.name, "starts_on": str(starts_on), "ends_on": str(ends_on), "schools": school_ids}
        audit.record(actor=by, action=AuditAction.CREATE, obj=holiday, partnership=team.partnership_id, detail=detail)
        return holiday
    before = _snapshot(holiday, HOLIDAY_FIELDS) | {"schools": sorted(holiday.schools.values_list("pk", flat=True))}
    for field, value in values.items():
        setattr(holiday, field, value)
    holiday.save()
    holiday.schools.set(school_ids)
    changed = audit.changed_fields(before, _snapshot(holiday, HOLIDAY_FIELDS) | {"schools": school_ids})
    if changed:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=holiday, partnership=team.partnership_id, detail=changed)
    return holiday


@transaction.atomic
def delete_holiday_offer(*, holiday: HolidayOffer, by: User) -> None:
    team = holiday.team
    _require_manager(by, team)
    detail = {
        "name": holiday.name,
        "starts_on": str(holiday.starts_on),
        "ends_on": str(holiday.ends_on),
        "schools": sorted(holiday.schools.values_list("pk", flat=True)),
    }
    audit.record(actor=by, action=AuditAction.DELETE, obj=holiday, partnership=team.partnership_id, detail=detail)
    holiday.delete()
