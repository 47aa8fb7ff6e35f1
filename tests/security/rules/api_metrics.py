"""Access rules for the metrics API (see __init__.py for the shape).

Anyone who reads dashboards may call it (the area lead, and the outsider for their own partnership:
without a scope the panel is computed for the caller's own partnerships); the steering member reads
no dashboards: 403. Another partnership's figures are a 404 (tests/dashboards/test_api.py).
"""

from partnership import registry
from partnership.figures import PanelFigures
from partnership.roles import Permission, Role

# As the dashboards (dashboard.py): the duty lead and the commissioner read them, the other
# partnership's duty clinician reads none anywhere.
DEFAULTS = {"duty_lead": "lead", "commissioner": "lead", "foreign_duty": 403}

RULES = {
    "api_metrics": ("get", {"lead": 200, "reader": 403, "outsider": 200, "anonymous": 401}),
    "api_metrics_panel": ("get", {"lead": 200, "reader": 403, "outsider": 200, "anonymous": 401}),
}
PUBLIC = set()
FALLBACK = "access-check"


def _panel_key() -> str:
    """A registered panel an area lead may read; until apps register theirs, an empty one."""
    for panel in registry.dashboard_panels():
        if panel.permission in Role.AREA_LEAD.info.permissions:
            return panel.key
    registry.register_dashboard_panel(
        registry.DashboardPanel(
            FALLBACK,
            "Access check",
            Permission.VIEW_DASHBOARDS,
            compute=lambda scope, filters: PanelFigures(tables=()),
            order=999,
        )
    )
    return FALLBACK


def args(name, cast):
    if name == "api_metrics_panel":
        return [_panel_key()]
    if name in RULES:
        return []
    return None
