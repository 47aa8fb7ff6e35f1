from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and personas. Installed only outside production (config.settings.local)."""

    name = "demo"
    verbose_name = "Demo data (not installed in production)"
