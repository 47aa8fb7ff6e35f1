from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cascade.services.imports import import_scores
from partnership.services import audit


class Command(BaseCommand):
    help = (
        "Import CASCADE table scores from a CSV file with the header partnership,cohort,round,table,domain,score "
        "(optionally note and held_on), for any partnership, creating cohorts, workshops and tables as needed. "
        "All or nothing: if any row is wrong, nothing is imported and every problem is listed by line. "
        "Importing the same file again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (UTF-8, with or without a byte order mark).")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        report = import_scores(path.read_bytes(), by=audit.SYSTEM, via="manage.py import_cascade_scores")
        if not report.imported:
            raise CommandError(f"{path}: " + "\n".join(report.lines()))
        for line in report.lines():
            self.stdout.write(line)
