"""The school's MHST page, the readiness item and agreement forms, and readiness across allocated
schools: what is shown, form errors in the error summary, no 500 on bad input."""

import datetime
import html
import re

import pytest
from django.urls import reverse

from mhst.models import Agreement, OfferItem, ReadinessCode, ReadinessItem
from mhst.services import readiness
from mhst.services.agreements import save_agreement
from partnership.models import AuditEvent

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipOrganisationFactory
from .factories import approved, make_world, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    w.allocation = approved(w.team, {w.school: "0.50"}, by=w.area_lead)
    w.groups = OfferItem.objects.create(team=w.team, function=1, title="CBT group for anxiety")
    w.training = OfferItem.objects.create(team=w.team, function=2, title="Staff training on low mood")
    w.theirs = OfferItem.objects.create(team=w.other_team, function=1, title="Their parent group")
    return w


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def school_url(w, school=None):
    return reverse("mhst_school", args=[w.partnership.slug, (school or w.school).pk])


def item_url(w, code="named_lead"):
    return reverse("mhst_readiness_item", args=[w.partnership.slug, w.school.pk, code])


def agreement_url(w):
    return reverse("mhst_agreement_edit", args=[w.partnership.slug, w.school.pk, w.team.pk])


def test_school_page_shows_allocation_readiness_and_change_links_for_the_school_lead(client, world):
    readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "met", "Ms Lee is SMHL")
    sign_in(client, world.school_lead)
    text = page(client, school_url(world))
    assert "North MHST" in text
    assert "0.50" in text and ">5<" in text.replace(" ", "")  # 0.50 WTE is 5 sessions a week
    assert reverse("mhst_allocation", args=[world.partnership.slug, world.allocation.pk]) in text
    assert "1 of 10 items met" in text
    assert "Not ready" in text
    for code in ReadinessCode:
        assert code.description in text
    assert "Ms Lee is SMHL" in text
    assert world.school_lead.full_name in text
    assert text.count("Change<span") == 10
    assert item_url(world) in text
    assert "There is no agreement with North MHST yet" in text
    assert agreement_url(world) in text


def test_school_page_for_the_area_lead_has_no_change_links(client, world):
    sign_in(client, world.area_lead)
    text = page(client, school_url(world))
    assert "0 of 10 items met" in text
    assert item_url(world) not in text
    assert agreement_url(world) not in text


def test_school_page_shows_ready_when_all_ten_met(client, world):
    for code in ReadinessCode.values:
        readiness.update_item(world.partnership, world.school, code, world.manager, "met", "Seen")
    sign_in(client, world.manager)
    text = page(client, school_url(world))
    assert "10 of 10 items met" in text
    assert "Ready" in text and "Not ready" not in text


def test_school_page_without_allocation_says_so(client, world):
    sign_in(client, world.other_school_lead)
    text = page(client, school_url(world, world.other_school))
    assert "No team has an approved allocation to this school." in text
    assert "There is no agreement yet" in text


def test_school_page_shows_the_agreement_grouped_by_function_with_overdue_review(client, world):
    save_agreement(
        world.team,
        world.school,
        world.manager,
        palette=[world.groups, world.training],
        school_contact_name="Ms Lee",
        school_contact_role="Senior mental health lead",
        team_contact=world.practitioner,
        endorsed_by="Mr Head, headteacher",
        endorsed_on=today() - datetime.timedelta(days=400),
        review_on=today() - datetime.timedelta(days=1),
    )
    sign_in(client, world.school_lead)
    text = page(client, school_url(world))
    assert "Function 1: Delivering evidence-based interventions" in text
    assert text.index("CBT group for anxiety") < text.index("Function 2") < text.index("Staff training on low mood")
    assert "Ms Lee, Senior mental health lead" in text
    assert world.practitioner.name in text
    assert "Mr Head, headteacher" in text
    assert "Review overdue" in text
    assert "Change the agreement" in text


def test_readiness_item_form_saves_and_redirects(client, world):
    sign_in(client, world.school_lead)
    text = page(client, item_url(world, "accommodation"))
    assert ReadinessCode.ACCOMMODATION.description in text
    assert "no child's details" in text.lower() or "any child's details" in text
    response = client.post(item_url(world, "accommodation"), {"status": "met", "evidence": "Room 4 on Tuesdays"})
    assert response.status_code == 302
    assert response.url == school_url(world)
    item = ReadinessItem.objects.get(code="accommodation")
    assert item.confirmed_by == world.school_lead
    assert AuditEvent.objects.filter(object_type="mhst.readinessitem").count() == 1


def test_readiness_item_met_without_evidence_shows_the_error_summary(client, world):
    sign_in(client, world.manager)
    response = client.post(item_url(world), {"status": "met", "evidence": " "})
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "There is a problem" in text
    assert "Enter the evidence that this item is met" in text
    assert not ReadinessItem.objects.exists()


