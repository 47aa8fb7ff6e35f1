from django.apps import AppConfig


class MhstConfig(AppConfig):
    name = "mhst"
    verbose_name = "Mental Health Support Teams"

    def ready(self):
        from partnership.registry import (
            DashboardPanel,
            PartnershipSection,
            register_dashboard_panel,
            register_partnership_section,
        )
        from partnership.roles import Permission

        from . import dashboard

        register_partnership_section(
            PartnershipSection(
                heading="Mental Health Support Teams",
                url_name="mhst_home",
                description=(
                    "The partnership's MHSTs: capacity, need-based allocation to schools approved by the steering "
                    "group, school readiness and agreements, activity and coverage."
                ),
                order=70,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                key="mhst",
                title="Mental Health Support Teams",
                permission=Permission.VIEW_DASHBOARDS,
                compute=dashboard.compute,
                order=30,
                description=(
                    "Coverage of schools and pupils by phase, each team's capacity against its allocation, "
                    "and activity by function in the period."
                ),
            )
        )
