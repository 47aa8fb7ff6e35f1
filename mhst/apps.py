from django.apps import AppConfig


class MhstConfig(AppConfig):
    name = "mhst"
    verbose_name = "Mental Health Support Teams"
