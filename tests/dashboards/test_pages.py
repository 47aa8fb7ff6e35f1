"""The dashboard pages: what each user may open, the panels with disclosure control applied,
charts beside accessible tables, downloads and the board pack form carrying the filters, filter
errors shown (never a 500), and a query count that does not grow with the rows."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership import disclosure
from partnership.dashboards.filters import default_period
from partnership.figures import Level
from partnership.roles import Permission

from ..conftest import sign_in
from ..factories import MembershipFactory, OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory
from .conftest import FakeCompute

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(response.content.decode()))


def cells(response) -> list[str]:
    """Every table cell's text, tags stripped (the visually hidden words kept)."""
    html = response.content.decode()
    found = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, flags=re.S)
    return [re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", c))).strip() for c in found]


def get(client, user, name, *args, **params):
    sign_in(client, user)
    return client.get(reverse(name, args=list(args)), params)


# --- what a user may open ------------------------------------------------------------------------


def test_dashboard_home_goes_straight_to_the_only_dashboard(client, people, panels):
    response = get(client, people.lead, "dashboard_home")
    assert response.status_code == 302
    assert response.url == reverse("dashboard", args=["own"])


def test_dashboard_home_lists_each_partnership_and_the_commissioned_total(client, people, panels):
    response = get(client, people.commissioner, "dashboard_home")
    assert response.status_code == 200
    page = text(response)
    assert "Your 2 partnerships together" in page
    assert reverse("dashboard_area", args=["commissioned"]) in page
    assert reverse("dashboard", args=["own"]) in page and reverse("dashboard", args=["other"]) in page
    assert "England (all partnerships)" not in page


def test_dashboard_home_offers_the_national_dashboard_to_a_national_reader(client, people, panels):
    response = get(client, people.national, "dashboard_home")
    assert response.status_code == 302 and response.url == reverse("dashboard_area", args=["national"])
    MembershipFactory(user=people.national, partnership=people.partnership, commissioner=True)
    client.logout()
    page = text(get(client, people.national, "dashboard_home"))
    assert reverse("dashboard_area", args=["national"]) in page and reverse("dashboard", args=["own"]) in page


def test_dashboard_home_refuses_a_user_who_reads_no_dashboard(client, people, panels):
    assert get(client, people.reader, "dashboard_home").status_code == 403


def test_partnership_dashboard_access(client, people, panels):
    panels()
    assert get(client, people.lead, "dashboard", "own").status_code == 200
    client.logout()
    assert get(client, people.reader, "dashboard", "own").status_code == 403
    client.logout()
    assert get(client, people.outsider, "dashboard", "own").status_code == 404
    client.logout()
    assert get(client, people.national, "dashboard", "own").status_code == 404  # national reads no partnership page


def test_area_dashboards_access(client, people, panels):
    panels()
    assert get(client, people.lead, "dashboard_area", "commissioned").status_code == 200
    assert get(client, people.lead, "dashboard_area", "national").status_code == 404
    client.logout()
    assert get(client, people.reader, "dashboard_area", "commissioned").status_code == 403
    assert get(client, people.reader, "dashboard_area", "national").status_code == 404
    client.logout()
    assert get(client, people.national, "dashboard_area", "national").status_code == 200
    assert get(client, people.national, "dashboard_area", "commissioned").status_code == 403


# --- the figures ---------------------------------------------------------------------------------


def test_partnership_dashboard_shows_disclosed_figures_chart_table_and_footnote(client, people, panels):
    compute = panels()
    response = get(client, people.lead, "dashboard", "own", **{"from": "2025-04", "to": "2026-03"})
    assert response.status_code == 200
    page = text(response)
    scope, filters = compute.calls[0]
    assert scope.level == Level.PARTNERSHIP and scope.partnership_ids == (people.partnership.pk,)
    assert (filters.start.isoformat(), filters.end.isoformat()) == ("2025-04-01", "2026-03-31")
    assert "<h1>Ashby CYP Mental Health Partnership</h1>" in page
    assert "April 2025 to March 2026" in page
    found = cells(response)
    # Count(3) -> *, Count(12) -> 10, the total 15 -> 15; never the raw 3 or 12
    assert "* (not shown: a small number)" in found
    assert "10" in found and "15" in found
    assert "3" not in found and "12" not in found
    assert "* means a small number" in page
    assert disclosure.FOOTNOTE in page
    # the percentage is built on the rounded numbers: 10 of 30 -> 33.3%; 3 of 30 is built on 1-7 -> *
    assert "33.3%" in found and "13 days" in found
    # RAG written as a word, in a tag
    assert re.search(r'nhsuk-tag--green"\s*>\s*Green', response.content.decode())
    assert "Figures last refreshed at 14 March 2026, 09:30" in page
    assert "Note: A note." in page
    # an accessible table: caption and scoped headers
    assert '<caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Referrals by month</caption>' in page
    assert '<th scope="col"' in page and '<th scope="row"' in page
    # a chart with a title, a description, and the suppressed month as a labelled gap
    svg = re.search(r'<svg[^>]*class="app-chart".*?</svg>', page).group(0)
    assert 'aria-labelledby="chart-flow-volume-title chart-flow-volume-desc"' in svg
    assert "Month 1: not shown (small number)" in svg
    assert 'stroke-dasharray="3 3"><title>Month 1: not shown (small number)</title>' in svg
    assert ">Month 1: *<" not in svg and ">Month 1: 0<" not in svg
    assert 'style="' not in response.content.decode()  # the CSP forbids inline styles


def test_national_reader_sees_the_numbers_as_they_are(client, people, panels):
    panels()
    response = get(client, people.national, "dashboard_area", "national")
    found = cells(response)
    assert "3" in found and "12" in found and "15" in found
    assert "*" not in "".join(found)
    assert "England (all partnerships)" in text(response)


def test_commissioned_dashboard_adds_the_partnerships_together(client, people, panels):
    compute = panels()
    response = get(client, people.commissioner, "dashboard_area", "commissioned")
    assert response.status_code == 200
    scope = compute.calls[0][0]
    assert scope.level == Level.COMMISSIONER
    assert set(scope.partnership_ids) == {people.partnership.pk, people.other.pk}
    assert "Your 2 partnerships together" in text(response)
    assert "* (not shown: a small number)" in cells(response)


def test_panels_need_their_permission_in_every_partnership_of_the_scope(client, people, panels):
    panels("flow", "Referral flow")
    panels("cascade", "CASCADE progress", permission=Permission.VIEW_CASCADE_RESULTS, order=20)
    duty = text(get(client, people.duty_lead, "dashboard", "own"))
    assert "Referral flow" in duty and "CASCADE progress" not in duty
    client.logout()
    assert "CASCADE progress" in text(get(client, people.lead, "dashboard", "own"))


def test_downloads_and_board_pack_carry_the_filters(client, people, panels):
    panels()
    school = OrganisationFactory(name="Ash Primary")
    PartnershipOrganisationFactory(partnership=people.partnership, organisation=school)
    response = get(client, people.lead, "dashboard", "own", **{"from": "2025-04", "to": "2026-03", "school": school.pk})
    page = response.content.decode()
    query = f"?from=2025-04&amp;to=2026-03&amp;school={school.pk}"
    assert f'href="{reverse("dashboard_panel_export", args=["own", "flow", "csv"])}{query}"' in page
    assert f'href="{reverse("dashboard_panel_export", args=["own", "flow", "xlsx"])}{query}"' in page
    form = re.search(r'<form method="post" action="([^"]+)".*?</form>', page, flags=re.S)
    assert form.group(1) == reverse("dashboard_board_pack", args=["own"])
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    for name, value in {"from": "2025-04", "to": "2026-03", "phase": "", "school": str(school.pk)}.items():
        assert f'<input type="hidden" name="{name}" value="{value}">' in form.group(0)
    assert "Ash Primary only" in text(response)
    assert reverse("partnership_detail", args=["own"]) in page  # back to the partnership


def test_no_download_links_without_the_export_permission(client, people, panels):
    panels()
    response = get(client, people.duty_lead, "dashboard", "own")
    assert response.status_code == 200
    assert ".csv?" not in response.content.decode()


def test_area_board_pack_form_posts_to_the_area_url(client, people, panels):
    panels()
    page = get(client, people.commissioner, "dashboard_area", "commissioned").content.decode()
    assert f'action="{reverse("dashboard_area_board_pack", args=["commissioned"])}"' in page
    assert f'href="{reverse("dashboard_area_export", args=["commissioned", "flow", "csv"])}?from=' in page


def test_only_an_area_lead_may_filter_by_school(client, people, panels):
    panels()
    assert re.search(r'<select[^>]*name="school"', get(client, people.lead, "dashboard", "own").content.decode())
    client.logout()
    for args in (("dashboard", "own"), ("dashboard_area", "commissioned")):
        page = get(client, people.commissioner, *args).content.decode()
        assert "Show figures" in page and not re.search(r'<select[^>]*name="school"', page)


@pytest.mark.parametrize(
    "params",
    [
        {"from": "April"},
        {"from": "2026-13"},
        {"from": "2026-04", "to": "2026-01"},
        {"from": "2020-01", "to": "2026-01"},
        {"phase": "Nursery of nonsense"},
        {"school": "999999"},
        {"school": "x"},
        {"from": "\x00"},
    ],
)
def test_bad_filters_show_an_error_summary_and_no_figures(client, people, panels, params):
    compute = panels()
    response = get(client, people.lead, "dashboard", "own", **params)
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert "<title>Error: " in page
    assert compute.calls == []
    assert "Referrals by month" not in page
    assert "Request the PDF board pack" not in page


def test_filter_form_reads_and_shows_the_short_names(client, people, panels):
    panels()
    page = get(client, people.lead, "dashboard", "own", **{"from": "2025-04", "phase": "Primary"}).content.decode()
    assert re.search(r'<input[^>]*name="from"[^>]*value="2025-04"', page)
    assert 'name="to"' in page and 'name="start"' not in page


def test_the_inputs_show_the_period_in_force(client, people, panels):
    panels()
    page = get(client, people.lead, "dashboard", "own").content.decode()
    start, end = default_period()
    assert re.search(rf'<input[^>]*name="from"[^>]*value="{start:%Y-%m}"', page)
    assert re.search(rf'<input[^>]*name="to"[^>]*value="{end:%Y-%m}"', page)


def test_empty_dashboard_says_so(client, people, panels):
    page = text(get(client, people.lead, "dashboard", "own"))
    assert "There are no figures you may see on this dashboard yet." in page
    assert disclosure.FOOTNOTE in page


def test_a_panel_computed_live_says_so(client, people, panels):
    panels(compute=FakeCompute(refreshed_at=None))
    assert "Figures computed when you opened this page" in text(get(client, people.lead, "dashboard", "own"))


# --- query discipline ----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_dashboard_query_count_does_not_grow_with_the_rows(client, people, panels):
    """The fake panel makes one query returning one row per school: the page adds a fixed number."""
    panels(compute=FakeCompute(rows_from_schools=True))
    panels("flow2", "Second", compute=FakeCompute(rows_from_schools=True), order=20)
    sign_in(client, people.lead)
    url = reverse("dashboard", args=["own"])
    for _ in range(2):
        PartnershipOrganisationFactory(partnership=people.partnership)
    few = _queries(client, url)
    for _ in range(40):
        PartnershipOrganisationFactory(partnership=people.partnership)
    many = _queries(client, url)
    assert many == few
    assert text(client.get(url)).count('<tr class="nhsuk-table__row">') > 80


def test_commissioned_dashboard_query_count_does_not_grow_with_the_partnerships(client, people, panels):
    panels(compute=FakeCompute(rows_from_schools=True))
    sign_in(client, people.commissioner)
    url = reverse("dashboard_area", args=["commissioned"])
    two = _queries(client, url)
    for _ in range(3):
        extra = PartnershipFactory()
        MembershipFactory(user=people.commissioner, partnership=extra, commissioner=True)
        PartnershipOrganisationFactory(partnership=extra)
    assert _queries(client, url) == two


def test_national_dashboard_query_count_does_not_grow_with_the_rows(client, people, panels):
    panels(compute=FakeCompute(rows_from_schools=True))
    sign_in(client, people.national)
    url = reverse("dashboard_area", args=["national"])
    few = _queries(client, url)
    for _ in range(10):
        PartnershipOrganisationFactory(partnership=people.other)
        PartnershipOrganisationFactory(partnership=PartnershipFactory())
    assert _queries(client, url) == few
