"""The cast of the access matrix (tests/security/test_access.py): two partnerships built alike, and
for each the people who use it.

Partnership P (`Cast.world`) and partnership Q (`Cast.foreign`) each have an SPA run by a CYPMHS,
two schools, an MHST and these members; `Cast.users` names who plays each role of the matrix:

- lead: area lead of P (the referral matrix's "area_lead": never sees a child's details);
- reader: steering member of P (read-only);
- outsider: area lead of Q (sees nothing of P);
- school_a / school_b: school staff of P's school A (whose referrals the matrix uses) and school B;
- duty / duty_lead: duty clinician and duty lead of P's SPA;
- foreign_duty: duty clinician of Q's SPA;
- mhst: MHST practitioner of the team (a provider member of P) that accepted referrals go to;
- commissioner: commissioner of P;
- anonymous: nobody signed in.

`Cast.mirror()` is the same cast seen from Q (its objects are the foreign objects of the matrix).
The cast serves both rule sets: tests/security/rules/ use `partnership`, `other_partnership`,
`lead`, `reader`, `outsider`; tests/referrals/matrix/ use `world`, `foreign`, `referral()`.
"""

from dataclasses import dataclass, field

from partnership.models import DirectoryService, Organisation, User
from partnership.roles import Role
from referrals.models import Referral

from ..factories import OrganisationFactory, PartnershipOrganisationFactory, member
from ..governance.factories import DirectoryServiceFactory
from ..referrals.factories import World, make_world, referral_in

ROLES = (
    "lead",
    "reader",
    "outsider",
    "school_a",
    "school_b",
    "duty",
    "duty_lead",
    "foreign_duty",
    "mhst",
    "commissioner",
    "anonymous",
)
#: the roles that must never be shown a child's name, date of birth or NHS number (none of them
#: works with this child: P's area lead, steering member and commissioner read aggregates only)
NO_CHILD_DETAILS = ("lead", "reader", "outsider", "school_b", "foreign_duty", "commissioner", "anonymous")
#: the roles that belong to P (the others are Q's members, and anonymous)
MEMBERS_OF_P = ("lead", "reader", "school_a", "school_b", "duty", "duty_lead", "mhst", "commissioner")


@dataclass
class Side:
    """One partnership's world and its members."""

    world: World
    mhst_org: Organisation
    mhst_service: DirectoryService
    users: dict[str, User]


@dataclass
class Cast:
    own: Side
    other: Side
    users: dict[str, User] = field(default_factory=dict)

    # -- what tests/referrals/matrix/ uses
    @property
    def world(self) -> World:
        return self.own.world

    @property
    def foreign(self) -> World:
        return self.other.world

    @property
    def mhst_service(self) -> DirectoryService:
        return self.own.mhst_service

    def user(self, role: str) -> User | None:
        return self.users.get(role)

    def referral(self, status: str = "submitted", *, allocated_to_mhst: bool = True) -> Referral:
        """A referral of school A in `status`, made through the real services (accepted ones are
        allocated to the MHST's service, so the MHST practitioner sees them)."""
        referral = referral_in(self.world, status)
        if allocated_to_mhst and referral.allocated_service_id:
            Referral.objects.filter(pk=referral.pk).update(allocated_service=self.mhst_service)
            referral.refresh_from_db()
        return referral

    # -- what tests/security/rules/ uses
    @property
    def partnership(self):
        return self.world.partnership

    @property
    def other_partnership(self):
        return self.foreign.partnership

    @property
    def lead(self) -> User:
        return self.users["lead"]

    @property
    def reader(self) -> User:
        return self.users["reader"]

    @property
    def outsider(self) -> User:
        return self.users["outsider"]

    def mirror(self) -> "Cast":
        return _cast(self.other, self.own)


def _side(name: str) -> Side:
    world = make_world(name)
    partnership = world.partnership
    mhst_org = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=partnership, organisation=mhst_org)
    users = {
        "lead": member(partnership, Role.AREA_LEAD),
        "reader": member(partnership, Role.STEERING_MEMBER),
        "school_a": world.referrer,
        "school_b": world.other_referrer,
        "duty": world.clinician,
        "duty_lead": world.duty_lead,
        "mhst": member(partnership, Role.MHST_PRACTITIONER, organisation=mhst_org, totp=True),
        "commissioner": member(partnership, Role.COMMISSIONER),
    }
    service = DirectoryServiceFactory(partnership=partnership, provider=mhst_org)
    return Side(world=world, mhst_org=mhst_org, mhst_service=service, users=users)


def _cast(own: Side, other: Side) -> Cast:
    users = {**own.users, "outsider": other.users["lead"], "foreign_duty": other.users["duty"]}
    return Cast(own=own, other=other, users=users)


def make_cast() -> Cast:
    """P and Q, each with a few referrals of school A's in different states, so that every page of
    the matrix is asked in a partnership where a child's details exist."""
    cast = _cast(_side("Area"), _side("Other"))
    for side in (cast, cast.mirror()):
        for status in ("submitted", "accepted", "closed"):
            side.referral(status)
    return cast
