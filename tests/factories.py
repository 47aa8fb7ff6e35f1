"""Factories for the partnership kernel, with traits for roles."""

import factory
from allauth.mfa.totp.internal.auth import TOTP

from partnership.models import Membership, Organisation, OrganisationKind, Partnership, PartnershipOrganisation, User
from partnership.roles import Role

TEST_PASSWORD = "correct horse battery staple"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Area {n} CYP Mental Health Partnership")
    slug = factory.Sequence(lambda n: f"area-{n}")
    lead_body = Partnership.LeadBody.JOINT
    region = Partnership.Region.NORTH_WEST


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"School {n}")
    kind = OrganisationKind.SECONDARY
    urn = factory.Sequence(lambda n: 100000 + n)
    pupil_count = 900

    class Params:
        cypmhs = factory.Trait(kind=OrganisationKind.CYPMHS, urn=None, name=factory.Sequence(lambda n: f"CYPMHS {n}"))
        icb = factory.Trait(kind=OrganisationKind.ICB, urn=None, name=factory.Sequence(lambda n: f"ICB {n}"))


class PartnershipOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnershipOrganisation

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = PartnershipOrganisation.Status.ACTIVE


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        self.save()
        if extracted:
            TOTP.activate(self, TEST_TOTP_SECRET)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    roles = factory.LazyFunction(lambda: [Role.STEERING_MEMBER.value])

    class Params:
        area_lead = factory.Trait(roles=[Role.AREA_LEAD.value])
        commissioner = factory.Trait(roles=[Role.COMMISSIONER.value])
        school_staff = factory.Trait(roles=[Role.SCHOOL_STAFF.value])
        duty_clinician = factory.Trait(roles=[Role.DUTY_CLINICIAN.value])

    @factory.post_generation
    def member_organisation(self, create, extracted, **kwargs):
        PartnershipOrganisation.objects.get_or_create(
            partnership=self.partnership,
            organisation=self.organisation,
            defaults={"status": PartnershipOrganisation.Status.ACTIVE},
        )


def member(partnership, *roles: Role, totp: bool = False, organisation=None, **user_fields) -> User:
    """A user with the given roles in `partnership` (and, for child-detail roles, TOTP when asked)."""
    user = UserFactory(totp=totp, **user_fields)
    MembershipFactory(
        user=user,
        partnership=partnership,
        organisation=organisation or OrganisationFactory(),
        roles=[r.value for r in roles],
    )
    return user


def token(user) -> dict:
    """Headers with a new API token of `user` (knox), for the test client."""
    from knox.models import AuthToken

    _, key = AuthToken.objects.create(user=user)
    return {"Authorization": f"Token {key}"}
