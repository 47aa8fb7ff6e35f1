"""Access rules for the allocation method, proposals, adjustments and the board's decision.

The lead (area lead) publishes the method and, like the reader (steering member), sees proposals,
adjusts them and records the board's decision; neither proposes or withdraws (the team's manager
does). `args()` gives `cast.partnership` a team with a proposal of one school."""

from partnership.roles import Role

from ...factories import OrganisationFactory, PartnershipOrganisationFactory, member
from ...mhst.factories import make_team, proposal
from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
LEAD_ONLY = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
MANAGER_ONLY = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "mhst_method": ("get", READ),
    "mhst_method_edit": ("get", LEAD_ONLY),
    "mhst_method_edit:post": ("post", LEAD_ONLY),
    "mhst_propose": ("get", MANAGER_ONLY),
    "mhst_propose:post": ("post", MANAGER_ONLY),
    "mhst_allocation": ("get", READ),
    "mhst_allocation_adjust": ("get", READ),
    "mhst_allocation_adjust:post": ("post", READ),
    "mhst_allocation_decide": ("get", READ),
    "mhst_allocation_decide:post": ("post", READ),
    "mhst_allocation_withdraw": ("get", MANAGER_ONLY),
    "mhst_allocation_withdraw:post": ("post", MANAGER_ONLY),
}
PUBLIC = set()


def args(name, cast):
    if name not in {r.split(":")[0] for r in RULES}:
        return None
    slug = cast.partnership.slug
    if name in {"mhst_method", "mhst_method_edit"}:
        return [slug]
    team = make_team(cast.partnership)
    manager = member(cast.partnership, Role.MHST_MANAGER, organisation=team.provider, totp=True)
    team.service_lead = manager
    team.save(update_fields=["service_lead"])
    school = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=cast.partnership, organisation=school)
    if name == "mhst_propose":
        return [slug, team.pk]
    allocation = proposal(team, {school: "0.50"}, by=cast.lead)
    if name == "mhst_allocation_adjust":
        return [slug, allocation.lines.get().pk]
    return [slug, allocation.pk]
