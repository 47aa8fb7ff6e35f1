from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals and the single point of access"

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
                heading="Referrals",
                url_name="referrals_home",
                description=(
                    "The single point of access: how to refer, SBARD referrals from schools, the duty rota and triage."
                ),
                order=60,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                "referrals",
                "Referrals and waiting times",
                Permission.VIEW_DASHBOARDS,
                compute=metrics.compute,
                order=20,
                description=(
                    "Referrals to the single point of access by month and school phase, triage outcomes, "
                    "THRIVE groupings, days to first contact and the four-week standard."
                ),
            )
        )
