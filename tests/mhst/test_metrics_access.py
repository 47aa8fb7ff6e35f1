"""Who may read the coverage and activity figures pages: those who read dashboards (area lead,
commissioner, MHST managers) or approve allocations (steering member); practitioners and school
leads 403; another partnership's area lead 404; anonymous to sign in."""

import pytest
from django.urls import reverse

from partnership.roles import Role

from ..conftest import sign_in
from ..factories import PartnershipFactory, member
from .factories import make_world

pytestmark = pytest.mark.django_db

EXPECTED = {
    "manager": 200,
    "other_manager": 200,
    "practitioner_user": 403,
    "school_lead": 403,
    "other_school_lead": 403,
    "area_lead": 200,
    "steering": 200,
    "commissioner": 200,
    "outsider": 404,
}
NAMES = ["mhst_coverage", "mhst_metrics"]
CASES = [(name, who) for name in NAMES for who in EXPECTED]


@pytest.mark.parametrize(("name", "who"), CASES, ids=[f"{n}-{w}" for n, w in CASES])
def test_who_reads_the_figures(client, name, who):
    w = make_world()
    w.outsider = member(PartnershipFactory(), Role.AREA_LEAD)
    sign_in(client, getattr(w, who))
    response = client.get(reverse(name, args=[w.partnership.slug]))
    assert response.status_code == EXPECTED[who]


@pytest.mark.parametrize("name", NAMES)
def test_anonymous_is_sent_to_sign_in(client, name):
    w = make_world()
    response = client.get(reverse(name, args=[w.partnership.slug]))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", NAMES)
def test_an_unknown_partnership_is_404(client, name):
    w = make_world()
    sign_in(client, w.area_lead)
    assert client.get(reverse(name, args=["no-such-partnership"])).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_a_post_is_refused(client, name):
    w = make_world()
    sign_in(client, w.area_lead)
    assert client.post(reverse(name, args=[w.partnership.slug])).status_code == 405
