"""Who may open each teams page (issue 6 item 9): every role of make_world() x every URL name.

Everyone in the partnership reads the list and a team's page; the area lead adds teams; a team's own
managers or the area lead change its details; only the team's own managers change its
practitioners, offer and holiday offers. Another team's objects are a 404 to a manager of a
different team; another partnership is a 404 to everyone.
"""

import datetime

import pytest
from django.urls import reverse

from mhst.models import HolidayOffer, OfferItem
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import PartnershipFactory, member
from .factories import add_practitioner, make_world

pytestmark = pytest.mark.django_db

ROLES = [
    "manager",
    "other_manager",
    "practitioner_user",
    "school_lead",
    "other_school_lead",
    "area_lead",
    "steering",
    "commissioner",
    "outsider",
]
READ = dict.fromkeys(ROLES, 200) | {"outsider": 404}
ADD_TEAM = dict.fromkeys(ROLES, 403) | {"area_lead": 200, "outsider": 404}
EDIT_TEAM = dict.fromkeys(ROLES, 403) | {"manager": 200, "area_lead": 200, "outsider": 404}
# Looked up among the user's managed teams: a manager of another team gets a 404.
OWN_MANAGERS = dict.fromkeys(ROLES, 403) | {"manager": 200, "other_manager": 404, "outsider": 404}


def _objects(world, team):
    day = datetime.date(2026, 7, 22)
    return {
        "practitioner": add_practitioner(team, name="Pat Post"),
        "offer": OfferItem.objects.create(team=team, function=1, title="Guided self-help"),
        "holiday": HolidayOffer.objects.create(
            team=team, name="Summer", starts_on=day, ends_on=day + datetime.timedelta(days=40), offer="Drop-ins"
        ),
    }


def _urls(world):
    slug = world.partnership.slug
    own = _objects(world, world.team)
    team = world.team.pk
    return [
        ("mhst_home", [slug], READ),
        ("mhst_team", [slug, team], READ),
        ("mhst_team_add", [slug], ADD_TEAM),
        ("mhst_team_edit", [slug, team], EDIT_TEAM),
        ("mhst_practitioner_add", [slug, team], OWN_MANAGERS),
        ("mhst_practitioner_edit", [slug, own["practitioner"].pk], OWN_MANAGERS),
        ("mhst_offer_add", [slug, team], OWN_MANAGERS),
        ("mhst_offer_edit", [slug, own["offer"].pk], OWN_MANAGERS),
        ("mhst_holiday_add", [slug, team], OWN_MANAGERS),
        ("mhst_holiday_edit", [slug, own["holiday"].pk], OWN_MANAGERS),
        ("mhst_holiday_delete", [slug, own["holiday"].pk], OWN_MANAGERS),
    ]


def _user(world, who):
    if who == "outsider":
        return member(PartnershipFactory(), Role.AREA_LEAD)
    return getattr(world, who)


@pytest.mark.parametrize("who", ROLES)
def test_every_teams_page_for_every_role(client, who):
    world = make_world()
    urls = _urls(world)
    sign_in(client, _user(world, who))
    got = {name: client.get(reverse(name, args=args)).status_code for name, args, _ in urls}
    assert got == {name: expected[who] for name, _, expected in urls}


@pytest.mark.parametrize("who", ROLES)
def test_posts_are_refused_alike(client, who):
    """A POST gets the same answer as the page (an invalid form re-shown for those allowed)."""
    world = make_world()
    urls = [u for u in _urls(world) if u[0] not in {"mhst_home", "mhst_team", "mhst_holiday_delete"}]
    sign_in(client, _user(world, who))
    got = {name: client.post(reverse(name, args=args), {"name": ""}).status_code for name, args, _ in urls}
    assert got == {name: expected[who] for name, _, expected in urls}


def test_a_manager_reaches_no_object_of_another_team(client):
    world = make_world()
    slug = world.partnership.slug
    theirs = _objects(world, world.other_team)
    sign_in(client, world.manager)
    for name, pk in [
        ("mhst_practitioner_add", world.other_team.pk),
        ("mhst_offer_add", world.other_team.pk),
        ("mhst_holiday_add", world.other_team.pk),
        ("mhst_practitioner_edit", theirs["practitioner"].pk),
        ("mhst_offer_edit", theirs["offer"].pk),
        ("mhst_holiday_edit", theirs["holiday"].pk),
        ("mhst_holiday_delete", theirs["holiday"].pk),
    ]:
        assert client.get(reverse(name, args=[slug, pk])).status_code == 404, name
        assert client.post(reverse(name, args=[slug, pk]), {"name": "x"}).status_code == 404, name
    assert HolidayOffer.objects.filter(pk=theirs["holiday"].pk).exists()
    # Their team's page is readable, its details not changeable.
    assert client.get(reverse("mhst_team", args=[slug, world.other_team.pk])).status_code == 200
    assert client.get(reverse("mhst_team_edit", args=[slug, world.other_team.pk])).status_code == 403


def test_another_partnerships_team_is_a_404(client):
    world = make_world()
    elsewhere = make_world()
    sign_in(client, world.area_lead)
    slug = world.partnership.slug
    assert client.get(reverse("mhst_team", args=[slug, elsewhere.team.pk])).status_code == 404
    assert client.get(reverse("mhst_team_edit", args=[slug, elsewhere.team.pk])).status_code == 404
    client.logout()
    sign_in(client, world.manager)
    assert client.get(reverse("mhst_practitioner_edit", args=[slug, elsewhere.practitioner.pk])).status_code == 404
    assert (
        client.get(reverse("mhst_practitioner_edit", args=[elsewhere.partnership.slug, elsewhere.practitioner.pk]))
    ).status_code == 404
