"""The coverage and activity pages' figures for the demo data, against hand calculations from the
demo's own tables (demo/personas.py SCHOOLS, demo/mhst.py) and independent sums over the rows."""

from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse

from demo.personas import persona_email
from demo.seed import seed_demo
from mhst import metrics
from mhst.models import Activity
from partnership.models import User

pytestmark = pytest.mark.django_db

# Pupils of the 12 allocated schools (demo/personas.py SCHOOLS), by hand:
# North: Hillcrest 1180 + Riverside 412 + Castlegate 1420 + Harbourview 415 + Meadowbank 180 + Oakfield 240 = 3847
# South: Ashby 1650 + Brookside 96 + Lindley Park 460 + Greystones 870 + Kingsmead 1050 + Willow Lane 330 = 4456
COVERED_PUPILS = 3847 + 4456
# The 19 demo schools that are active members (Fenwick Moor Primary, 95 pupils, has lapsed):
# 412+1180+208+960+180+240+1420+96+48+3200+1650+330+415+1050+870+460+520+1120+1900
ALL_PUPILS = 16259


@pytest.fixture
def demo():
    return seed_demo()


def test_coverage_of_the_demo_schools(client, demo):
    figures = metrics.coverage(demo)
    assert (figures.total.schools, figures.total.covered) == (19, 12)
    assert (figures.total.pupils, figures.total.pupils_covered) == (ALL_PUPILS, COVERED_PUPILS)
    phases = {row.label: (row.schools, row.covered) for row in figures.phases}
    # Primary: Riverside, St Aidan's, Meadowbank, Oakfield, Willow Lane, Harbourview, Lindley Park
    # (7, Fenwick Moor lapsed); covered: all but St Aidan's (6).
    assert phases["Primary"] == (7, 6)
    # Secondary: Hillcrest, Grammar, Castlegate, Kingsmead, Greystones, St Cuthbert's (6); covered 4.
    assert phases["Secondary"] == (6, 4)
    client.force_login(User.objects.get(email=persona_email("commissioner")))
    page = client.get(reverse("mhst_coverage", kwargs={"slug": demo.slug})).content.decode()
    assert "63.2%" in page  # 12 of 19 schools
    assert "51.1%" in page  # 8,303 of 16,259 pupils


def test_capacity_against_allocation(demo):
    rows = {row.team.name: row for row in metrics.capacity_vs_allocation(demo)}
    for name in ("Northshire MHST North", "Northshire MHST South"):
        # EMHPs 1.00 + 0.80 + 1.00, supervisor 0.50, senior 0.40 = 3.70; trainee 1.00 apart.
        assert rows[name].qualified_wte == Decimal("3.70") and rows[name].trainee_wte == Decimal("1.00")
        assert rows[name].allocated_wte == Decimal("3.70") and rows[name].schools == 6


def test_activity_by_function_school_and_month(client, demo):
    start, end = metrics.default_period()
    summary = metrics.activity_summary(demo, start, end)
    rows = [a for a in Activity.objects.all() if start <= a.date <= end]
    by_function = Counter(a.function for a in rows)
    assert {row.key: row.sessions for row in summary.by_function} == {f: by_function.get(f, 0) for f in (1, 2, 3)}
    assert summary.total.sessions == len(rows)
    assert summary.total.minutes == sum(a.duration_minutes for a in rows)
    assert summary.total.children == sum(a.children_reached for a in rows)
    by_school = Counter(a.school.name for a in rows)
    assert {row.label: row.sessions for row in summary.by_school if row.sessions} == dict(by_school)
    by_month = Counter(a.date.strftime("%Y-%m") for a in rows)
    assert {row.key.strftime("%Y-%m"): row.sessions for row in summary.by_month if row.sessions} == dict(by_month)
    client.force_login(User.objects.get(email=persona_email("commissioner")))
    page = client.get(reverse("mhst_metrics", kwargs={"slug": demo.slug})).content.decode()
    assert f"{summary.total.children:,}" in page or str(summary.total.children) in page
