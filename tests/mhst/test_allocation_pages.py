"""The allocation pages: proposing with visible workings, adjusting, the board's decision, and who
sees a proposal (never active, never shown to members before approval)."""

import pytest
from django.urls import reverse

from mhst.models import Allocation, AllocationStatus
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import PartnershipFactory, member
from .factories import approved, make_world, proposal, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def url(name, world, **kw):
    return reverse(name, kwargs={"slug": world.partnership.slug, **kw})


def test_the_manager_proposes_and_sees_the_workings(client, world):
    sign_in(client, world.manager)
    page = client.get(url("mhst_propose", world, team=world.team.pk))
    assert page.status_code == 200 and "Qualified capacity today: <strong>1.50 WTE</strong>" in page.content.decode()
    response = client.post(
        url("mhst_propose", world, team=world.team.pk),
        {
            "schools": [world.school.pk, world.other_school.pk],
            "effective_from": today().isoformat(),
            "rationale": "Need first.",
        },
    )
    allocation = Allocation.objects.get()
    assert response.status_code == 302 and response.url == url("mhst_allocation", world, pk=allocation.pk)
    page = client.get(response.url).content.decode()
    assert "Proposed: not active" in page
    assert "How each score was reached" in page and world.school.name in page
    assert "Total against capacity of 1.50 WTE" in page


def test_bad_proposals_show_errors_not_500(client, world):
    sign_in(client, world.manager)
    response = client.post(
        url("mhst_propose", world, team=world.team.pk), {"schools": ["999999", "x"], "effective_from": "31/02/2026"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Enter a real date" in body and "Explain the proposal" in body
    assert not Allocation.objects.exists()


def test_another_teams_manager_cannot_propose(client, world):
    sign_in(client, world.other_manager)
    assert client.get(url("mhst_propose", world, team=world.team.pk)).status_code == 403


def test_the_area_lead_records_the_decision_on_the_page(client, world):
    allocation = proposal(world.team, {world.school: "1.00"}, by=world.manager)
    sign_in(client, world.area_lead)
    page = client.get(url("mhst_allocation_decide", world, pk=allocation.pk))
    assert page.status_code == 200 and "Steering group" in page.content.decode()
    response = client.post(
        url("mhst_allocation_decide", world, pk=allocation.pk),
        {"meeting": world.meeting.pk, "outcome": "approve", "decision_text": "Approved as proposed.", "note": ""},
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.APPROVED
    page = client.get(url("mhst_allocation", world, pk=allocation.pk)).content.decode()
    assert "Approved: active" in page and "D0001" in page and "Approved as proposed." in page


def test_the_decision_form_refuses_a_meeting_not_held(client, world):
    from ..governance.factories import MeetingFactory

    allocation = proposal(world.team, {world.school: "1.00"}, by=world.manager)
    later = MeetingFactory(group=world.meeting.group)
    sign_in(client, world.steering)
    response = client.post(
        url("mhst_allocation_decide", world, pk=allocation.pk),
        {"meeting": later.pk, "outcome": "approve", "decision_text": "x"},
    )
    assert (
        response.status_code == 200
        and "Choose a steering group meeting that has been held" in response.content.decode()
    )
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_adjusting_on_the_page(client, world):
    allocation = proposal(world.team, {world.school: "1.00", world.other_school: "0.50"}, by=world.manager)
    line = allocation.lines.get(school=world.other_school)
    sign_in(client, world.manager)
    response = client.post(url("mhst_allocation_adjust", world, pk=line.pk), {"wte": "abc", "reason": "x"})
    assert response.status_code == 200 and "Enter the share as a number" in response.content.decode()
    response = client.post(url("mhst_allocation_adjust", world, pk=line.pk), {"wte": "0.30", "reason": "Smaller"})
    assert response.status_code == 302
    page = client.get(url("mhst_allocation", world, pk=allocation.pk)).content.decode()
    assert "Smaller" in page and "1.30 WTE" in page


@pytest.mark.parametrize("who", ["school_lead", "commissioner", "practitioner_user", "other_manager"])
def test_a_proposal_is_hidden_from_members_who_do_not_approve(client, world, who):
    allocation = proposal(world.team, {world.school: "1.00"}, by=world.manager)
    sign_in(client, getattr(world, who))
    assert client.get(url("mhst_allocation", world, pk=allocation.pk)).status_code == 404


@pytest.mark.parametrize("who", ["school_lead", "commissioner", "practitioner_user", "other_manager", "steering"])
def test_an_approved_allocation_and_its_rationale_are_published_to_members(client, world, who):
    allocation = approved(world.team, {world.school: "1.00"}, by=world.area_lead)
    sign_in(client, getattr(world, who))
    page = client.get(url("mhst_allocation", world, pk=allocation.pk))
    assert page.status_code == 200 and "Shared by need." in page.content.decode()


def test_another_partnership_sees_nothing(client, world):
    allocation = approved(world.team, {world.school: "1.00"}, by=world.area_lead)
    outsider = member(PartnershipFactory(), Role.AREA_LEAD)
    sign_in(client, outsider)
    assert client.get(url("mhst_allocation", world, pk=allocation.pk)).status_code == 404
    assert client.get(url("mhst_method", world)).status_code == 404


def test_the_method_page_publishes_weights_and_the_lead_publishes_a_version(client, world):
    sign_in(client, world.steering)
    page = client.get(url("mhst_method", world)).content.decode()
    assert "Version 1" in page and "Need first: deprivation and free school meals count most." in page
    assert "Publish a new version" not in page
    client.logout()
    sign_in(client, world.area_lead)
    bad = client.post(
        url("mhst_method_edit", world),
        {
            "pupils_weight": "x",
            "fsm_weight": "-1",
            "deprivation_weight": "101",
            "referral_rate_weight": "0",
            "readiness_weight": "0",
            "explanation": "",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "Enter the weight as a number" in body and "Enter a weight of 0 or more" in body
    zero = {f"{k}_weight": "0" for k in ("pupils", "fsm", "deprivation", "referral_rate", "readiness")}
    assert (
        "Give at least one indicator a weight above 0"
        in client.post(url("mhst_method_edit", world), {**zero, "explanation": "x"}).content.decode()
    )
    ok = client.post(url("mhst_method_edit", world), {**zero, "fsm_weight": "2", "explanation": "FSM only"})
    assert ok.status_code == 302
    assert "Version 2" in client.get(url("mhst_method", world)).content.decode()
