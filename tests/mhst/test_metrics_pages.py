"""The coverage and activity figures pages: the figures appear, the charts are valid SVG with a
title, empty states, bad GET parameters never a 500, CSV downloads audited."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from defusedxml import ElementTree as ET
from django.urls import reverse

from mhst import charts
from partnership.models.audit import AuditAction, AuditEvent
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import PartnershipFactory, member
from .factories import log_activity, make_world, today
from .test_coverage import fsm_only, offer
from .test_metrics_world import metrics_world

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
JAN, MAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)


def page(client, user, name, slug, **params):
    sign_in(client, user)
    return client.get(reverse(name, args=[slug]), params)


def svgs(html: str) -> list:
    found = [ET.fromstring(s) for s in re.findall(r'<svg[^>]*class="app-chart".*?</svg>', html, flags=re.S)]
    for svg in found:
        assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert title is not None and title.text
        assert svg.find(f"{SVG}desc") is not None
        ids = svg.get("aria-labelledby").split()
        assert ids == [title.get("id"), svg.find(f"{SVG}desc").get("id")]
    return found


def text(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def w():
    w = metrics_world()
    log_activity(w.team, w.school, w.practitioner, w.manager, date=datetime.date(2026, 1, 15), duration_minutes=50)
    log_activity(
        w.team,
        w.ash,
        w.practitioner,
        w.manager,
        date=datetime.date(2026, 3, 2),
        function=2,
        duration_minutes=90,
        children_reached=30,
        adults_reached=2,
    )
    return w


# --- coverage ------------------------------------------------------------------------------------


def test_coverage_page_shows_the_figures_and_charts(client, w):
    fsm_only(w)
    spring = offer(w.team, "Spring holiday", 10, 20, [w.school])
    html = text(page(client, w.commissioner, "mhst_coverage", w.partnership.slug).content.decode())
    assert "<strong>4</strong> of 7 schools covered (57.1%)" in html
    assert "<strong>850</strong> of 1,650 pupils (51.5%); pupils unknown at 1 school" in html
    assert "2 of 3 (66.7%)" in html and "600 of 1,300 (46.2%)" in html  # primary schools, secondary pupils
    assert "1.50 WTE (15.00 sessions a week); trainees 1.00 WTE" in html
    assert "1.70 WTE (17.00 sessions a week) to 4 schools" in html
    assert "Over-allocated by 0.20 WTE (2.00 sessions a week)" in html
    assert "Elm Primary" in html and "45.00" in html and "need score 45.00 or more" in html
    assert "top quarter of need" in html  # the rule is on the page
    assert f"not included in {spring.name}" in html and "Ash Primary" in html and "Beech Primary" in html
    assert "no current or upcoming holiday offer" in html  # South MHST, for Cedar Special
    found = svgs(html)
    assert len(found) == 2
    titles = [s.find(f"{SVG}title").text for s in found]
    assert titles == ["Schools covered by an MHST, by phase", "Qualified capacity and allocated time per team"]
    assert "Download coverage by phase as CSV" in html  # a commissioner may export


def test_coverage_page_empty_states(client):
    partnership = PartnershipFactory()
    lead = member(partnership, Role.AREA_LEAD)
    from partnership.models import Membership, Organisation, OrganisationKind

    Organisation.objects.filter(pk__in=Membership.objects.filter(user=lead).values("organisation_id")).update(
        kind=OrganisationKind.LOCAL_AUTHORITY
    )
    html = text(page(client, lead, "mhst_coverage", partnership.slug).content.decode())
    assert "The partnership has no member schools or colleges yet." in html
    assert "The partnership has no Mental Health Support Teams yet." in html
    assert "has not published an allocation method" in html
    assert "No school is covered yet" in html
    assert svgs(html) == []


def test_coverage_page_says_when_every_high_need_school_is_covered(client, w):
    fsm_only(w)
    from mhst.models import AllocationLine

    AllocationLine.objects.create(allocation=w.north_v2, school=w.elm, calculated_wte=Decimal("0.10"))
    html = text(page(client, w.area_lead, "mhst_coverage", w.partnership.slug).content.decode())
    assert "Every school in the top quarter of need has an MHST allocation." in html


def test_steering_member_reads_the_page_without_downloads(client, w):
    response = page(client, w.steering, "mhst_coverage", w.partnership.slug)
    assert response.status_code == 200
    assert "as CSV" not in response.content.decode()
    assert page(client, w.steering, "mhst_coverage", w.partnership.slug, download="coverage").status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def rows_of(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_coverage_csv_is_audited(client, w):
    response = page(client, w.commissioner, "mhst_coverage", w.partnership.slug, download="coverage")
    rows = rows_of(response)
    assert rows[0][:4] == ["Phase", "Schools", "Schools covered", "Schools covered (%)"]
    assert rows[-1] == ["All schools", "7", "4", "57.1", "1650", "850", "51.5", "1", "1"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == w.commissioner
    assert event.detail["export"] == "mhst_coverage" and event.detail["rows"] == 4


@pytest.mark.parametrize("table", ["capacity", "unmet_need", "holiday_gaps"])
def test_every_coverage_table_downloads(client, w, table):
    fsm_only(w)
    response = page(client, w.area_lead, "mhst_coverage", w.partnership.slug, download=table)
    assert response.status_code == 200 and len(rows_of(response)) >= 2


def test_coverage_unknown_download_is_404(client, w):
    assert page(client, w.area_lead, "mhst_coverage", w.partnership.slug, download="../etc").status_code == 404


# --- activity figures ----------------------------------------------------------------------------


def test_activity_page_shows_the_figures_and_charts(client, w):
    response = page(client, w.area_lead, "mhst_metrics", w.partnership.slug, start="2026-01-01", end="2026-03-31")
    html = text(response.content.decode())
    assert "<strong>2</strong> sessions, 2.3 hours, 31 children and 2 adults reached" in html
    assert "January 2026" in html and "February 2026" in html and "March 2026" in html
    assert "Alder Secondary" in html and "Ash Primary" in html
    found = svgs(html)
    titles = [s.find(f"{SVG}title").text for s in found]
    assert titles == [
        "Activity by function",
        "Activity by school",
        "Activity by month",
        "Readiness checklist items met by covered schools",
    ]
    assert "<strong>0</strong> of 4 covered schools ready (0.0%)" in html


def test_activity_page_for_one_team(client, w):
    html = text(
        page(
            client,
            w.commissioner,
            "mhst_metrics",
            w.partnership.slug,
            start="2026-01-01",
            end="2026-03-31",
            team=w.other_team.pk,
        ).content.decode()
    )
    assert "by South MHST" in html and "<strong>0</strong> sessions" in html
    assert "No activity was recorded in this period." in html


def test_activity_page_defaults_to_the_last_six_months(client, w):
    log_activity(w.team, w.school, w.practitioner, w.manager, date=today())
    html = text(page(client, w.area_lead, "mhst_metrics", w.partnership.slug).content.decode())
    assert "<strong>1</strong> session," in html
    assert today().strftime("%B %Y") in html


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"start": "junk"}, "Enter the start date as a real date"),
        ({"end": "2026-13-40"}, "Enter the end date as a real date"),
        ({"start": "2026-05-01", "end": "2026-01-01"}, "The end date must be the same as or after the start date"),
        ({"start": "2020-01-01", "end": "2026-01-01"}, "The period can be at most 3 years"),
        ({"start": "9999-12-01", "end": "9999-12-31"}, "Enter a date between 2000 and 2100"),
        ({"start": "0001-01-01"}, "Enter a date between 2000 and 2100"),
        ({"team": "abc"}, "Select a team from the list"),
        ({"team": "99999999999999999999"}, "Select a team from the list"),
        ({"team": ["1", "2"], "start": ["x", "y"]}, "Enter the start date"),
    ],
)
def test_bad_filters_are_errors_never_a_500(client, w, params, error):
    response = page(client, w.area_lead, "mhst_metrics", w.partnership.slug, **params)
    assert response.status_code == 200
    html = text(response.content.decode())
    assert "nhsuk-error-summary" in html and error in html
    assert "the last six months for all teams, until the filters are corrected" in html


def test_another_partnerships_team_cannot_be_chosen(client, w):
    other = make_world()
    log_activity(other.team, other.school, other.practitioner, other.manager, date=datetime.date(2026, 2, 1))
    response = page(
        client,
        w.area_lead,
        "mhst_metrics",
        w.partnership.slug,
        team=other.team.pk,
        start="2026-01-01",
        end="2026-03-31",
    )
    html = text(response.content.decode())
    assert "Select a team from the list" in html
    assert f'value="{other.team.pk}"' not in html
    assert f'value="{w.team.pk}"' in html


def test_activity_csv_is_audited(client, w):
    response = page(
        client,
        w.commissioner,
        "mhst_metrics",
        w.partnership.slug,
        download="by_function",
        start="2026-01-01",
        end="2026-03-31",
    )
    rows = rows_of(response)
    assert rows == [
        ["Function", "Sessions", "Hours", "Children reached", "Adults reached"],
        ["1. Evidence-based interventions", "1", "0.8", "1", "0"],
        ["2. Whole-school approach", "1", "1.5", "30", "2"],
        ["3. Advice and liaison", "0", "0.0", "0", "0"],
    ]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail == {
        "export": "mhst_by_function",
        "rows": 3,
        "from": "2026-01-01",
        "to": "2026-03-31",
        "team": None,
    }


@pytest.mark.parametrize("table", ["by_school", "by_month", "readiness"])
def test_every_activity_table_downloads(client, w, table):
    response = page(client, w.area_lead, "mhst_metrics", w.partnership.slug, download=table)
    assert response.status_code == 200 and rows_of(response)[0]


def test_activity_download_needs_the_export_permission(client, w):
    assert page(client, w.steering, "mhst_metrics", w.partnership.slug, download="by_month").status_code == 403
    assert page(client, w.manager, "mhst_metrics", w.partnership.slug, download="by_month").status_code == 403


def test_activity_page_empty_states(client):
    w = make_world()
    html = text(page(client, w.area_lead, "mhst_metrics", w.partnership.slug).content.decode())
    assert "No activity was recorded in this period." in html
    assert "No school had recorded activity in this period." in html
    assert "No school is covered by an approved allocation yet." in html
    assert svgs(html) == []


# --- the charts themselves -----------------------------------------------------------------------


def test_chart_text_is_escaped_and_the_svg_valid():
    chart = charts.bar_chart(
        title="<script>alert(1)</script> & co",
        description='"quoted" <b>',
        bars=[charts.Bar("<img src=x>", 3, "3 & more"), charts.Bar("Zero", 0, "0")],
        axis_label="Count",
    )
    svg = ET.fromstring(str(chart))
    assert svg.find(f"{SVG}title").text == "<script>alert(1)</script> & co"
    assert "<script>" not in str(chart)
    assert len(svg.findall(f"{SVG}rect")) == 1  # no bar for zero


@pytest.mark.parametrize(
    ("maximum", "step"), [(0, "1"), (0.4, "0.1"), (3, "1"), (7, "2"), (17, "5"), (230, "50"), (1650, "500")]
)
def test_nice_steps(maximum, step):
    assert charts.nice_step(maximum) == Decimal(step)
