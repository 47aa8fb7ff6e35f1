"""Every role of make_world() against the schools area's pages: a school's MHST page, one readiness
item, an agreement, and readiness across allocated schools. `team` is allocated to `school`,
`other_team` to `other_school`; another team's or school's object is a 404, never a 403."""

import pytest
from django.urls import reverse

from partnership.roles import Role

from ..conftest import sign_in
from ..factories import PartnershipFactory, member
from .factories import approved, make_world

pytestmark = pytest.mark.django_db

WHO = (
    "manager",
    "other_manager",
    "practitioner_user",
    "school_lead",
    "other_school_lead",
    "area_lead",
    "steering",
    "commissioner",
    "outsider",
)


@pytest.fixture
def world():
    w = make_world()
    approved(w.team, {w.school: "0.50"}, by=w.area_lead)
    approved(w.other_team, {w.other_school: "0.40"}, by=w.area_lead)
    w.outsider = member(PartnershipFactory(), Role.AREA_LEAD, totp=False)
    return w


def _urls(w):
    slug = w.partnership.slug
    return {
        "school": reverse("mhst_school", args=[slug, w.school.pk]),
        "other_school": reverse("mhst_school", args=[slug, w.other_school.pk]),
        "item": reverse("mhst_readiness_item", args=[slug, w.school.pk, "named_lead"]),
        "other_item": reverse("mhst_readiness_item", args=[slug, w.other_school.pk, "named_lead"]),
        "agreement": reverse("mhst_agreement_edit", args=[slug, w.school.pk, w.team.pk]),
        "unallocated_agreement": reverse("mhst_agreement_edit", args=[slug, w.school.pk, w.other_team.pk]),
        "overview": reverse("mhst_readiness", args=[slug]),
    }


# who: (school, other_school, item, other_item, agreement, unallocated_agreement, overview)
EXPECTED = {
    "manager": (200, 404, 200, 404, 200, 404, 200),
    "other_manager": (404, 200, 404, 200, 404, 404, 200),
    "practitioner_user": (404, 404, 404, 404, 404, 404, 403),
    "school_lead": (200, 404, 200, 404, 200, 404, 403),
    "other_school_lead": (404, 200, 404, 200, 404, 404, 403),
    "area_lead": (200, 200, 403, 403, 403, 404, 200),
    "steering": (200, 200, 403, 403, 403, 404, 200),
    "commissioner": (404, 404, 404, 404, 404, 404, 403),
    "outsider": (404, 404, 404, 404, 404, 404, 404),
}
PAGES = ("school", "other_school", "item", "other_item", "agreement", "unallocated_agreement", "overview")


@pytest.mark.parametrize("who", WHO)
def test_get_matrix(client, world, who):
    sign_in(client, getattr(world, who))
    urls = _urls(world)
    got = tuple(client.get(urls[page]).status_code for page in PAGES)
    assert got == EXPECTED[who]


@pytest.mark.parametrize("who", WHO)
def test_post_matrix_matches_get_and_writes_only_when_allowed(client, world, who):
    from mhst.models import Agreement, ReadinessItem

    sign_in(client, getattr(world, who))
    urls = _urls(world)
    expected = dict(zip(PAGES, EXPECTED[who], strict=True))
    item = client.post(urls["item"], {"status": "in_progress", "evidence": ""})
    assert item.status_code == (302 if expected["item"] == 200 else expected["item"])
    assert ReadinessItem.objects.filter(school=world.school).exists() == (expected["item"] == 200)
    agreement = client.post(urls["agreement"], {"school_contact_name": "Ms Lee"})
    assert agreement.status_code == (302 if expected["agreement"] == 200 else expected["agreement"])
    assert Agreement.objects.filter(school=world.school).exists() == (expected["agreement"] == 200)


def test_anonymous_is_sent_to_sign_in(client, world):
    for url in _urls(world).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_school_outside_the_partnership_and_unknown_code_are_404(client, world):
    from ..factories import OrganisationFactory

    stranger = OrganisationFactory()
    slug = world.partnership.slug
    sign_in(client, world.area_lead)
    assert client.get(reverse("mhst_school", args=[slug, stranger.pk])).status_code == 404
    assert client.get(reverse("mhst_school", args=[slug, world.provider.pk])).status_code == 404  # not a school
    client.logout()
    sign_in(client, world.school_lead)
    assert client.get(reverse("mhst_readiness_item", args=[slug, world.school.pk, "named_lead"])).status_code == 200
    assert client.get(reverse("mhst_readiness_item", args=[slug, world.school.pk, "nonsense"])).status_code == 404


def test_manager_of_a_team_losing_its_allocation_loses_the_school(client, world):
    from mhst.models import Allocation

    Allocation.objects.filter(team=world.team).update(status="superseded")
    sign_in(client, world.manager)
    assert client.get(_urls(world)["school"]).status_code == 404
    assert client.get(_urls(world)["item"]).status_code == 404
