"""Benchmarks for the foundation, printed as ratios measured in one run (run by `make bench`).

Each workload is timed against a baseline in the same process, so the ratio is what matters, not
the machine. Everything is written inside one transaction and rolled back: the database is left as
it was. Later issues add the national-scale data generator and their own workloads here.

The GIAS import (bench/gias.py) runs a national-sized synthetic file against its 120-second budget
and prints seconds and rows per second beside its ratios (re-run / first import, time / budget).
The CASCADE workload (bench/cascade.py) imports about 50,000 table scores for 150 partnerships
and computes every partnership's results against a trivial query on the same rows.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench import cascade as cascade_bench  # noqa: E402
from bench import gias as gias_bench  # noqa: E402
from bench.timing import median_seconds  # noqa: E402
from partnership.models import (  # noqa: E402
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    SentNotification,
    User,
)
from partnership.models.audit import AuditAction  # noqa: E402
from partnership.roles import Permission, Role  # noqa: E402
from partnership.services import audit  # noqa: E402

PARTNERSHIPS = 50
ORGANISATIONS_PER_PARTNERSHIP = 200
REPEATS = 30


class Rollback(Exception):
    pass


def timed(fn, repeats=REPEATS) -> float:
    return median_seconds(fn, repeats)


def build():
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Bench {i}", slug=f"bench-{i}", lead_body="joint", region="london")
        for i in range(PARTNERSHIPS)
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"Bench school {i}", kind="primary", urn=900_000_000 + i)
        for i in range(PARTNERSHIPS * ORGANISATIONS_PER_PARTNERSHIP)
    )
    PartnershipOrganisation.objects.bulk_create(
        PartnershipOrganisation(
            partnership=partnerships[i // ORGANISATIONS_PER_PARTNERSHIP], organisation=org, status="active"
        )
        for i, org in enumerate(orgs)
    )
    user = User.objects.create_user(email="bench@bench.example", password=None, full_name="Bench")
    Membership.objects.create(user=user, partnership=partnerships[0], organisation=orgs[0], roles=[Role.COMMISSIONER])
    return partnerships[0], user


def main():
    rows = []
    try:
        with transaction.atomic():
            partnership, user = build()

            unscoped = timed(lambda: list(PartnershipOrganisation.objects.filter(partnership=partnership)))
            scoped = timed(
                lambda: list(
                    PartnershipOrganisation.objects.for_user(user, Permission.VIEW_PARTNERSHIP).filter(
                        partnership=partnership
                    )
                )
            )
            rows.append(("member list: scoped for_user / unscoped", scoped / unscoped))

            counter = iter(range(10**9))
            plain = timed(lambda: SentNotification.objects.create(key=f"bench-{next(counter)}"), repeats=300)
            audited = timed(lambda: audit.record(actor=user, action=AuditAction.UPDATE, obj=partnership), repeats=300)
            rows.append(("write: audit.record / plain insert", audited / plain))

            client = Client(HTTP_HOST="127.0.0.1")
            assert client.get("/healthz").status_code == 200
            health = timed(lambda: client.get("/healthz"))
            client.force_login(user)
            assert client.get("/").status_code == 200
            home = timed(lambda: client.get("/"))
            rows.append(("page: signed-in home / healthz", home / health))
            raise Rollback
    except Rollback:
        pass

    print(f"{'workload':<48} ratio")
    for name, ratio in rows:
        print(f"{name:<48} {ratio:5.2f}x")
    print()
    for line in gias_bench.benchmark():
        print(line)
    print()
    for line in cascade_bench.benchmark():
        print(line)


if __name__ == "__main__":
    main()
