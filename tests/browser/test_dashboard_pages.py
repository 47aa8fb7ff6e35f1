"""The dashboard page in headless Chromium at desktop and tablet (768 px) widths: the chart and
its table render, the suppressed value shows as *, the filters work, and axe finds no serious or
critical problem. Fake panels stand in for the apps' (tests/dashboards/conftest.py)."""

import pytest

from partnership.roles import Role

from ..dashboards.conftest import panels  # noqa: F401  (the fake panels fixture)
from ..factories import PartnershipFactory, member
from .conftest import axe_violations
from .conftest import sign_in_with_password as sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 768])
def test_the_dashboard_is_accessible(page, live_server, transactional_db, panels, width):  # noqa: F811
    panels()
    partnership = PartnershipFactory(slug="northshire", name="Northshire CYP Mental Health Partnership")
    lead = member(partnership, Role.AREA_LEAD, email="lead@northshire.example")
    page.set_viewport_size({"width": width, "height": 1000})
    base = live_server.url
    sign_in(page, base, lead.email)
    page.goto(f"{base}/dashboards/")
    page.wait_for_url(f"{base}/partnerships/northshire/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Northshire CYP Mental Health Partnership"
    assert page.get_by_role("img", name="Referrals by month").is_visible()
    table = page.get_by_role("table", name="Referrals by month")
    assert "*" in table.inner_text() and "10" in table.inner_text()
    assert axe_violations(page) == []
    page.get_by_label("From (month)").fill("April")
    page.get_by_role("button", name="Show figures").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("From (month)").fill("2025-04")
    page.get_by_label("To (month)").fill("2026-03")
    page.get_by_role("button", name="Show figures").click()
    assert "April 2025 to March 2026" in page.locator("main").inner_text()
    assert (
        page.get_by_role("link", name="Download Referral flow as CSV")
        .get_attribute("href")
        .endswith("?from=2025-04&to=2026-03")
    )
