from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "cascade"
    verbose_name = "CASCADE self-assessment"

    def ready(self):
        from partnership.registry import (
            DashboardPanel,
            PartnershipSection,
            register_dashboard_panel,
            register_partnership_section,
        )
        from partnership.roles import Permission

        from . import metrics

        register_partnership_section(
            PartnershipSection(
                heading="CASCADE self-assessment",
                url_name="cascade_home",
                description="Workshops, live table scoring, results and bands, progress between rounds.",
                permission=Permission.VIEW_CASCADE_RESULTS,
                order=50,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                key="cascade",
                title="CASCADE self-assessment",
                permission=Permission.VIEW_DASHBOARDS,
                compute=metrics.compute,
                order=10,
                description="The latest CASCADE total and band, and the change from round 1 to round 2 by domain.",
            )
        )
