"""Where apps plug into the shell without the kernel importing them.

`partnership` imports none of `cascade`, `referrals` or `mhst`. Each app registers its navigation
items, the sections it adds to a partnership's page and its dashboard panels (each panel computes
its own figures: the metric provider) from its AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from .roles import Permission


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission | None = None
    order: int = 100
    staff_only: bool = False
    #: also shown to users without `permission` for whom this returns True (e.g. national readers)
    also_for: Callable | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PartnershipSection:
    """A section of the partnership page (`/partnerships/<slug>/`), linked by `url_name` reversed
    with the partnership's slug, shown to users holding `permission` in that partnership."""

    heading: str
    url_name: str
    description: str
    permission: Permission | None = None  # None: anyone who can see the partnership
    order: int = 100


@dataclass(frozen=True)
class DashboardPanel:
    """One panel of the dashboard, contributed by an app (DESIGN.md section 2).

    `compute(scope, filters)` returns the panel's raw figures (`partnership.figures.PanelFigures`)
    for a `figures.Scope` the dashboard has already checked the user may see, and `figures.Filters`.
    It must read rollups or small tables with a fixed number of queries (never scan raw referrals),
    and never return a child's details. The dashboard applies `partnership.disclosure` to every
    table before anything is shown, exported or returned by the API.
    """

    key: str
    title: str
    permission: Permission
    compute: Callable = field(compare=False)
    order: int = 100
    description: str = ""


_nav_items: dict[str, NavItem] = {}
_panels: dict[str, DashboardPanel] = {}
_sections: dict[str, PartnershipSection] = {}


def register_nav_item(item: NavItem) -> None:
    _nav_items[item.url_name] = item


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _panels[panel.key] = panel


def register_partnership_section(section: PartnershipSection) -> None:
    _sections[section.url_name] = section


def partnership_sections() -> list[PartnershipSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.heading))


def nav_items_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    visible = []
    for item in sorted(_nav_items.values(), key=lambda i: (i.order, i.label)):
        if item.staff_only and not user.is_staff:
            continue
        opened = item.permission is None or user.has_permission(item.permission)
        if not opened and not (item.also_for is not None and item.also_for(user)):
            continue
        visible.append({"text": item.label, "href": reverse(item.url_name)})
    return visible


def dashboard_panels() -> list[DashboardPanel]:
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


def dashboard_panel(key: str) -> DashboardPanel | None:
    return _panels.get(key)
