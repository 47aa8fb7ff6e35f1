"""Fixtures for the dashboard pages and downloads: fake panels registered in place of the apps'.

`panels` empties the registry for the test (monkeypatching `partnership.registry._panels`) and
returns a function registering a fake panel. The default fake panel computes a fixed number of
queries (one) whatever the number of rows, and returns the figures the disclosure tests look for:
Count(3) (shown as * below national level) and Count(12) (shown as 10).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from partnership import registry
from partnership.figures import (
    Chart,
    ChartKind,
    Count,
    Number,
    PanelFigures,
    Percent,
    Row,
    Statistic,
    Table,
    Text,
)
from partnership.models import Organisation, Partnership, PartnershipOrganisation
from partnership.roles import Permission, Role

from ..factories import MembershipFactory, OrganisationFactory, PartnershipFactory, UserFactory, member

REFRESHED = datetime.datetime(2026, 3, 14, 9, 30, tzinfo=datetime.UTC)


@dataclass
class FakeCompute:
    """A panel's compute: records its calls, makes one query, returns `rows` month rows."""

    counts: list = field(default_factory=lambda: [3, 12])
    refreshed_at: datetime.datetime | None = REFRESHED
    extra_tables: tuple = ()
    calls: list = field(default_factory=list)
    rows_from_schools: bool = False  # one row per active member school (rows grow with the data)

    def __call__(self, scope, filters):
        self.calls.append((scope, filters))
        if self.rows_from_schools:
            names = list(
                Organisation.objects.filter(
                    partnerships__partnership_id__in=scope.partnership_ids,
                    partnerships__status=PartnershipOrganisation.Status.ACTIVE,
                )
                .order_by("name")
                .values_list("name", flat=True)
            )
            rows = tuple(Row(name, (Count(12),)) for name in names)
        else:
            Partnership.objects.filter(pk__in=scope.partnership_ids).count()  # the one query
            rows = tuple(Row(f"Month {n + 1}", (Count(c),)) for n, c in enumerate(self.counts))
        total = sum(c.cells[0].n for c in rows)
        volume = Table(
            key="volume",
            title="Referrals by month",
            columns=("Month", "Referrals"),
            rows=rows,
            description="Referrals received in each month of the period.",
            chart=Chart(ChartKind.BAR, (1,), "referrals"),
            total=Row("Total", (Count(total),)),
        )
        outcomes = Table(
            key="outcomes",
            title="Outcomes and waits",
            columns=("Measure", "Value", "RAG"),
            rows=(
                Row("Accepted", (Percent(12, 30), Text("Green"))),
                Row("Signposted", (Percent(3, 30), Text("Amber"))),
                Row("Median days to first contact", (Statistic(Decimal(13), 30, "days"), Text("Red"))),
                Row("Schools", (Number(42), Text("Complete"))),
            ),
            description="Shares of the referrals decided in the period.",
            chart=Chart(ChartKind.HBAR, (1,), "%"),
        )
        tables = (volume, outcomes, *self.extra_tables)
        return PanelFigures(tables=tables, refreshed_at=self.refreshed_at, notes=("A note.",))


@pytest.fixture
def panels(monkeypatch):
    monkeypatch.setattr(registry, "_panels", {})

    def add(key="flow", title="Referral flow", permission=Permission.VIEW_DASHBOARDS, compute=None, order=10):
        compute = compute or FakeCompute()
        registry.register_dashboard_panel(
            registry.DashboardPanel(key, title, permission, compute=compute, order=order, description=f"{title}.")
        )
        return compute

    return add


@dataclass
class People:
    partnership: object
    other: object
    lead: object  # area lead of `partnership`
    commissioner: object  # commissioner of `partnership` and `other`
    duty_lead: object  # VIEW_DASHBOARDS, no EXPORT_AGGREGATES
    reader: object  # steering member: no VIEW_DASHBOARDS
    outsider: object  # area lead of `other` only
    national: object  # a national dashboard reader, member of nothing


@pytest.fixture
def people(db) -> People:
    partnership = PartnershipFactory(slug="own", name="Ashby CYP Mental Health Partnership")
    other = PartnershipFactory(slug="other", name="Brook CYP Mental Health Partnership")
    commissioner = member(partnership, Role.COMMISSIONER, email="commissioner@icb.example")
    icb = OrganisationFactory(icb=True)
    MembershipFactory(user=commissioner, partnership=other, organisation=icb, commissioner=True)
    return People(
        partnership=partnership,
        other=other,
        lead=member(partnership, Role.AREA_LEAD, email="lead@own.example"),
        commissioner=commissioner,
        duty_lead=member(partnership, Role.DUTY_LEAD, totp=True, email="duty@own.example"),
        reader=member(partnership, Role.STEERING_MEMBER, email="reader@own.example"),
        outsider=member(other, Role.AREA_LEAD, email="lead@other.example"),
        national=UserFactory(email="analyst@england.example", reads_national_dashboard=True),
    )
