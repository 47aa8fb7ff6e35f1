import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from demo.scale import ScaleDataRefused, generate
from demo.scale.world import Options


class Command(BaseCommand):
    help = (
        "Generate national-scale synthetic data with COPY (42 ICBs, ~150 partnerships, ~24,000 schools, CASCADE, "
        "MHSTs, N referrals over five years) into a fresh database (never in production)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--referrals", type=int, required=True, help="How many referrals (e.g. 1000000).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--partnerships", type=int, default=150)
        parser.add_argument("--schools", type=int, default=24_000)
        parser.add_argument("--icbs", type=int, default=42)
        parser.add_argument("--no-history", action="store_true", help="Leave out the referrals' status history.")
        parser.add_argument(
            "--password", default=None, help="The bench password every generated user signs in with (hashed once)."
        )
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=None, help="The day the data ends (default today)."
        )

    def handle(self, *args, **options):
        settings_password = __import__("django.conf", fromlist=["settings"]).settings.DEMO_PASSWORD
        chosen = Options(
            referrals=options["referrals"],
            seed=options["seed"],
            partnerships=options["partnerships"],
            schools=options["schools"],
            icbs=options["icbs"],
            history=not options["no_history"],
            password=options["password"] or settings_password or None,
        )
        started = time.perf_counter()
        try:
            report = generate(chosen, as_of=options["as_of"], say=self.stdout.write)
        except ScaleDataRefused as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started
        m = report["measured"]
        mix = ", ".join(f"{name} {share:.1%}" for name, share in m["mix"].items())
        self.stdout.write(f"Total {seconds:.1f} s; {chosen.referrals / seconds:,.0f} referrals/s overall")
        self.stdout.write(f"Written: {report['written']}")
        self.stdout.write(f"Outcome mix (SQL): {mix}; urgent {m['urgent']:.1%}")
        self.stdout.write(f"Days to first contact (SQL): median {m['median']}, 90th percentile {m['p90']}")
