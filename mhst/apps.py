from django.apps import AppConfig


class MhstConfig(AppConfig):
    name = "mhst"
    verbose_name = "Mental Health Support Teams"

    def ready(self):
        from partnership.registry import PartnershipSection, register_partnership_section

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
