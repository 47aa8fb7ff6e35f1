"""The demo MHSTs (issue 6 item 10): two teams with practitioners, allocations to 12 demo schools
approved at a steering group meeting, mixed readiness, six months of activity; idempotent."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from demo.mhst import NORTH_SCHOOLS, READINESS, SOUTH_SCHOOLS
from demo.seed import seed_demo
from mhst.models import Activity, Allocation, AllocationStatus, Practitioner, ReadinessItem, Team
from mhst.services.capacity import capacity
from partnership.models import Group, Meeting

pytestmark = pytest.mark.django_db


def mhst_counts():
    return (
        Team.objects.count(),
        Practitioner.objects.count(),
        Allocation.objects.count(),
        ReadinessItem.objects.count(),
        Activity.objects.count(),
    )


def test_two_teams_with_approved_allocations_to_twelve_schools():
    partnership = seed_demo()
    teams = Team.objects.filter(partnership=partnership)
    assert teams.count() == 2
    schools = set()
    for team in teams:
        allocation = team.allocations.get()
        assert allocation.status == AllocationStatus.APPROVED
        assert allocation.meeting.group.kind == Group.Kind.STEERING
        assert allocation.meeting.status == Meeting.Status.HELD
        assert allocation.decision.meeting == allocation.meeting
        # 3 EMHPs (1.00 + 0.80 + 1.00) + supervisor 0.50 + senior 0.40 = 3.70; trainee and admin excluded.
        assert capacity(team, timezone.localdate()).qualified_wte == allocation.capacity_wte == Decimal("3.70")
        assert sum(line.share_wte for line in allocation.lines.all()) == allocation.capacity_wte
        schools |= set(allocation.lines.values_list("school__name", flat=True))
    assert schools == set(NORTH_SCHOOLS) | set(SOUTH_SCHOOLS) and len(schools) == 12


def test_readiness_is_mixed_and_activity_covers_six_months():
    seed_demo()
    met = {name: ReadinessItem.objects.filter(school__name=name, status="met").count() for name in READINESS}
    assert met == READINESS
    assert 0 < sum(1 for n in met.values() if n == 10) < len(met)
    first = Activity.objects.order_by("date").first().date
    assert timezone.localdate() - first >= datetime.timedelta(days=175)
    assert not Activity.objects.filter(date__gt=timezone.localdate()).exists()


def test_seeding_twice_adds_nothing():
    seed_demo()
    first = mhst_counts()
    seed_demo()
    assert mhst_counts() == first
