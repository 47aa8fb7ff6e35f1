from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from partnership.models import Partnership
from partnership.services import gias


class Command(BaseCommand):
    help = (
        "Import the schools register from a Get Information About Schools establishment CSV "
        "(edubasealldataYYYYMMDD.csv), optionally with its links file, and optionally make the open "
        "establishments of one local authority members of a partnership. Re-running a file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The GIAS establishment CSV (latin-1).")
        parser.add_argument("--links", metavar="LINKS_FILE", help="The GIAS links CSV (academy conversions, mergers).")
        parser.add_argument("--partnership", metavar="SLUG", help="Partnership whose members the LA's schools become.")
        parser.add_argument("--la-code", metavar="CODE", help="3-digit local authority code (with --partnership).")

    def handle(self, *args, file, links, partnership, la_code, **options):
        if bool(partnership) != bool(la_code):
            raise CommandError("Give --partnership and --la-code together, or neither.")
        target = None
        if partnership:
            if len(la_code) != 3 or not (la_code.isascii() and la_code.isdigit()):
                raise CommandError(f"--la-code must be a 3-digit local authority code, not '{la_code}'.")
            target = Partnership.objects.filter(slug=partnership).first()
            if target is None:
                raise CommandError(f"No partnership has the slug '{partnership}'.")
        paths = [Path(file)] + ([Path(links)] if links else [])
        for path in paths:
            if not path.is_file():
                raise CommandError(f"No file at {path}.")
        try:
            with ExitStack() as files:
                opened = [files.enter_context(open(path, encoding=gias.ENCODING, newline="")) for path in paths]
                report = gias.import_gias(
                    establishments=opened[0],
                    file_name=paths[0].name,
                    links=opened[1] if links else None,
                    links_file_name=paths[1].name if links else "",
                    partnership=target,
                    la_code=la_code or "",
                )
        except gias.GiasFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
