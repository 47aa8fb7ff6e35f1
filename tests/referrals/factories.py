"""A small referral world: a partnership with its SPA (run by a CYPMHS), two schools with a
referrer each, a duty clinician, a second clinician and a duty lead, and a complete draft."""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from partnership.models import Organisation, Partnership, User
from partnership.roles import Role
from referrals.models import Referral, SinglePointOfAccess
from referrals.services.drafts import create_draft
from referrals.services.spa import seed_reasons

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


def complete_fields(**overrides) -> dict:
    """Everything a school fills in, valid (fictional child)."""
    today = timezone.localdate()
    fields = {
        "urgency": "routine",
        "child_first_name": "Sam",
        "child_last_name": "Example",
        "date_of_birth": today.replace(year=today.year - 13) - datetime.timedelta(days=40),
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
        referrer=member(partnership, Role.SCHOOL_STAFF, organisation=school),
        other_referrer=member(partnership, Role.SCHOOL_STAFF, organisation=other_school),
        clinician=member(partnership, Role.DUTY_CLINICIAN, organisation=cypmhs),
        second_clinician=member(partnership, Role.DUTY_CLINICIAN, organisation=cypmhs),
        duty_lead=member(partnership, Role.DUTY_LEAD, organisation=cypmhs),
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
