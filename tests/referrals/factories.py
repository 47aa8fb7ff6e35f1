"""A small referral world: a partnership with its SPA (run by a CYPMHS), two schools with a
referrer each, a duty clinician, a second clinician and a duty lead, and a complete draft."""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from partnership.models import Organisation, Partnership, User
from partnership.roles import Role
from referrals.models import NotAcceptedReason, Referral, SinglePointOfAccess, Status
from referrals.services.drafts import create_draft
from referrals.services.spa import seed_reasons
from referrals.services.transitions import apply
from referrals.states import TRANSITIONS

from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, member
from ..governance.factories import DirectoryServiceFactory


@dataclass
class World:
    partnership: Partnership
    spa: SinglePointOfAccess
    school: Organisation
    other_school: Organisation
    referrer: User
    other_referrer: User
    clinician: User
    second_clinician: User
    duty_lead: User
    service: object


#: the child's date of birth is fixed for the whole test session, so that a run going past midnight
#: still finds the same child's details (13 years and 40 days before the day the session started)
_SESSION_DAY = timezone.localdate()
BORN = _SESSION_DAY.replace(year=_SESSION_DAY.year - 13) - datetime.timedelta(days=40)


def complete_fields(**overrides) -> dict:
    """Everything a school fills in, valid (fictional child)."""
    today = timezone.localdate()
    fields = {
        "urgency": "routine",
        "child_first_name": "Zebedee",
        "child_last_name": "Quagmire",
        "nhs_number": "9434765919",
        "date_of_birth": BORN,
        "year_group": "Year 8",
        "postcode": "NS1 2AB",
        "situation": "Panic attacks in class most days for three weeks.",
        "why_now": "Attendance has dropped to 70% this half term.",
        "support_tried": "Weekly check-ins with the pastoral lead since September.",
        "assessment": "Anxiety is stopping learning; no current risk to self.",
        "requests": ["assessment"],
        "consent_by": "both",
        "consent_share_outcome": True,
        "consent_date": today,
    }
    return {**fields, **overrides}


def make_world(name: str = "Area") -> World:
    partnership = PartnershipFactory()
    cypmhs = OrganisationFactory(cypmhs=True)
    PartnershipOrganisationFactory(partnership=partnership, organisation=cypmhs)
    spa = SinglePointOfAccess.objects.create(
        partnership=partnership,
        provider=cypmhs,
        name=f"{name} CYPMHS single point of access",
        channels=["online"],
        hours="Monday to Friday, 9am to 5pm",
        acceptance_criteria="Children and young people aged 4 to 18 registered with a local GP.",
        thresholds="Moderate to severe difficulties affecting daily life.",
    )
    seed_reasons(spa)
    school, other_school = OrganisationFactory(), OrganisationFactory()
    for org in (school, other_school):
        PartnershipOrganisationFactory(partnership=partnership, organisation=org)
    return World(
        partnership=partnership,
        spa=spa,
        school=school,
        other_school=other_school,
        referrer=member(partnership, Role.SCHOOL_STAFF, organisation=school, totp=True),
        other_referrer=member(partnership, Role.SCHOOL_STAFF, organisation=other_school, totp=True),
        clinician=member(partnership, Role.DUTY_CLINICIAN, organisation=cypmhs, totp=True),
        second_clinician=member(partnership, Role.DUTY_CLINICIAN, organisation=cypmhs, totp=True),
        duty_lead=member(partnership, Role.DUTY_LEAD, organisation=cypmhs, totp=True),
        service=DirectoryServiceFactory(partnership=partnership, provider=cypmhs),
    )


def draft(world: World, **overrides) -> Referral:
    referral, _ = create_draft(
        partnership=world.partnership,
        by=world.referrer,
        school=world.school,
        idempotency_key=str(uuid.uuid4()),
        **complete_fields(**overrides),
    )
    return referral


def act(world, referral, name, by=None, **details):
    referral.refresh_from_db()
    actor = by or (world.referrer if TRANSITIONS[name].permission.value == "submit_referrals" else world.clinician)
    return apply(referral_id=referral.pk, by=actor, name=name, expected_version=referral.version, **details)


DETAILS = {
    "request_information": {"question": "Has the GP been involved?"},
    "answer": {"answer": "Yes, seen in October."},
    "signpost": {"explanation": "Try the school nursing drop-in first."},
    "first_contact": {"on": None},  # filled in with today
    "close": {"outcome": "Completed eight sessions; goals met."},
}


def details_for(world, name):
    if name == "accept":
        return {"thrive": "getting_help", "service": world.service.pk}
    if name == "not_accept":
        return {"reason": NotAcceptedReason.objects.filter(spa=world.spa).first().pk, "explanation": "Outside age."}
    if name == "first_contact":
        return {"on": timezone.localdate()}
    return DETAILS.get(name, {})


#: a path of transitions reaching each state from a new draft
PATH_TO = {
    Status.DRAFT: [],
    Status.SUBMITTED: ["submit"],
    Status.IN_TRIAGE: ["submit", "claim"],
    Status.INFO_REQUESTED: ["submit", "claim", "request_information"],
    Status.ACCEPTED: ["submit", "claim", "accept"],
    Status.SIGNPOSTED: ["submit", "claim", "signpost"],
    Status.NOT_ACCEPTED: ["submit", "claim", "not_accept"],
    Status.FIRST_CONTACT: ["submit", "claim", "accept", "first_contact"],
    Status.CLOSED: ["submit", "claim", "accept", "first_contact", "close"],
}


def referral_in(world, status):
    referral = draft(world)
    for name in PATH_TO[status]:
        act(world, referral, name, **details_for(world, name))
    referral.refresh_from_db()
    assert referral.status == status
    return referral


def spa_in(partnership: Partnership) -> SinglePointOfAccess:
    """The partnership's SPA, set up (run by a new CYPMHS member, default reasons) if it has none."""
    spa = SinglePointOfAccess.objects.filter(partnership=partnership).first()
    if spa is not None:
        return spa
    provider = OrganisationFactory(cypmhs=True)
    PartnershipOrganisationFactory(partnership=partnership, organisation=provider)
    spa = SinglePointOfAccess.objects.create(
        partnership=partnership,
        provider=provider,
        name="Own CYPMHS single point of access",
        channels=["online"],
        hours="Monday to Friday, 9am to 5pm",
        acceptance_criteria="Aged 4 to 18.",
        thresholds="Moderate to severe.",
    )
    seed_reasons(spa)
    return spa


def referral_from_a_new_school(partnership: Partnership, *, submit: bool = True, **fields) -> Referral:
    """A complete referral (submitted, or a draft) from a new school of `partnership`, through the
    real services; gives the partnership an SPA first if it has none."""
    spa_in(partnership)
    school = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=partnership, organisation=school)
    referrer = member(partnership, Role.SCHOOL_STAFF, organisation=school, totp=True)
    referral, _ = create_draft(
        partnership=partnership,
        by=referrer,
        school=school,
        idempotency_key=str(uuid.uuid4()),
        **complete_fields(**fields),
    )
    if not submit:
        return referral
    return apply(referral_id=referral.pk, by=referrer, name="submit", expected_version=referral.version)


def local_days_ago(days: int) -> datetime.datetime:
    """Local noon `days` local days ago: waiting days are counted in local dates, and "now minus N days"
    can be N - 1 local days when the clocks changed in between (late in the evening)."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
