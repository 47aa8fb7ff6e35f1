from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership kernel and governance"

    def ready(self):
        from . import (
            auth,  # noqa: F401  (connects the sign-in audit receivers)
            metrics,
            signals,  # noqa: F401  (seeds the common risks of a new partnership)
        )
        from .registry import DashboardPanel, NavItem, register_dashboard_panel, register_nav_item
        from .roles import Permission

        register_nav_item(NavItem("Home", "home", order=0))
        register_nav_item(NavItem("Partnership", "partnership_list", Permission.VIEW_PARTNERSHIP, order=10))
        register_nav_item(NavItem("API tokens", "api_tokens", Permission.USE_API, order=90))
        register_nav_item(NavItem("Your account", "account", order=95))
        register_dashboard_panel(
            DashboardPanel(
                key="governance",
                title="Partnership governance",
                permission=Permission.VIEW_DASHBOARDS,
                compute=metrics.compute,
                order=40,
                description=(
                    "Actions by RAG and overdue actions, risks by rating, stale lead contacts, and memorandum of "
                    "understanding and terms of reference review dates."
                ),
            )
        )
