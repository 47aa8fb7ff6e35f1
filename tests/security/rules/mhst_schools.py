"""Access rules for a school's MHST page, its readiness items and agreements, and readiness across
allocated schools (see __init__.py for the shape).

`args()` gives `cast.partnership` a member school with a team's approved allocation to it. The lead
(area lead) and the reader (steering member) both approve allocations, so both see the school's
page and the overview; neither is the school's lead or the team's manager, so neither may change
its readiness or agreement (403). Who else may (the school's own lead, the allocated team's
manager) is tested in tests/mhst/test_schools_access.py.
"""

from ...factories import OrganisationFactory, PartnershipOrganisationFactory
from ...mhst.factories import approved, make_team
from . import NOT_APPROVERS, SIGN_IN

# A school's MHST page is for those who approve allocations, the school's own staff and the
# allocated team's managers: 404 for the others (school A's staff and the MHST practitioner are
# neither). Readiness across schools is for those who approve allocations: 403 for the others. None
# of the matrix's roles leads the school or manages the team: those who cannot see the school get
# 404 on changing its readiness, the reader (who can) 403.
READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
OVERVIEW = {**READ, **dict.fromkeys(NOT_APPROVERS, 403)}
EDIT = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN, **dict.fromkeys(NOT_APPROVERS, 404)}

RULES = {
    "mhst_school": ("get", {**READ, **dict.fromkeys(NOT_APPROVERS, 404)}),
    "mhst_readiness": ("get", OVERVIEW),
    "mhst_readiness_item": ("get", EDIT),
    "mhst_readiness_item:post": ("post", EDIT),
    "mhst_agreement_edit": ("get", EDIT),
    "mhst_agreement_edit:post": ("post", EDIT),
}
PUBLIC = set()
DATA = {"mhst_readiness_item:post": {"status": "met", "evidence": ""}}

NAMES = {rule.split(":")[0] for rule in RULES}


def allocated_school(partnership, by):
    """A member school and a team with an approved allocation to it."""
    school = OrganisationFactory(pupil_count=400)
    PartnershipOrganisationFactory(partnership=partnership, organisation=school)
    team = make_team(partnership, name="Access MHST")
    approved(team, {school: "0.50"}, by=by)
    return school, team


def args(name, cast):
    if name not in NAMES:
        return None
    slug = cast.partnership.slug
    if name == "mhst_readiness":
        return [slug]
    school, team = allocated_school(cast.partnership, cast.lead)
    if name == "mhst_readiness_item":
        return [slug, school.pk, "named_lead"]
    if name == "mhst_agreement_edit":
        return [slug, school.pk, team.pk]
    return [slug, school.pk]
