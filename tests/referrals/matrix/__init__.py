"""The referral access matrix (issue 5 item 9), one module per area, collected by
tests/referrals/test_access_matrix.py: every referral page and API endpoint x every role, for the
referral of school A in partnership P.

Roles (`ROLES`; users are attributes of the `Cast`):
- school_a: school staff of school A, the referral's school (own organisation);
- school_b: school staff of school B in the same partnership (other organisation: 404);
- duty: duty clinician of P's single point of access; duty_lead: its duty lead;
- foreign_duty: duty clinician of another partnership's SPA (other organisation: 404);
- mhst: MHST practitioner of the team the referral would be allocated to;
- area_lead: area lead of P (never sees a child's details); commissioner: commissioner of P;
- anonymous.

Each module defines:
- MATRIX: {"url_name" or "url_name:post" (or ":put"...): (method, {role: expected})}, where expected is a
  status code or SIGN_IN (a redirect to the sign-in page); every role must be given;
- args(name, cast) -> list | None: the URL arguments for `name` (None when the module does not
  know the name), creating the referral (usually `cast.referral(status)`) and whatever else it needs;
- DATA (optional): {"url_name:post": dict} the POST body (default: an empty form, so that an allowed
  user gets the form back with errors: 200 on pages, 400 on the API);
- HEADERS (optional): {"url_name:post": dict} extra request headers (e.g. HTTP_IF_MATCH).
"""

import importlib
import pkgutil
from dataclasses import dataclass, field

from partnership.models import DirectoryService, User
from partnership.roles import Role
from referrals.models import Referral

from ...factories import OrganisationFactory, PartnershipOrganisationFactory, member
from ...governance.factories import DirectoryServiceFactory
from ..factories import World, details_for, make_world, referral_in

SIGN_IN = "sign-in"
ROLES = (
    "school_a",
    "school_b",
    "duty",
    "duty_lead",
    "foreign_duty",
    "mhst",
    "area_lead",
    "commissioner",
    "anonymous",
)
#: these roles must never be shown a child's name, date of birth or NHS number
NO_CHILD_DETAILS = ("school_b", "foreign_duty", "area_lead", "commissioner", "anonymous")


@dataclass
class Cast:
    world: World
    foreign: World
    mhst_service: DirectoryService
    users: dict[str, User] = field(default_factory=dict)

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


def make_cast() -> Cast:
    world, foreign = make_world("Area"), make_world("Other")
    mhst_org = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=world.partnership, organisation=mhst_org)
    mhst_service = DirectoryServiceFactory(partnership=world.partnership, provider=mhst_org)
    cast = Cast(world=world, foreign=foreign, mhst_service=mhst_service)
    cast.users = {
        "school_a": world.referrer,
        "school_b": world.other_referrer,
        "duty": world.clinician,
        "duty_lead": world.duty_lead,
        "foreign_duty": foreign.clinician,
        "mhst": member(world.partnership, Role.MHST_PRACTITIONER, organisation=mhst_org, totp=True),
        "area_lead": member(world.partnership, Role.AREA_LEAD),
        "commissioner": member(world.partnership, Role.COMMISSIONER),
    }
    return cast


def modules():
    return [importlib.import_module(f"{__name__}.{info.name}") for info in pkgutil.iter_modules(__path__)]


def all_rules() -> dict:
    rules = {}
    for module in modules():
        overlap = rules.keys() & module.MATRIX.keys()
        assert not overlap, f"matrix rows declared twice: {overlap}"
        for rule, (_, expected) in module.MATRIX.items():
            assert set(expected) == set(ROLES), f"{rule}: give every role, missing {set(ROLES) - set(expected)}"
        rules.update(module.MATRIX)
    return rules


def args_for(name, cast) -> list:
    for module in modules():
        found = module.args(name, cast)
        if found is not None:
            return found
    return []


def _extra(attribute, rule) -> dict | None:
    for module in modules():
        value = getattr(module, attribute, {})
        if rule in value:
            return value[rule]
    return None


def data_for(rule) -> dict:
    return _extra("DATA", rule) or {}


def headers_for(rule) -> dict:
    return _extra("HEADERS", rule) or {}


__all__ = ["NO_CHILD_DETAILS", "ROLES", "SIGN_IN", "Cast", "details_for", "make_cast"]
