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
        from .registry import (
            DashboardPanel,
            NavItem,
            PartnershipSection,
            register_dashboard_panel,
            register_nav_item,
            register_partnership_section,
        )
        from .roles import Permission

        register_nav_item(NavItem("Home", "home", order=0))
        register_nav_item(NavItem("Partnership", "partnership_list", Permission.VIEW_PARTNERSHIP, order=10))
        register_nav_item(
            NavItem(
                "Dashboards",
                "dashboard_home",
                Permission.VIEW_DASHBOARDS,
                order=20,
                also_for=lambda user: user.reads_national_dashboard,
            )
        )
        register_nav_item(NavItem("API tokens", "api_tokens", Permission.USE_API, order=90))
        register_nav_item(NavItem("Your account", "account", order=95))
        register_partnership_section(
            PartnershipSection(
                heading="Dashboard",
                url_name="dashboard",
                description="CASCADE, referrals and waiting times, MHST and governance at a glance, with downloads "
                "and a PDF board pack. Small numbers are suppressed.",
                permission=Permission.VIEW_DASHBOARDS,
                order=5,
            )
        )
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
