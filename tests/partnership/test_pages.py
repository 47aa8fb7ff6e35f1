import pytest
from django.urls import reverse

from partnership.models import AuditEvent, Partnership
from partnership.models.audit import AuditAction

from ..conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_public_pages_need_no_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert 'href="/accessibility/"' in response.content.decode()  # footer link


def test_home_shows_the_role_and_what_it_can_do(client, cast):
    sign_in(client, cast.reader)
    html = client.get(reverse("home")).content.decode()
    assert "Steering group member" in html
    assert "Update the progress of actions they own" in html
    assert "Manage the partnership" not in html


def test_navigation_depends_on_roles(client, cast):
    sign_in(client, cast.lead)
    assert 'href="/account/api-tokens/"' in client.get(reverse("home")).content.decode()
    client.logout()
    sign_in(client, cast.reader)
    assert 'href="/account/api-tokens/"' not in client.get(reverse("home")).content.decode()


def test_friendly_404(client, cast):
    sign_in(client, cast.lead)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_editing_partnership_details_shows_errors_and_keeps_input(client, cast):
    sign_in(client, cast.lead)
    url = reverse("partnership_edit", args=[cast.partnership.slug])
    response = client.post(url, {"name": "", "lead_body": "la", "region": "london", "rurality": "urban"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#id_name"' in html
    assert "Enter the partnership&#39;s name" in html or "Enter the partnership's name" in html
    assert "<title>Error:" in html
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_editing_partnership_details_saves_and_audits(client, cast):
    sign_in(client, cast.lead)
    url = reverse("partnership_edit", args=[cast.partnership.slug])
    data = {
        "name": "Renamed",
        "lead_body": "la",
        "region": "london",
        "rurality": "urban",
        "transformation_plan_reference": "LTP-1",
        "lead_confirmation_months": "6",
        "publishes_public_pages": "on",
    }
    response = client.post(url, data)
    assert response.url == reverse("partnership_detail", args=[cast.partnership.slug])
    saved = Partnership.objects.get(pk=cast.partnership.pk)
    assert (saved.name, saved.lead_confirmation_months, saved.publishes_public_pages) == ("Renamed", 6, True)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.actor == cast.lead
    assert event.detail["changed"]["name"] == [cast.partnership.name, "Renamed"]
    assert event.detail["changed"]["publishes_public_pages"] == ["False", "True"]
    assert "Partnership details saved" in client.get(response.url).content.decode()


@pytest.mark.parametrize("months", ["0", "25", "four"])
def test_a_bad_confirmation_period_is_shown_in_the_error_summary(client, cast, months):
    sign_in(client, cast.lead)
    url = reverse("partnership_edit", args=[cast.partnership.slug])
    data = {"name": "X", "lead_body": "la", "region": "london", "rurality": "urban", "lead_confirmation_months": months}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "nhsuk-error-summary" in page
    assert "months" in page
    assert Partnership.objects.get(pk=cast.partnership.pk).lead_confirmation_months == 4


def test_the_partnership_page_links_to_each_governance_section_the_user_may_see(client, cast):
    from ..factories import PartnershipOrganisationFactory

    PartnershipOrganisationFactory.create_batch(3, partnership=cast.partnership)
    PartnershipOrganisationFactory(partnership=cast.partnership, status="applied")
    url = reverse("partnership_detail", args=[cast.partnership.slug])
    sign_in(client, cast.reader)
    page = client.get(url).content.decode()
    # the cast's lead and reader organisations are active members too
    assert "5 active, 1 applied" in page
    for heading in ("Members", "Action log", "Risk register", "Directory of services", "Meetings"):
        assert heading in page
    assert reverse("action_list", args=[cast.partnership.slug]) in page
    assert "Stale and missing lead contacts" not in page  # the area lead's list
    client.logout()
    sign_in(client, cast.lead)
    assert "Stale and missing lead contacts" in client.get(url).content.decode()


def test_friendly_500_renders_without_the_request_or_database(rf):
    from partnership.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "Traceback" not in html


def test_friendly_403(client, cast):
    sign_in(client, cast.reader)
    response = client.get(reverse("partnership_edit", args=[cast.partnership.slug]))
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()
