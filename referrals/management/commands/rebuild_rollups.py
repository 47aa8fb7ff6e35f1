from django.core.management.base import BaseCommand, CommandError

from partnership.models import Partnership
from referrals import rollups


class Command(BaseCommand):
    help = (
        "Rebuild the referral rollups the dashboards read (ReferralMonth, ReferralOpen) from the referrals, "
        "for every partnership or one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partnership", metavar="SLUG", help="Only this partnership (its slug).")

    def handle(self, *args, partnership=None, **options):
        ids = None
        if partnership:
            found = Partnership.objects.filter(slug=partnership).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No partnership with the slug {partnership!r}.")
            ids = [found]
        done = rollups.refresh(ids)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the referral rollups of {done.partnerships} partnership(s): {done.months} month rows, "
                f"{done.open} open-referral rows in {done.seconds:.2f} seconds."
            )
        )
