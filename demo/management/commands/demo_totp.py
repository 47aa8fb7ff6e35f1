import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.personas import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current two-factor code for the demo personas (local only)."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("Demo personas do not exist here.")
        self.stdout.write(pyotp.TOTP(DEMO_TOTP_SECRET).now())
