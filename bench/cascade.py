"""CASCADE at national scale: importing table scores from CSV, and computing partnership results.

`benchmark()` builds 150 partnerships, writes a CSV of 4 cohorts x 2 rounds x 6 tables x 7 domains
for each (50,400 rows), imports it (seconds, rows per second), imports it again unchanged (the
ratio to the first import), then computes every partnership's round 1 result
(cascade.queries.partnership_result) against a trivial baseline query on the same rows (one
partnership's scores, counted). All inside one transaction that is rolled back.

Run alone with `.venv/bin/python bench/cascade.py`; `bench/run.py` runs it too.
"""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import transaction  # noqa: E402

from bench.timing import median_seconds  # noqa: E402
from cascade.models import DomainScore  # noqa: E402
from cascade.queries import partnership_result  # noqa: E402
from cascade.services.framework import current_framework  # noqa: E402
from cascade.services.imports import import_scores  # noqa: E402
from partnership.models import Partnership  # noqa: E402
from partnership.services import audit  # noqa: E402

PARTNERSHIPS = 150
COHORTS = 4
TABLES = 6
REPEATS = 5


class Rollback(Exception):
    pass


def generate(slugs: list[str], codes: list[str]) -> bytes:
    rng = random.Random(4)
    lines = ["partnership,cohort,round,table,domain,score,note,held_on"]
    first = date(2026, 1, 12)
    for slug in slugs:
        level = rng.uniform(0.4, 1.2)
        for cohort in range(1, COHORTS + 1):
            for round_ in (1, 2):
                held_on = first + timedelta(weeks=2 * cohort + 8 * (round_ - 1))
                for table in range(1, TABLES + 1):
                    for code in codes:
                        score = min(3, max(0, round(rng.gauss(level + 0.3 * (round_ - 1), 0.7))))
                        note = "Named link in every school" if rng.random() < 0.05 else ""
                        lines.append(f"{slug},Cohort {cohort},{round_},{table},{code},{score},{note},{held_on}")
    return ("\n".join(lines) + "\n").encode()


def _median(fn, repeats=REPEATS) -> float:
    return median_seconds(fn, repeats)


def benchmark() -> list[str]:
    out = []
    try:
        with transaction.atomic():
            framework = current_framework()
            codes = list(framework.domains.order_by("position").values_list("code", flat=True))
            partnerships = Partnership.objects.bulk_create(
                Partnership(name=f"Bench CASCADE {i}", slug=f"bench-cascade-{i}", lead_body="joint", region="london")
                for i in range(PARTNERSHIPS)
            )
            data = generate([p.slug for p in partnerships], codes)
            rows = data.count(b"\n") - 1

            start = time.perf_counter()
            report = import_scores(data, by=audit.SYSTEM, via="bench")
            first = time.perf_counter() - start
            assert report.imported and report.scores_created == rows, report.lines()[:5]

            start = time.perf_counter()
            again = import_scores(data, by=audit.SYSTEM, via="bench")
            second = time.perf_counter() - start
            assert again.scores_unchanged == rows

            scores = DomainScore.objects.all()
            baseline = _median(lambda: [scores.filter(table__workshop__partnership=p).count() for p in partnerships])
            results = _median(
                lambda: [partnership_result(scores, partnership=p, framework=framework, round=1) for p in partnerships]
            )
            raise Rollback
    except Rollback:
        pass
    per_partnership = results / PARTNERSHIPS
    out.append(
        f"CASCADE import: {rows} rows ({PARTNERSHIPS} partnerships) in {first:.1f} s, {rows / first:,.0f} rows/s"
    )
    out.append(f"{'CASCADE import: re-import unchanged / first import':<48} {second / first:5.2f}x")
    out.append(
        f"{'CASCADE results: partnership_result / count':<48} {results / baseline:5.2f}x "
        f"({per_partnership * 1000:.1f} ms per partnership)"
    )
    return out


if __name__ == "__main__":
    for line in benchmark():
        print(line)
