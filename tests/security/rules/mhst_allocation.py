"""Access rules for the allocation method, proposals, adjustments and the board's decision.

The lead (area lead) publishes the method and, like the reader (steering member), sees proposals,
adjusts them and records the board's decision; neither proposes or withdraws (the team's manager
does). `args()` gives `cast.partnership` a team with a proposal of one school."""

from partnership.roles import Role

from ...factories import OrganisationFactory, PartnershipOrganisationFactory, member
from ...mhst.factories import make_team, proposal
from . import NOT_APPROVERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
LEAD_ONLY = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
# The other members of P read the published method and are refused its changes, as the reader is.
# A proposal is seen only by those who approve allocations (and the team's managers): anyone else
# gets 404 on it (they must not learn it exists), or 403 on recording a decision (refused first).
PROPOSAL = {**READ, **dict.fromkeys(NOT_APPROVERS, 404)}
DECIDE = {**READ, **dict.fromkeys(NOT_APPROVERS, 403)}
MANAGER_ONLY = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
WITHDRAW = {**MANAGER_ONLY, **dict.fromkeys(NOT_APPROVERS, 404)}
REFUSED_FIRST = NOT_APPROVERS  # recording a decision needs APPROVE_MHST_ALLOCATIONS, checked first

RULES = {
    "mhst_method": ("get", READ),
    "mhst_method_edit": ("get", LEAD_ONLY),
    "mhst_method_edit:post": ("post", LEAD_ONLY),
    "mhst_propose": ("get", MANAGER_ONLY),
    "mhst_propose:post": ("post", MANAGER_ONLY),
    "mhst_allocation": ("get", PROPOSAL),
    "mhst_allocation_adjust": ("get", PROPOSAL),
    "mhst_allocation_adjust:post": ("post", PROPOSAL),
    "mhst_allocation_decide": ("get", DECIDE),
    "mhst_allocation_decide:post": ("post", DECIDE),
    "mhst_allocation_withdraw": ("get", WITHDRAW),
    "mhst_allocation_withdraw:post": ("post", WITHDRAW),
}
PUBLIC = set()

# Proposing looks the team up first (its managers may): a foreign one is a 404.
FOREIGN = {
    rule: dict.fromkeys(NOT_APPROVERS, 404)
    for rule in (
        "mhst_propose",
        "mhst_propose:post",
    )
}


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
