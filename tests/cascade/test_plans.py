"""Planning an action at a workshop: it goes into the action log, linked to its domain, and shows
on the domain page and the round-2 results with its RAG; readers and commissioners get 403."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cascade.models import PlannedAction
from partnership.models import Action, Membership, Rag
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import member
from .factories_results import make_workshop, score_table
from .test_results_pages import text

pytestmark = pytest.mark.django_db


def owner_choice(cast):
    return Membership.objects.get(user=cast.reader, partnership=cast.partnership).pk


def form(cast, **overrides):
    return {
        "domain": "structures",
        "title": "Set up a termly joint planning meeting",
        "description": "Schools and CYPMHS together",
        "owner": owner_choice(cast),
        "due_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        **overrides,
    }


def url(cast, workshop, **params):
    base = reverse("cascade_plan_action", args=[cast.partnership.slug, workshop.pk])
    return base + ("?domain=" + params["domain"] if "domain" in params else "")


def test_a_facilitator_plans_an_action_that_goes_into_the_log(client, cast):
    workshop = make_workshop(cast.partnership, "North", 1)
    facilitator = member(cast.partnership, Role.FACILITATOR)
    sign_in(client, facilitator)
    page = client.get(url(cast, workshop, domain="structures"))
    assert page.status_code == 200
    assert re.search(r"<option value=\"structures\"\s+selected", page.content.decode())
    response = client.post(url(cast, workshop), form(cast))
    assert response.status_code == 302
    assert response.url == reverse("cascade_domain", args=[cast.partnership.slug, "structures"])
    plan = PlannedAction.objects.get()
    action = plan.action
    assert action.partnership == cast.partnership
    assert action.source == Action.Source.CASCADE_DOMAIN
    assert plan.domain.code == "structures" and plan.workshop == workshop
    assert action.owner == cast.reader and action.title == "Set up a termly joint planning meeting"
    # the domain page lists it with its RAG as a word and a link to the log
    body = client.get(response.url)
    assert reverse("action_detail", args=[cast.partnership.slug, action.pk]) in body.content.decode()
    assert f"{action.reference} Set up a termly joint planning meeting" in text(body)
    assert "Green" in text(body)


def test_round_two_results_show_each_domains_actions_with_their_rag(client, cast):
    first = make_workshop(cast.partnership, "North", 1)
    second = make_workshop(cast.partnership, "North", 2)
    score_table(first, "1", [1] * 7)
    score_table(second, "1", [2] * 7)
    sign_in(client, cast.lead)
    client.post(url(cast, first), form(cast, due_date=(timezone.localdate() + timedelta(days=3)).isoformat()))
    action = Action.objects.get()
    Action.objects.filter(pk=action.pk).update(due_date=date(2020, 1, 1))  # now overdue: red
    body = text(client.get(reverse("cascade_results", args=[cast.partnership.slug]), {"round": 2}))
    section = body.split("Actions planned by domain")[1]
    assert "S: Joint planning structures" in section
    assert f"{action.reference} Set up a termly joint planning meeting" in section
    assert Rag.RED.label in section
    # round 1 does not list them
    assert "Actions planned by domain" not in text(
        client.get(reverse("cascade_results", args=[cast.partnership.slug]), {"round": 1})
    )


@pytest.mark.parametrize("role", [Role.STEERING_MEMBER, Role.COMMISSIONER])
def test_readers_and_commissioners_may_not_plan(client, cast, role):
    workshop = make_workshop(cast.partnership)
    reader = member(cast.partnership, role)
    sign_in(client, reader)
    assert client.get(url(cast, workshop)).status_code == 403
    assert client.post(url(cast, workshop), form(cast)).status_code == 403
    assert not Action.objects.exists()


def test_a_facilitator_of_another_partnership_gets_404(client, cast):
    workshop = make_workshop(cast.partnership)
    sign_in(client, member(cast.other_partnership, Role.FACILITATOR))
    assert client.post(url(cast, workshop), form(cast)).status_code == 404
    assert not Action.objects.exists()


def test_form_errors_are_shown_in_the_error_summary(client, cast):
    workshop = make_workshop(cast.partnership)
    sign_in(client, cast.lead)
    response = client.post(url(cast, workshop), form(cast, domain="nonsense", title="", due_date="2001-01-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "Select the domain from the list" in html
    assert "Enter what will be done" in html
    assert "The due date must be today or in the future" in html
    assert not Action.objects.exists()


def test_an_owner_outside_the_partnership_is_refused(client, cast):
    workshop = make_workshop(cast.partnership)
    outsider_membership = Membership.objects.get(user=cast.outsider)
    sign_in(client, cast.lead)
    response = client.post(url(cast, workshop), form(cast, owner=outsider_membership.pk))
    assert response.status_code == 200
    assert "Select the owner from the list" in response.content.decode()
    assert not Action.objects.exists()
