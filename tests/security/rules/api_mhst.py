"""Access rules for the MHST API (see __init__.py for the shape).

Every member reads the teams and approved allocations of their partnerships (an outsider gets an
empty list, and 404 on one of ours). The area lead and the steering member approve allocations, so
they read readiness (the outsider too: an empty list, for their own partnership). The activity
summary is for those who read dashboards (the area lead, and the outsider for their own
partnership) and MHST staff: the steering member gets 403. Only MHST staff record activity: 403
for the whole cast. What the MHST roles get is in tests/api/test_mhst_api_access.py."""

from ...factories import OrganisationFactory, PartnershipOrganisationFactory
from ...mhst.factories import approved, make_team
from . import NOT_APPROVERS

# The other members of P read teams and approved allocations (as the reader); readiness is for those
# who approve allocations (403 for the others, and for the other partnership's duty clinician); the
# activity summary for dashboard readers (the duty lead, the commissioner) and MHST staff; recording
# activity for MHST staff (the practitioner: an empty body is a 400).
SUMMARY = {
    "lead": 200,
    "reader": 403,
    "outsider": 200,
    "duty_lead": 200,
    "commissioner": 200,
    "mhst": 200,
    "foreign_duty": 403,
    "anonymous": 401,
}

LIST = {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}
DETAIL = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": 401}

RULES = {
    "api_mhst_teams": ("get", LIST),
    "api_mhst_team": ("get", DETAIL),
    "api_mhst_allocations": ("get", LIST),
    "api_mhst_allocation": ("get", DETAIL),
    "api_mhst_readiness": ("get", {**LIST, **dict.fromkeys(NOT_APPROVERS, 403), "foreign_duty": 403}),
    "api_mhst_activity_summary": ("get", SUMMARY),
    "api_mhst_activity:post": ("post", {"lead": 403, "reader": 403, "outsider": 403, "mhst": 400, "anonymous": 401}),
}
PUBLIC = set()


def args(name, cast):
    if name == "api_mhst_team":
        return [make_team(cast.partnership).pk]
    if name == "api_mhst_allocation":
        school = OrganisationFactory()
        PartnershipOrganisationFactory(partnership=cast.partnership, organisation=school)
        return [approved(make_team(cast.partnership), {school: "0.50"}, by=cast.lead).pk]
    if name in RULES or f"{name}:post" in RULES:
        return []
    return None
