from django.apps import AppConfig


class CascadeConfig(AppConfig):
    name = "cascade"
    verbose_name = "CASCADE self-assessment"

    def ready(self):
        from partnership.registry import PartnershipSection, register_partnership_section
        from partnership.roles import Permission

        register_partnership_section(
            PartnershipSection(
                heading="CASCADE self-assessment",
                url_name="cascade_home",
                description="Workshops, live table scoring, results and bands, progress between rounds.",
                permission=Permission.VIEW_CASCADE_RESULTS,
                order=50,
            )
        )
