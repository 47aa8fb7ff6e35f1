"""Factories for governance objects. Each keeps its partnership consistent with its parent."""

import datetime

import factory
from django.utils import timezone

from partnership.models import (
    Action,
    DirectoryService,
    Group,
    GroupMember,
    LeadContact,
    Meeting,
    Mou,
    MouParty,
    Risk,
    TermsOfReference,
)

from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, UserFactory


def _today():
    return timezone.localdate()


class LeadContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadContact

    member = factory.SubFactory(PartnershipOrganisationFactory)
    kind = LeadContact.Kind.SENIOR_MH_LEAD
    name = factory.Sequence(lambda n: f"Lead {n}")
    email = factory.Sequence(lambda n: f"lead{n}@school.example")
    started_on = factory.LazyFunction(lambda: _today() - datetime.timedelta(days=365))
    last_confirmed_at = factory.LazyFunction(timezone.now)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = Group.Kind.STEERING


class GroupMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMember

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = GroupMember.SeatRole.MEMBER
    joined_on = factory.LazyFunction(_today)


class TermsOfReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TermsOfReference

    group = factory.SubFactory(GroupFactory)
    version = factory.Sequence(lambda n: n + 1)
    status = TermsOfReference.Status.DRAFT
    purpose = "To lead the partnership's work on children's mental health."
    membership = "One representative of each member sector."
    chair = "Chaired by the ICB's director of children's services."
    quorum = 3
    quorum_sectors = factory.LazyFunction(list)
    meeting_frequency = TermsOfReference.Frequency.BIMONTHLY
    decision_making = "By consensus; failing that, by a simple majority of members present."
    reporting_line = "Reports to the health and wellbeing board."
    review_date = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=365))
    created_by = factory.SubFactory(UserFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    location = "County Hall, Committee Room 2"


class MouFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mou

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Schools and CYPMHS memorandum {n}")
    purpose = "To agree how schools and CYPMHS work together."
    joint_working_areas = "Consultation, referral, joint training."
    roles_and_responsibilities = "Schools name a senior mental health lead; CYPMHS names a link."
    information_shared = "Referral outcomes and advice."
    information_when = "Within five working days of a decision."
    information_how = "Through the platform, never by unencrypted email."
    start_date = factory.LazyFunction(_today)
    review_date = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=365))
    created_by = factory.SubFactory(UserFactory)


class MouPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MouParty

    mou = factory.SubFactory(MouFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    signatory = factory.SubFactory(UserFactory)


class ActionFactory(factory.django.DjangoModelFactory):
    """Pass `owner` and `owner_organisation` of a real member when the test is about ownership."""

    class Meta:
        model = Action

    partnership = factory.SubFactory(PartnershipFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    owner_organisation = factory.SubFactory(OrganisationFactory)
    due_date = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=60))
    created_by = factory.SelfAttribute("owner")


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    partnership = factory.SubFactory(PartnershipFactory)
    number = factory.Sequence(lambda n: 100 + n)
    title = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = 3
    impact = 4
    review_date = factory.LazyFunction(lambda: _today() + datetime.timedelta(days=90))


class DirectoryServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectoryService

    partnership = factory.SubFactory(PartnershipFactory)
    provider = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Support service {n}")
    description = "Short-term support for low mood and worry."
    thrive_groupings = factory.LazyFunction(lambda: ["getting_help"])
    needs = factory.LazyFunction(lambda: ["anxiety", "low_mood"])
    min_age = 11
    max_age = 18
    school_phases = factory.LazyFunction(lambda: ["secondary"])
    eligibility = "Young people living or at school in the area."
    how_to_access = "Referral by school or self-referral online."
    channels = factory.LazyFunction(lambda: ["phone", "website"])
    last_reviewed_on = factory.LazyFunction(_today)
    last_reviewed_by = factory.SubFactory(UserFactory)
