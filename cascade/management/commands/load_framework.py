import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cascade.services.framework import SHIPPED_FRAMEWORK, load_framework


class Command(BaseCommand):
    help = (
        "Load a CASCADE framework (levels, domains and per-level guidance) from a JSON file, by default the "
        "one shipped with the platform. Re-loading the same code and version updates it in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(SHIPPED_FRAMEWORK), help="Framework JSON file (default: the shipped one)."
        )
        parser.add_argument(
            "--not-current", action="store_true", help="Load without making it the current framework of its code."
        )

    def handle(self, *args, file, not_current, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{path} is not valid JSON: {error}") from None
        try:
            framework = load_framework(data, make_current=not not_current)
        except ValueError as error:
            raise CommandError(f"{path}: {error}") from None
        domains = framework.domains.count()
        current = "current" if framework.is_current else "not current"
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {framework.code} {framework.version}: {domains} domains, "
                f"guidance from {framework.guidance_source} ({current})."
            )
        )
