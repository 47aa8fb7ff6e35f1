"""The CASCADE results pages in headless Chromium: the charts and tables render, and axe finds no
serious or critical problem, at desktop and tablet (768 px) widths."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cascade.services.plans import plan_action
from partnership.models import Membership
from partnership.roles import Role

from ..cascade.factories_results import make_workshop, score_table
from ..factories import PartnershipFactory, member
from .conftest import axe_violations
from .conftest import sign_in_with_password as sign_in


@pytest.fixture
def results(transactional_db):
    partnership = PartnershipFactory(slug="northshire", name="Northshire CYP Mental Health Partnership")
    lead = member(partnership, Role.AREA_LEAD, email="lead@northshire.example")
    for cohort, first, second in (("North", [1, 1, 2, 1, 0, 1, 2], [2, 2, 2, 2, 1, 2, 3]), ("South", [0] * 7, [1] * 7)):
        score_table(make_workshop(partnership, cohort, 1), "1", first, by=lead)
        workshop = make_workshop(partnership, cohort, 2)
        score_table(workshop, "1", second, by=lead)
    plan_action(
        workshop=workshop,
        by=lead,
        domain="clarity",
        title="Name a CYPMHS link for every school",
        owner=lead,
        owner_organisation=Membership.objects.get(user=lead).organisation,
        due_date=timezone.localdate() + timedelta(days=30),
    )
    return partnership, lead


@pytest.mark.parametrize("width", [1280, 768])
def test_the_results_pages_are_accessible(page, live_server, results, width):
    partnership, lead = results
    page.set_viewport_size({"width": width, "height": 1000})
    base = live_server.url
    sign_in(page, base, lead.email)
    page.goto(f"{base}/partnerships/{partnership.slug}/cascade/results/")
    assert page.get_by_role("heading", level=1).inner_text() == "CASCADE results"
    chart = page.get_by_role("img", name="Domain means, round 2")
    assert chart.is_visible()
    assert "Name a CYPMHS link for every school" in page.locator("main").inner_text()
    assert page.get_by_role("img", name="Change per domain from round 1 to round 2").is_visible()
    assert axe_violations(page) == []
    page.get_by_role("link", name="C: Clarity on roles and remit").first.click()
    assert page.get_by_role("heading", level=2, name="The next level").is_visible()
    assert axe_violations(page) == []
    page.goto(f"{base}/partnerships/{partnership.slug}/cascade/results/benchmarks/")
    assert axe_violations(page) == []
