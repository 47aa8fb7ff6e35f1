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
from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
EDIT = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "mhst_school": ("get", READ),
    "mhst_readiness": ("get", READ),
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
