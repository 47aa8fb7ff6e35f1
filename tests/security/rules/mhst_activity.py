"""Access rules for the MHST activity log, quick entry, corrections, CSV import and export, and the
team's caseload (see __init__.py for the shape).

Only the team's own staff (RECORD_MHST_ACTIVITY at the team's provider) use these pages, so the
generic cast is refused: the area lead (lead) and the steering member (reader) get 403 (they read
aggregates on the metrics pages), the other partnership's area lead 404. The team's staff, other
teams' staff and the other roles are covered in tests/mhst/test_activity_access.py.
"""

from ...factories import OrganisationFactory, PartnershipOrganisationFactory
from ...mhst.factories import add_practitioner, log_activity, make_team
from . import SIGN_IN

REFUSED = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

# The MHST practitioner works in another team: this team's pages are a 404 to them (another
# organisation's); every other member of P is refused as the reader.
DEFAULTS = {"mhst": 404}
# RECORD_MHST_ACTIVITY is checked before the team or activity is looked up
REFUSED_FIRST = ("lead", "reader", "school_a", "school_b", "duty", "duty_lead", "commissioner")

RULES = {
    "mhst_activity": ("get", REFUSED),
    "mhst_activity_export": ("get", REFUSED),
    "mhst_activity_add": ("get", REFUSED),
    "mhst_activity_add:post": ("post", REFUSED),
    "mhst_activity_edit": ("get", REFUSED),
    "mhst_activity_edit:post": ("post", REFUSED),
    "mhst_activity_delete": ("get", REFUSED),
    "mhst_activity_delete:post": ("post", REFUSED),
    "mhst_activity_import": ("get", REFUSED),
    "mhst_activity_import:post": ("post", REFUSED),
    "mhst_activity_template": ("get", REFUSED),
    "mhst_caseload": ("get", REFUSED),
}
PUBLIC = set()

TEAM_URLS = {
    "mhst_activity",
    "mhst_activity_export",
    "mhst_activity_add",
    "mhst_activity_import",
    "mhst_activity_template",
    "mhst_caseload",
}
ACTIVITY_URLS = {"mhst_activity_edit", "mhst_activity_delete"}


def args(name, cast):
    if name not in TEAM_URLS | ACTIVITY_URLS:
        return None
    team = make_team(cast.partnership, name="Access MHST")
    if name in TEAM_URLS:
        return [cast.partnership.slug, team.pk]
    school = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=cast.partnership, organisation=school)
    practitioner = add_practitioner(team, name="Pat Practitioner")
    activity = log_activity(team, school, practitioner, by=cast.lead)
    return [cast.partnership.slug, activity.pk]
