"""Computing a dashboard: each registered panel's figures, disclosed, for a scope and filters.

This is the boundary DESIGN.md section 8 asks for: pages, CSV/XLSX downloads, the PDF board pack
and the metrics API all get their figures from `shown_panels`, which passes every table through
`partnership.disclosure.disclose` (suppressed below national level).
"""

import datetime
from dataclasses import dataclass

from .. import registry
from ..disclosure import ShownTable, disclose
from ..figures import Filters, Level, Scope


@dataclass(frozen=True)
class ShownPanel:
    key: str
    title: str
    description: str
    tables: tuple[ShownTable, ...]
    refreshed_at: datetime.datetime | None
    notes: tuple[str, ...]

    def table(self, key: str) -> ShownTable | None:
        return next((t for t in self.tables if t.key == key), None)


def panels_for(user, scope: Scope) -> list[registry.DashboardPanel]:
    """The panels the user may read at this scope: at partnership or commissioner level they must
    hold the panel's permission in every partnership of the scope; a national reader sees them all."""
    if scope.level == Level.NATIONAL:
        return registry.dashboard_panels() if user.reads_national_dashboard else []
    visible = []
    for panel in registry.dashboard_panels():
        if set(scope.partnership_ids) <= set(user.partnership_ids(panel.permission)):
            visible.append(panel)
    return visible


def shown_panel(panel: registry.DashboardPanel, scope: Scope, filters: Filters) -> ShownPanel:
    figures = panel.compute(scope, filters)
    return ShownPanel(
        key=panel.key,
        title=panel.title,
        description=panel.description,
        tables=tuple(disclose(table, national=scope.national) for table in figures.tables),
        refreshed_at=figures.refreshed_at,
        notes=figures.notes,
    )


def shown_panels(user, scope: Scope, filters: Filters, keys: list[str] | None = None) -> list[ShownPanel]:
    panels = panels_for(user, scope)
    if keys is not None:
        panels = [p for p in panels if p.key in keys]
    return [shown_panel(panel, scope, filters) for panel in panels]
