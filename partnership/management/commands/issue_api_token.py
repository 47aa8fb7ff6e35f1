from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from partnership.services import audit
from partnership.services.tokens import TokenNotAllowed, issue_token


class Command(BaseCommand):
    help = "Issue an API token for a user and print it once. Only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--days", type=int, default=None, help="Days until the token expires (default from settings)."
        )

    def handle(self, *args, email, days, **options):
        user = get_user_model().objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the email address {email}.")
        if days is not None and not 1 <= days <= 365:
            raise CommandError("--days must be between 1 and 365.")
        try:
            instance, token = issue_token(user=user, by=audit.SYSTEM, days=days, via="manage.py issue_api_token")
        except TokenNotAllowed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
        self.stderr.write(f"Expires {instance.expiry:%Y-%m-%d %H:%M %Z}. It will not be shown again.")
