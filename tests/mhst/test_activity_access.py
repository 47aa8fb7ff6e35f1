"""Who reaches the activity pages and the caseload: every role of make_world() x every URL name.
The team's manager and practitioners: 200; another team's manager: 404 (the team is not theirs);
everyone else in the partnership: 403 (they read aggregates elsewhere); another partnership: 404."""

import pytest
from django.urls import reverse

from partnership.roles import Role

from ..conftest import sign_in
from ..factories import MembershipFactory, PartnershipFactory, member
from .factories import log_activity, make_world

pytestmark = pytest.mark.django_db

TEAM_PAGES = [
    "mhst_activity",
    "mhst_activity_add",
    "mhst_activity_export",
    "mhst_activity_import",
    "mhst_activity_template",
    "mhst_caseload",
]
ACTIVITY_PAGES = ["mhst_activity_edit", "mhst_activity_delete"]

EXPECTED = {
    "manager": 200,
    "practitioner_user": 200,
    "other_manager": 404,
    "school_lead": 403,
    "other_school_lead": 403,
    "area_lead": 403,
    "steering": 403,
    "commissioner": 403,
    "outsider": 404,
}


@pytest.fixture
def world():
    world = make_world()
    world.outsider = member(PartnershipFactory(), Role.MHST_MANAGER, organisation=world.provider, totp=True)
    world.activity = log_activity(world.team, world.school, world.practitioner, world.practitioner_user)
    return world


def url_for(world, name):
    if name in ACTIVITY_PAGES:
        return reverse(name, args=[world.partnership.slug, world.activity.pk])
    return reverse(name, args=[world.partnership.slug, world.team.pk])


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("name", TEAM_PAGES + ACTIVITY_PAGES)
def test_access_matrix(client, world, name, who):
    sign_in(client, getattr(world, who))
    assert client.get(url_for(world, name)).status_code == EXPECTED[who]


@pytest.mark.parametrize("name", TEAM_PAGES)
def test_another_teams_pages_are_404_for_this_teams_staff(client, world, name):
    sign_in(client, world.manager)
    assert client.get(reverse(name, args=[world.partnership.slug, world.other_team.pk])).status_code == 404


@pytest.mark.parametrize("name", ACTIVITY_PAGES)
def test_another_teams_activity_is_404(client, world, name):
    from .factories import add_practitioner

    theirs = log_activity(
        world.other_team, world.school, add_practitioner(world.other_team, name="Olu Other"), world.other_manager
    )
    sign_in(client, world.manager)
    assert client.get(reverse(name, args=[world.partnership.slug, theirs.pk])).status_code == 404
    assert client.post(reverse(name, args=[world.partnership.slug, theirs.pk]), {}).status_code == 404


@pytest.mark.parametrize("name", TEAM_PAGES)
def test_a_team_under_another_partnerships_slug_is_404(client, world, name):
    other = PartnershipFactory()
    MembershipFactory(user=world.manager, partnership=other, organisation=world.provider, roles=[Role.MHST_MANAGER])
    sign_in(client, world.manager)
    assert client.get(reverse(name, args=[other.slug, world.team.pk])).status_code == 404


@pytest.mark.parametrize("name", ACTIVITY_PAGES)
def test_a_practitioner_cannot_open_a_colleagues_activity_to_change_it(client, world, name):
    colleague = member(world.partnership, Role.MHST_PRACTITIONER, organisation=world.provider, totp=True)
    theirs = log_activity(world.team, world.school, world.practitioner, colleague)
    sign_in(client, world.practitioner_user)
    assert client.get(reverse(name, args=[world.partnership.slug, theirs.pk])).status_code == 403
    assert client.post(reverse(name, args=[world.partnership.slug, theirs.pk]), {}).status_code == 403


@pytest.mark.parametrize("name", ["mhst_activity", "mhst_caseload"])
def test_anonymous_is_sent_to_sign_in(client, world, name):
    response = client.get(url_for(world, name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
