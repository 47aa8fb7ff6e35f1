from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals and the single point of access"

    def ready(self):
        from partnership.registry import PartnershipSection, register_partnership_section

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
