"""A fake dashboard panel for the API and board pack tests: registered by monkeypatching
`partnership.registry._panels`, it records the scope and filters it was asked for and returns
figures whose disclosure is worked out by hand in the tests."""

import datetime

from django.utils import timezone

from partnership import registry
from partnership.figures import Chart, ChartKind, Count, Number, PanelFigures, Percent, Row, Statistic, Table, Text
from partnership.roles import Permission

REFRESHED = timezone.make_aware(datetime.datetime(2026, 4, 1, 6, 30))


class FakePanel:
    """compute(scope, filters): `rows` extra rows of 12 referrals each, after the hand-worked ones."""

    def __init__(self, rows: int = 0):
        self.rows = rows
        self.calls = []

    def __call__(self, scope, filters):
        self.calls.append((scope, filters))
        body = [
            Row("Primary", (Count(3), Count(2), Percent(2, 3), Statistic(13, 3, "days"), Text("Red"))),
            Row("Secondary", (Count(12), Count(8), Percent(8, 12), Statistic(21, 12, "days"), Text("Green"))),
            Row("Special", (Count(0), Count(0), Percent(0, 0), Statistic(None, 0, "days"), Text("Amber"))),
            *(
                Row(f"School {i}", (Count(12), Count(8), Percent(8, 12), Statistic(20, 12, "days"), Text("Green")))
                for i in range(self.rows)
            ),
        ]
        referrals = sum(row.cells[0].n for row in body)
        accepted = sum(row.cells[1].n for row in body)
        flow = Table(
            key="flow",
            title="Referrals by phase",
            columns=("Phase", "Referrals", "Accepted", "% accepted", "Median wait", "RAG"),
            rows=tuple(body),
            total=Row(
                "Total",
                (Count(referrals), Count(accepted), Percent(accepted, referrals), Statistic(19, 15, "days"), Text("")),
            ),
            description="Referrals received in the period.",
            chart=Chart(ChartKind.BAR, series=(1, 2)),
        )
        staff = Table(
            key="staff",
            title="Staff",
            columns=("Team", "WTE"),
            rows=(Row("North", (Number(2.5, "WTE"),)),),
        )
        return PanelFigures(tables=(flow, staff), refreshed_at=REFRESHED, notes=("Figures are made up.",))


def install(monkeypatch, *, rows: int = 0, permission=Permission.VIEW_DASHBOARDS, key: str = "fake") -> FakePanel:
    compute = FakePanel(rows)
    monkeypatch.setattr(registry, "_panels", {})
    registry.register_dashboard_panel(
        registry.DashboardPanel(key, "Fake referrals", permission, compute=compute, order=1, description="Made up.")
    )
    return compute
