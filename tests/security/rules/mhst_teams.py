"""Access rules for the MHST teams pages: the list, a team's page, adding and changing a team, its
practitioners, its offer and its holiday offers (see __init__.py for the shape).

The lead (area lead) reads everything, adds teams and changes any team's details, but does not
manage a team's practitioners, offer or holiday offers (only the team's own MHST managers do:
403). The reader (steering member) reads and changes nothing. tests/mhst/test_teams_access.py
covers the MHST roles.
"""

import datetime

from mhst.models import HolidayOffer, OfferItem

from ...mhst.factories import add_practitioner, make_team
from ..cast import MEMBERS_OF_P
from . import NOT_MANAGERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
EDIT = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
MANAGERS_ONLY = {"lead": 403, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "mhst_home": ("get", READ),
    "mhst_team": ("get", READ),
    "mhst_team_add": ("get", EDIT),
    "mhst_team_add:post": ("post", EDIT),
    "mhst_team_edit": ("get", EDIT),
    "mhst_team_edit:post": ("post", EDIT),
    "mhst_practitioner_add": ("get", MANAGERS_ONLY),
    "mhst_practitioner_add:post": ("post", MANAGERS_ONLY),
    "mhst_practitioner_edit": ("get", MANAGERS_ONLY),
    "mhst_practitioner_edit:post": ("post", MANAGERS_ONLY),
    "mhst_offer_add": ("get", MANAGERS_ONLY),
    "mhst_offer_add:post": ("post", MANAGERS_ONLY),
    "mhst_offer_edit": ("get", MANAGERS_ONLY),
    "mhst_offer_edit:post": ("post", MANAGERS_ONLY),
    "mhst_holiday_add": ("get", MANAGERS_ONLY),
    "mhst_holiday_add:post": ("post", MANAGERS_ONLY),
    "mhst_holiday_edit": ("get", MANAGERS_ONLY),
    "mhst_holiday_edit:post": ("post", MANAGERS_ONLY),
    "mhst_holiday_delete": ("get", MANAGERS_ONLY),
    "mhst_holiday_delete:post": ("post", MANAGERS_ONLY),
}
PUBLIC = set()

# Changing a team looks it up first (its managers may): a foreign one is a 404.
FOREIGN = {
    rule: dict.fromkeys(NOT_MANAGERS, 404)
    for rule in (
        "mhst_team_edit",
        "mhst_team_edit:post",
    )
}

# A team's offer, practitioners and holidays are its own managers': MANAGE_MHST is checked before the
# team is looked up; so is MANAGE_PARTNERSHIP for changing a team.
REFUSED_FIRST = MEMBERS_OF_P

NAMES = {rule.split(":")[0] for rule in RULES}


def args(name, cast):
    if name not in NAMES:
        return None
    slug = cast.partnership.slug
    if name in {"mhst_home", "mhst_team_add"}:
        return [slug]
    team = make_team(cast.partnership, name="Access MHST")
    if name == "mhst_practitioner_edit":
        return [slug, add_practitioner(team).pk]
    if name == "mhst_offer_edit":
        return [slug, OfferItem.objects.create(team=team, function=1, title="Guided self-help").pk]
    if name in {"mhst_holiday_edit", "mhst_holiday_delete"}:
        day = datetime.date(2026, 7, 22)
        holiday = HolidayOffer.objects.create(
            team=team, name="Summer", starts_on=day, ends_on=day + datetime.timedelta(days=40), offer="Drop-ins"
        )
        return [slug, holiday.pk]
    return [slug, team.pk]