@pytest.mark.parametrize("data", [{}, {"status": "done"}, {"status": "<script>", "evidence": "x" * 3000}])
def test_readiness_item_bad_input_is_an_error_not_a_500(client, world, data):
    sign_in(client, world.school_lead)
    response = client.post(item_url(world), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not ReadinessItem.objects.exists()


def test_agreement_form_groups_the_active_offer_and_saves(client, world):
    OfferItem.objects.create(team=world.team, function=3, title="Retired clinic", is_active=False)
    sign_in(client, world.school_lead)
    text = page(client, agreement_url(world))
    assert "Function 1: Delivering evidence-based interventions" in text
    assert "CBT group for anxiety" in text and "Staff training on low mood" in text
    assert "Their parent group" not in text and "Retired clinic" not in text
    response = client.post(
        agreement_url(world),
        {
            "palette_1": [world.groups.pk],
            "palette_2": [world.training.pk],
            "school_contact_name": "Ms Lee",
            "team_contact": world.practitioner.pk,
            "endorsed_on": today().isoformat(),
            "review_on": (today() + datetime.timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert set(agreement.palette.all()) == {world.groups, world.training}
    assert agreement.updated_by == world.school_lead


def test_agreement_form_refuses_another_teams_offer_and_a_future_endorsement(client, world):
    sign_in(client, world.manager)
    response = client.post(
        agreement_url(world),
        {
            "palette_1": [world.theirs.pk],
            "endorsed_on": (today() + datetime.timedelta(days=3)).isoformat(),
            "review_on": "not a date",
            "school_contact_email": "nope",
        },
    )
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert "There is a problem" in text
    assert "Select the support from the team's current offer" in text
    assert "Enter the review date" in text
    assert "Enter an email address in the correct format" in text
    response = client.post(agreement_url(world), {"endorsed_on": (today() + datetime.timedelta(days=3)).isoformat()})
    assert "must be today or in the past" in html.unescape(response.content.decode())
    assert not Agreement.objects.exists()


def _allocated_schools(world, n):
    schools = []
    for i in range(n):
        school = OrganisationFactory(name=f"Academy {i:02d}")
        PartnershipOrganisationFactory(partnership=world.partnership, organisation=school)
        schools.append(school)
    return schools


def test_overview_sorts_fewest_met_first_filters_and_shows_review_dates(client, world):
    a, b = _allocated_schools(world, 2)
    approved(world.other_team, {a: "0.30", b: "0.30"}, by=world.area_lead)
    for code in ReadinessCode.values:
        readiness.update_item(world.partnership, a, code, world.other_manager, "met", "Seen")
    readiness.update_item(world.partnership, b, "named_lead", world.other_manager, "met", "Seen")
    save_agreement(world.team, world.school, world.manager, review_on=datetime.date(2031, 7, 1))
    sign_in(client, world.area_lead)
    url = reverse("mhst_readiness", args=[world.partnership.slug])
    text = page(client, url)
    # world.school 0 met, b 1 met, a 10 met
    assert text.index(world.school.name) < text.index("Academy 01") < text.index("Academy 00")
    assert "0 of 10" in text and "1 of 10" in text and "10 of 10" in text
    assert "1 July 2031" in text
    ready = page(client, url + "?status=ready")
    assert "Academy 00" in ready and "Academy 01" not in ready and world.school.name not in ready
    not_ready = page(client, url + "?status=not-ready")
    assert "Academy 00" not in not_ready and "Academy 01" in not_ready
    assert "Academy 00" in page(client, url + "?status=junk")  # unknown filter: all


def test_overview_for_a_manager_shows_only_their_teams_schools(client, world):
    (a,) = _allocated_schools(world, 1)
    approved(world.other_team, {a: "0.30"}, by=world.area_lead)
    sign_in(client, world.manager)
    text = page(client, reverse("mhst_readiness", args=[world.partnership.slug]))
    assert world.school.name in text
    assert "Academy 00" not in text


def test_overview_empty_state_and_ready_filter_empty(client, world):
    sign_in(client, world.other_manager)
    url = reverse("mhst_readiness", args=[world.partnership.slug])
    assert "No school has a share of an approved allocation yet" in page(client, url)
    client.logout()
    sign_in(client, world.manager)
    assert "No allocated school is ready." in page(client, url + "?status=ready")


def test_overview_is_paginated(client, world):
    schools = _allocated_schools(world, 30)
    approved(world.other_team, dict.fromkeys(schools, "0.03"), by=world.area_lead)
    sign_in(client, world.steering)
    url = reverse("mhst_readiness", args=[world.partnership.slug])
    first = page(client, url)
    assert "31 school allocations" in first
    assert "?page=2" in first
    second = page(client, url + "?page=2")
    assert second.count('class="nhsuk-table__row"') == 6
