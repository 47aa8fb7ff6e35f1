"""The national-scale data generator (issue 7 item 6): `manage.py generate_scale_data --referrals N`.

One part per module, each loading its rows with COPY and ids reserved ahead from the sequences:
geography (ICBs, partnerships, councils, schools), people (users and memberships), services (SPAs,
reasons, directory), cascade, mhst, referrals; then finish (sequences, VACUUM (ANALYZE), rollups, checks).
Everything is made in one transaction: a failure leaves nothing behind. Deterministic for a seed and
an as-of day. A database that already holds scale data is refused (run it on a fresh database).
"""

import time
from datetime import date, datetime
from datetime import time as clock

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership.models import Partnership, User

from . import cascade, finish, geography, mhst, people, referrals, services
from .copying import Loader, Phase, trust_keys_while_loading, verify_keys
from .world import EMAIL_DOMAIN, SLUG_PREFIX, Options, World


class ScaleDataRefused(Exception):
    pass


def already_generated() -> bool:
    return (
        Partnership.objects.filter(slug__startswith=SLUG_PREFIX).exists()
        or User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").exists()
    )


def generate(options: Options, *, as_of: date | None = None, say=print) -> dict:
    if not settings.DEMO_DATA_ALLOWED:
        raise ScaleDataRefused("Scale data can't be generated here: DEMO_DATA_ALLOWED is off (production settings).")
    if options.partnerships < 1 or options.schools < options.partnerships or options.referrals < 0:
        raise ScaleDataRefused("Give at least one partnership, at least one school per partnership, referrals >= 0.")
    today = as_of or timezone.localdate()
    now = datetime.combine(today, clock(0), timezone.get_current_timezone())
    world = World(options=options, now=now, today=today, rng=None)
    loader = Loader(now=now)
    started = time.perf_counter()
    with transaction.atomic():
        if already_generated():
            raise ScaleDataRefused(
                "This database already holds scale data (partnerships scale-NNN, users @scale.example): "
                "generate into a fresh database."
            )
        trusted = trust_keys_while_loading()
        say(
            "Foreign keys: per-row triggers skipped while loading, then verified by set-based queries"
            if trusted
            else "Foreign keys: checked per row at commit (not a superuser)"
        )
        for name, part in [
            ("organisations and partnerships", geography),
            ("users and memberships", people),
            ("single points of access and services", services),
            ("CASCADE workshops and scores", cascade),
            ("MHSTs and allocations", mhst),
            ("referrals and their history", referrals),
        ]:
            loader.timed(name, lambda part=part: part.build(world, loader))
            say(_line(loader.phases[-1]))
        if trusted:
            loader.timed("verify foreign keys", lambda: verify_keys(_models()))
            say(_line(loader.phases[-1]) + " (keys checked)")
    loaded = sum(p.seconds for p in loader.phases)
    loader.phases.append(Phase("commit", 0, time.perf_counter() - started - loaded))
    say(_line(loader.phases[-1]))
    models = _models()
    loader.timed("sequences and VACUUM", lambda: (finish.fix_sequences(models), finish.analyze(models), 0)[-1])
    say(_line(loader.phases[-1]))
    rollups = loader.timed("rollups", lambda: (0, finish.refresh_rollups()))
    say(f"{_line(loader.phases[-1])}: {rollups}")
    return {"phases": loader.phases, "written": getattr(world, "written", {}), "measured": finish.measured()}


def _line(phase) -> str:
    return f"{phase.name:<40} {phase.rows:>10,} rows {phase.seconds:>8.1f} s {phase.rate:>10,.0f} rows/s"


def _models():
    from django.apps import apps

    labels = [
        "partnership.Organisation", "partnership.Partnership", "partnership.PartnershipOrganisation",
        "partnership.User", "partnership.Membership", "partnership.DirectoryService", "partnership.Group",
        "partnership.Meeting", "partnership.Decision", "referrals.SinglePointOfAccess", "referrals.NotAcceptedReason",
        "referrals.Referral", "referrals.StatusChange", "referrals.InformationRequest", "cascade.Cohort",
        "cascade.Workshop", "cascade.ScoringTable", "cascade.DomainScore", "mhst.Team", "mhst.Practitioner",
        "mhst.AllocationMethod", "mhst.Allocation", "mhst.AllocationLine",
    ]  # fmt: skip
    models = [apps.get_model(label) for label in labels]
    return [*models, apps.get_model("referrals.Referral").signposted_services.through]
