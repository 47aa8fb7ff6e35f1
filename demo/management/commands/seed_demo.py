from django.core.management.base import BaseCommand, CommandError

from demo.seed import DemoNotAllowed, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo partnership and one persona per role (never in production)."

    def handle(self, *args, **options):
        try:
            partnership = seed_demo()
        except DemoNotAllowed as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Demo data ready: {partnership.name}. Personas are listed in the README.")
