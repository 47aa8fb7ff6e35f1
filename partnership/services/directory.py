"""The directory of services: keeping entries current, and exporting them.

Every write is audited, and refused (PermissionDenied) unless the acting user is an area lead of
the partnership (MANAGE_PARTNERSHIP); recording an export needs only VIEW_PARTNERSHIP. An entry
not reviewed for more than `REVIEW_AFTER_MONTHS` months is flagged: `needs_review` and
`needing_review` are the one definition of that rule.

The JSON export follows the shape of the Open Referral UK (ORUK) data standard
(openreferraluk.org, the UK profile of HSDS used by the DfE Family Hubs service directory):

    {
      "organizations": [{"id", "name", "description", "url"}],
      "services": [{
        "id",                 # uuid5 of the partnership slug and the entry's pk: stable across exports
        "organization_id",    # uuid5 of "organisation" and the provider's pk
        "name", "description", "url", "email",
        "status",             # "active" or "inactive"
        "eligibilitys": [{"id", "eligibility", "minimum_age", "maximum_age"}],
        "contacts": [{"id", "name", "email", "phones": [{"id", "number"}]}],
        "schedules": [{"id", "freq": "WEEKLY", "byday", "opens_at", "closes_at", "description"}],
        "service_taxonomys": [{"id", "taxonomy": {"id", "name", "vocabulary"}}],
      }]
    }

`eligibilitys` and `service_taxonomys` are ORUK's own spellings. Times are "HH:MM:SS". Taxonomy
terms use the vocabulary "THRIVE" for THRIVE groupings and "needs" (local) for needs; a term's id
is stable (uuid5 of vocabulary and code). `service_areas` and locations are not exported: the
directory does not hold them. A free-text opening-hours note is a schedule with only a
description. The last review date is exported as `assured_date`, ORUK's field for it.
"""

import calendar
import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import Channel, DirectoryService, Need, Partnership, SchoolPhase, ServiceSchedule, Thrive, User
from ..models.audit import AuditAction
from ..roles import Permission
from . import audit
from .permissions import require

REVIEW_AFTER_MONTHS = 12

#: the fields of an entry a form may change (the review fields and the provider's partnership are not among them)
EDITABLE_FIELDS = (
    "provider",
    "name",
    "description",
    "thrive_groupings",
    "needs",
    "min_age",
    "max_age",
    "school_phases",
    "eligibility",
    "thresholds",
    "how_to_access",
    "self_referral",
    "channels",
    "contact_name",
    "phone",
    "email",
    "website",
    "opening_hours",
    "typical_wait_days",
)

ORUK_NAMESPACE = uuid.UUID("6f1c1f0e-0c43-4a8e-9f2a-5b1d2c3e4f50")


