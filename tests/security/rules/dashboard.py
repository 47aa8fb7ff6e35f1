"""Access rules for the dashboard pages and the panel downloads.

- `dashboard_home`: the lead and the outsider each read one dashboard and are sent straight to it
  (302); the reader (a steering member) reads none: 403.
- `dashboard` (a partnership's): the reader lacks VIEW_DASHBOARDS (403), the outsider sees
  another partnership (404).
- `dashboard_area` is tested at "commissioned": anyone holding VIEW_DASHBOARDS somewhere reads
  the partnerships they hold it in added together (the outsider reads their own), the reader
  holds it nowhere (403). "national" (404 for all of the cast, who are not national readers) is
  tested in tests/dashboards/.
- The downloads name a real panel when the apps register one that VIEW_DASHBOARDS reads (200 for
  the lead, who may export), else an unknown panel (404 for the lead after every permission check
  passed); tests/dashboards/test_downloads.py covers every case with fake panels.
"""

from partnership import registry
from partnership.roles import Permission

from . import SIGN_IN

_PANEL = next((p.key for p in registry.dashboard_panels() if p.permission == Permission.VIEW_DASHBOARDS), None)
PANEL = _PANEL or "no-such-panel"
FOUND = 200 if _PANEL else 404

# VIEW_DASHBOARDS is held by the lead, the duty lead and the commissioner; EXPORT_AGGREGATES by the
# lead and the commissioner. The other members of P answer as the reader (no dashboards: 403); the
# other partnership's duty clinician reads no dashboard anywhere (403; but a partnership's dashboard
# looks the partnership up first: 404).
DEFAULTS = {"duty_lead": "lead", "commissioner": "lead", "foreign_duty": 403}
NO_EXPORT = {"duty_lead": 403}  # the duty lead reads dashboards but downloads no aggregates

RULES = {
    "dashboard_home": ("get", {"lead": 302, "reader": 403, "outsider": 302, "anonymous": SIGN_IN}),
    "dashboard": ("get", {"lead": 200, "reader": 403, "outsider": 404, "foreign_duty": 404, "anonymous": SIGN_IN}),
    "dashboard_panel_export": (
        "get",
        {"lead": FOUND, "reader": 403, "outsider": 404, "foreign_duty": 404, "anonymous": SIGN_IN, **NO_EXPORT},
    ),
    "dashboard_area": ("get", {"lead": 200, "reader": 403, "outsider": 200, "anonymous": SIGN_IN}),
    "dashboard_area_export": (
        "get",
        {"lead": FOUND, "reader": 403, "outsider": FOUND, "anonymous": SIGN_IN, **NO_EXPORT},
    ),
}


def args(name, cast):
    if name not in RULES:
        return None
    if name == "dashboard_home":
        return []
    if name == "dashboard":
        return [cast.partnership.slug]
    if name == "dashboard_panel_export":
        return [cast.partnership.slug, PANEL, "csv"]
    if name == "dashboard_area":
        return ["commissioned"]
    return ["commissioned", PANEL, "xlsx"]