# --- dates -------------------------------------------------------------------------------------
def add_months(day: date, months: int) -> date:
    """`day` moved by whole months (negative for earlier), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_cutoff(today: date) -> date:
    """Entries last reviewed before this date need review (more than 12 months ago)."""
    return add_months(today, -REVIEW_AFTER_MONTHS)


def needs_review(service: DirectoryService, today: date) -> bool:
    return service.last_reviewed_on < review_cutoff(today)


def needing_review(queryset, today: date):
    return queryset.filter(is_active=True, last_reviewed_on__lt=review_cutoff(today)).order_by("last_reviewed_on")


# --- writes ------------------------------------------------------------------------------------
Schedule = tuple[str, object, object]  # (byday, opens_at, closes_at)


def _check(partnership: Partnership, fields: dict, schedules: list[Schedule]) -> None:
    errors = {}
    if fields["min_age"] is not None and fields["max_age"] is not None and fields["min_age"] > fields["max_age"]:
        errors["max_age"] = "The oldest age must be the same as or older than the youngest age."
    provider = fields["provider"]
    if not partnership.members.filter(organisation=provider, status="active").exists():
        errors["provider"] = "Select an organisation that is an active member of the partnership."
    for _day, opens, closes in schedules:
        if opens >= closes:
            errors["opening_times"] = "Each opening time must open before it closes."
            break
    if errors:
        raise ValidationError(errors)


def _replace_schedules(service: DirectoryService, schedules: list[Schedule]) -> bool:
    before = [(s.byday, s.opens_at, s.closes_at) for s in service.schedules.all()]
    wanted = [(day, opens, closes) for day, opens, closes in schedules]
    if before == wanted:
        return False
    service.schedules.all().delete()
    ServiceSchedule.objects.bulk_create(
        ServiceSchedule(service=service, byday=day, opens_at=opens, closes_at=closes) for day, opens, closes in wanted
    )
    return True


def _locked(service: DirectoryService, by: User) -> DirectoryService:
    locked = DirectoryService.objects.select_for_update().get(pk=service.pk)
    require(by, locked.partnership_id, Permission.MANAGE_PARTNERSHIP)
    return locked


@transaction.atomic
def create_service(
    *, partnership: Partnership, by: User, fields: dict, schedules: list[Schedule], today: date
) -> DirectoryService:
    """Add an entry; whoever adds it has reviewed it today."""
    require(by, partnership, Permission.MANAGE_PARTNERSHIP)
    _check(partnership, fields, schedules)
    service = DirectoryService.objects.create(
        partnership=partnership,
        last_reviewed_on=today,
        last_reviewed_by=by,
        **{name: fields[name] for name in EDITABLE_FIELDS},
    )
    _replace_schedules(service, schedules)
    audit.record(
        actor=by,
        action=AuditAction.CREATE,
        obj=service,
        partnership=partnership,
        detail={"name": service.name, "opening_times": len(schedules)},
    )
    return service


@transaction.atomic
def update_service(*, service: DirectoryService, by: User, fields: dict, schedules: list[Schedule]) -> DirectoryService:
    service = _locked(service, by)
    _check(service.partnership, fields, schedules)
    before = {name: getattr(service, name) for name in EDITABLE_FIELDS}
    after = {name: fields[name] for name in EDITABLE_FIELDS}
    for name, value in after.items():
        setattr(service, name, value)
    service.save()
    changes = audit.changed_fields(before, after)
    if _replace_schedules(service, schedules):
        changes["opening_times"] = ["changed", f"{len(schedules)} rows"]
    if changes:
        audit.record(actor=by, action=AuditAction.UPDATE, obj=service, detail={"changed": changes})
    return service


@transaction.atomic
def mark_reviewed(*, service: DirectoryService, by: User, today: date) -> DirectoryService:
    service = _locked(service, by)
    if not service.is_active:
        raise ValidationError("This entry is no longer listed, so it cannot be marked as reviewed.")
    previous = service.last_reviewed_on
    service.last_reviewed_on = today
    service.last_reviewed_by = by
    service.save(update_fields=["last_reviewed_on", "last_reviewed_by", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.UPDATE,
        obj=service,
        detail={"reviewed": True, "last_reviewed_on": [str(previous), str(today)]},
    )
    return service


@transaction.atomic
def deactivate_service(*, service: DirectoryService, by: User) -> DirectoryService:
    """Stop listing an entry. Entries are never deleted, so exports can say they are inactive."""
    service = _locked(service, by)
    if not service.is_active:
        raise ValidationError("This entry is already no longer listed.")
    service.is_active = False
    service.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=by,
        action=AuditAction.STATE_CHANGE,
        obj=service,
        detail={"is_active": ["True", "False"]},
    )
    return service


def record_export(*, by: User, partnership: Partnership, kind: str, rows: int, filters: dict) -> None:
    require(by, partnership, Permission.VIEW_PARTNERSHIP)
    audit.record(
        actor=by,
        action=AuditAction.EXPORT,
        object_type=DirectoryService._meta.label_lower,
        partnership=partnership,
        detail={"export": kind, "rows": rows, "filters": filters},
    )


# --- presenting --------------------------------------------------------------------------------
def labels(choices, values) -> list[str]:
    names = dict(choices)
    return [str(names.get(value, value)) for value in values]


def thrive_text(service: DirectoryService) -> str:
    return ", ".join(labels(Thrive.choices, service.thrive_groupings))


def ages_text(service: DirectoryService) -> str:
    return f"{service.min_age} to {service.max_age}"


def wait_text(service: DirectoryService) -> str:
    if service.typical_wait_days is None:
        return "Not known"
    if service.typical_wait_days == 0:
        return "No wait"
    return f"{service.typical_wait_days} day{'s' if service.typical_wait_days != 1 else ''}"


CSV_HEADER = [
    "Name",
    "Provider",
    "Description",
    "THRIVE groupings",
    "Needs",
    "Minimum age",
    "Maximum age",
    "School phases",
    "Eligibility",
    "Thresholds",
    "How to access",
    "Accepts self-referrals",
    "Contact channels",
    "Contact name",
    "Phone",
    "Email",
    "Website",
    "Opening times",
    "Opening hours note",
    "Typical wait (days)",
    "Listed",
    "Last reviewed on",
    "Needs review",
]


def csv_rows(services, today: date):
    for s in services:
        yield [
            s.name,
            s.provider.name,
            s.description,
            thrive_text(s),
            "; ".join(labels(Need.choices, s.needs)),
            s.min_age,
            s.max_age,
            "; ".join(labels(SchoolPhase.choices, s.school_phases)),
            s.eligibility,
            s.thresholds,
            s.how_to_access,
            "Yes" if s.self_referral else "No",
            "; ".join(labels(Channel.choices, s.channels)),
            s.contact_name,
            s.phone,
            s.email,
            s.website,
            "; ".join(str(slot) for slot in s.schedules.all()),
            s.opening_hours,
            "" if s.typical_wait_days is None else s.typical_wait_days,
            "Yes" if s.is_active else "No",
            s.last_reviewed_on.isoformat(),
            "Yes" if needs_review(s, today) else "No",
        ]


def _id(*parts) -> str:
    return str(uuid.uuid5(ORUK_NAMESPACE, ":".join(str(p) for p in parts)))


def oruk_service_id(service: DirectoryService) -> str:
    return _id("service", service.partnership.slug, service.pk)


def oruk_organisation_id(organisation) -> str:
    return _id("organisation", organisation.pk)


def _taxonomy(vocabulary: str, code: str, name: str, service_id: str) -> dict:
    term_id = _id("taxonomy", vocabulary, code)
    return {
        "id": _id("service_taxonomy", service_id, term_id),
        "taxonomy": {"id": term_id, "name": name, "vocabulary": vocabulary},
    }


def oruk_service(service: DirectoryService) -> dict:
    sid = oruk_service_id(service)
    schedules = [
        {
            "id": _id("schedule", sid, slot.pk),
            "freq": "WEEKLY",
            "byday": slot.byday,
            "opens_at": slot.opens_at.strftime("%H:%M:%S"),
            "closes_at": slot.closes_at.strftime("%H:%M:%S"),
            "description": str(slot),
        }
        for slot in service.schedules.all()
    ]
    if service.opening_hours:
        schedules.append({"id": _id("schedule-note", sid), "description": service.opening_hours})
    contacts = []
    if service.contact_name or service.phone or service.email:
        contacts.append(
            {
                "id": _id("contact", sid),
                "name": service.contact_name,
                "email": service.email,
                "phones": [{"id": _id("phone", sid), "number": service.phone}] if service.phone else [],
            }
        )
    return {
        "id": sid,
        "organization_id": oruk_organisation_id(service.provider),
        "name": service.name,
        "description": service.description,
        "url": service.website,
        "email": service.email,
        "status": "active" if service.is_active else "inactive",
        "assured_date": service.last_reviewed_on.isoformat(),
        "eligibilitys": [
            {
                "id": _id("eligibility", sid),
                "eligibility": service.eligibility,
                "minimum_age": service.min_age,
                "maximum_age": service.max_age,
            }
        ],
        "contacts": contacts,
        "schedules": schedules,
        "service_taxonomys": [
            *(
                _taxonomy("THRIVE", code, label, sid)
                for code, label in zip(
                    service.thrive_groupings, labels(Thrive.choices, service.thrive_groupings), strict=True
                )
            ),
            *(
                _taxonomy("needs", code, label, sid)
                for code, label in zip(service.needs, labels(Need.choices, service.needs), strict=True)
            ),
        ],
    }


def oruk_document(services) -> dict:
    services = list(services)
    organisations = {}
    for service in services:
        organisations.setdefault(service.provider.pk, service.provider)
    return {
        "organizations": [
            {"id": oruk_organisation_id(org), "name": org.name, "description": org.get_kind_display(), "url": ""}
            for org in sorted(organisations.values(), key=lambda o: o.name)
        ],
        "services": [oruk_service(service) for service in services],
    }
