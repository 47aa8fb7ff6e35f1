"""The bench database and the people and referrals the workloads use.

- `prepare_database(scale, generator)`: cyp_bench (BENCH_DATABASE_NAME) on the shared cluster,
  created and migrated; its data generated once per (generator, scale) and reused by later runs (the
  pair is kept as the database's COMMENT). Another scale or generator: the bench database is
  dropped and made again. It never touches any other database.
- Data: `manage.py generate_scale_data --referrals N` when the project has it, else `fallback_data`
  (a few partnerships with N referrals, for developing the harness).
- `bench_world()`: the bench's own partnerships (slugs `bench-load` for W2/W3, `bench-export` for
  W6; `bench-soak` is the soak's, bench/soak.py), its users, API tokens and sessions, made
  idempotently; rows the workloads wrote last time are removed first.
"""

import os
import random
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import psycopg
from psycopg import sql

NAME = os.environ.get("BENCH_DATABASE_NAME", "cyp_bench")
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgresql://cyp@127.0.0.1:54329")
BENCH_DOMAIN = "bench.invalid"
BENCH_SLUGS = ("bench-load", "bench-export", "bench-soak")


def _admin():
    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def database_marker() -> str | None:
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [NAME]
        ).fetchone()
    return None if row is None else (row[0] or "")


def recreate_database() -> None:
    if NAME in ("cyp", "postgres", "template0", "template1") or not NAME.startswith("cyp_bench"):
        raise SystemExit(f"refusing to drop {NAME}: the bench database's name starts with cyp_bench")
    with _admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(NAME)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(NAME)))


def mark_database(marker: str) -> None:
    with _admin() as conn:
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(NAME), sql.Literal(marker)))


def deadlocks() -> int:
    with _admin() as conn:
        row = conn.execute("SELECT deadlocks FROM pg_stat_database WHERE datname = %s", [NAME]).fetchone()
    return int(row[0]) if row else 0


# --- after django.setup() ---------------------------------------------------------------------
def has_scale_generator() -> bool:
    from django.core.management import get_commands

    return "generate_scale_data" in get_commands()


def prepare_database(scale: int, log=print) -> str:
    """Make sure cyp_bench holds data for `scale`; returns the data's description."""
    from django.core.management import call_command
    from django.db import connections

    generator = "generate_scale_data" if has_scale_generator() else "fallback"
    marker = f"{generator}:{scale}"
    if database_marker() == marker:
        log(f"data: reusing {NAME} ({marker})")
        call_command("migrate", verbosity=0, interactive=False)
        return marker
    connections.close_all()
    log(f"data: creating {NAME} and generating {scale:,} referrals with {generator}")
    recreate_database()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    if generator == "generate_scale_data":
        call_command("generate_scale_data", referrals=scale)
    else:
        fallback_data(scale)
    connections.close_all()
    mark_database(marker)
    return marker


def _person(email: str, name: str, *, totp: bool = False):
    from allauth.mfa.totp.internal.auth import TOTP

    from partnership.models import User

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=name)
    if totp and not user.has_totp():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def _member(user, partnership, organisation, *roles):
    from partnership.models import Membership, PartnershipOrganisation

    PartnershipOrganisation.objects.get_or_create(
        partnership=partnership, organisation=organisation, defaults={"status": "active"}
    )
    Membership.objects.update_or_create(
        user=user, partnership=partnership, organisation=organisation, defaults={"roles": [r.value for r in roles]}
    )
    return user


def busiest_spa_and_clinician(missing: str):
    """W1's SPA (the generated one with the most referrals) and the bench's duty clinician of it;
    `missing` is the message to stop with when there is no generated data."""
    from django.db.models import Count

    from partnership.roles import Role
    from referrals.models import SinglePointOfAccess

    spa = (
        SinglePointOfAccess.objects.exclude(partnership__slug__in=BENCH_SLUGS)
        .annotate(n=Count("referrals"))
        .order_by("-n", "pk")
        .first()
    )
    if spa is None:
        raise SystemExit(missing)
    clinician = _member(
        _person(f"bench-queue-clinician@{BENCH_DOMAIN}", "Bench queue clinician", totp=True),
        spa.partnership,
        spa.provider,
        Role.DUTY_CLINICIAN,
    )
    return spa, clinician


def busiest_commissioner() -> dict | None:
    """W4's commissioner: {"user": id, "n": partnerships} of the generated commissioner with the
    most partnerships, or None."""
    from django.db.models import Count

    from partnership.models import Membership
    from partnership.roles import Role

    return (
        Membership.objects.filter(roles__contains=[Role.COMMISSIONER.value], is_active=True)
        .exclude(partnership__slug__in=BENCH_SLUGS)
        .values("user")
        .annotate(n=Count("pk"))
        .order_by("-n", "user")
        .first()
    )


def _partnership_with_spa(slug: str, name: str):
    from partnership.models import Organisation, Partnership, PartnershipOrganisation
    from referrals.models import SinglePointOfAccess
    from referrals.services.spa import seed_reasons

    partnership, _ = Partnership.objects.get_or_create(
        slug=slug, defaults={"name": name, "lead_body": "joint", "region": "london"}
    )
    spa = SinglePointOfAccess.objects.filter(partnership=partnership).first()
    if spa is None:
        provider = Organisation.objects.create(name=f"{name} CYPMHS", kind="cypmhs")
        PartnershipOrganisation.objects.create(partnership=partnership, organisation=provider, status="active")
        spa = SinglePointOfAccess.objects.create(
            partnership=partnership,
            provider=provider,
            name=f"{name} single point of access",
            channels=["online"],
            hours="Monday to Friday, 9am to 5pm",
            acceptance_criteria="Aged 4 to 18.",
            thresholds="Moderate to severe.",
        )
    seed_reasons(spa)
    school = Organisation.objects.filter(name=f"{name} school").first()
    if school is None:
        school = Organisation.objects.create(name=f"{name} school", kind="secondary", pupil_count=900)
    PartnershipOrganisation.objects.get_or_create(
        partnership=partnership, organisation=school, defaults={"status": "active"}
    )
    return partnership, spa, school


def complete_referral(today) -> dict:
    """Everything a school fills in, valid (a fictional child), as the API takes it (JSON)."""
    return {
        "urgency": "routine",
        "child_first_name": "Bench",
        "child_last_name": "Child",
        "nhs_number": "9434765919",
        "date_of_birth": today.replace(year=today.year - 13).isoformat(),
        "year_group": "Year 8",
        "postcode": "NS1 2AB",
        "situation": "Panic attacks in class most days for three weeks.",
        "why_now": "Attendance has dropped to 70% this half term.",
        "support_tried": "Weekly check-ins with the pastoral lead since September.",
        "assessment": "Anxiety is stopping learning; no current risk to self.",
        "requests": ["assessment"],
        "consent_by": "both",
        "consent_share_outcome": True,
        "consent_date": today.isoformat(),
    }


def _template(spa, school, referrer, status: str):
    """One referral made through the real services (draft, submit, and on to `status`)."""
    from django.utils import timezone

    from referrals import notify
    from referrals.models import NotAcceptedReason
    from referrals.services.drafts import create_draft
    from referrals.services.transitions import apply

    clinician = _member(
        _person(f"bench-template-clinician@{BENCH_DOMAIN}", "Bench template clinician"),
        spa.partnership,
        spa.provider,
        _roles().DUTY_CLINICIAN,
    )
    values = complete_referral(timezone.localdate())
    values["date_of_birth"] = timezone.localdate().replace(year=timezone.localdate().year - 13)
    values["consent_date"] = timezone.localdate()
    with notify.suppressed():
        referral, _ = create_draft(
            partnership=spa.partnership, by=referrer, school=school, idempotency_key=str(uuid.uuid4()), **values
        )
        referral = apply(referral_id=referral.pk, by=referrer, name="submit", expected_version=referral.version)
        if status == "not_accepted":
            referral = apply(referral_id=referral.pk, by=clinician, name="claim", expected_version=referral.version)
            reason = NotAcceptedReason.objects.filter(spa=spa).order_by("position").first()
            referral = apply(
                referral_id=referral.pk,
                by=clinician,
                name="not_accept",
                expected_version=referral.version,
                reason=reason.pk,
                explanation="Outside the service's criteria.",
            )
    return referral


def _roles():
    from partnership.roles import Role

    return Role


def clone_referrals(template, count: int, *, key_prefix: str, spread_days: int = 0) -> None:
    """`count` copies of `template` in its SPA, numbered after it, in one INSERT ... SELECT (their
    submission spread over `spread_days` before the template's)."""
    from django.db import connection

    from referrals.models import Referral

    columns = [f.column for f in Referral._meta.concrete_fields if f.column != "id"]
    chosen = {
        "number": "r.number + g",
        "idempotency_key": "%s::text || g::text",
        "submitted_at": "r.submitted_at - make_interval(days => (g %% %s::int))",
    }
    select = ", ".join(chosen.get(c, f"r.{c}") for c in columns)
    statement = (
        f"INSERT INTO {Referral._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 (model columns)
        f"SELECT {select} FROM {Referral._meta.db_table} r, generate_series(1, %s) g WHERE r.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [key_prefix, max(spread_days, 1), count, template.pk])


def delete_referrals(spa, *, keep=()) -> None:
    """Every referral of the bench SPA `spa` (but `keep`), with their status rows and requests.

    Status rows are append-only (a trigger refuses DELETE): in the bench database only, this
    transaction sets session_replication_role to replica, which skips triggers, so the bench's own
    throwaway referrals can go. Only rows of the bench SPA are deleted."""
    from django.db import connection, transaction

    from referrals.models import InformationRequest, Message, Referral, StatusChange

    table = Referral._meta.db_table
    m2m = Referral._meta.get_field("signposted_services").remote_field.through._meta.db_table
    chosen = f"SELECT id FROM {table} WHERE spa_id = %s AND NOT (id = ANY(%s))"  # noqa: S608
    if spa.partnership.slug not in BENCH_SLUGS or connection.settings_dict["NAME"] != NAME:
        raise RuntimeError("only the bench SPAs' referrals in the bench database are ever deleted")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        for dependent, column in (
            (StatusChange._meta.db_table, "referral_id"),
            (InformationRequest._meta.db_table, "referral_id"),
            (Message._meta.db_table, "referral_id"),
            (m2m, "referral_id"),
        ):
            cursor.execute(f"DELETE FROM {dependent} WHERE {column} IN ({chosen})", [spa.pk, list(keep)])  # noqa: S608
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({chosen})", [spa.pk, list(keep)])  # noqa: S608


@dataclass
class BenchWorld:
    queue_spa: object  # W1: the generated SPA with the most referrals
    queue_token: str  # W1: a duty clinician of that SPA
    referrer_cookie: dict  # W2: a school's referrer, signed in (session and CSRF cookies)
    load_spa: object  # W3
    load_school: object
    load_referrer: object
    clinician_tokens: list  # W3: eight duty clinicians of the bench-load SPA
    decision: dict  # W3: the triage body (not accepted, with a reason)
    commissioner_cookie: dict  # W4
    commissioner: object
    export_spa: object  # W6
    export_token: str  # W6: the bench-export SPA's duty lead
    export_rows: int


def _token(user) -> str:
    from knox.models import AuthToken

    _, key = AuthToken.objects.create(user=user, expiry=timedelta(hours=6))
    return key


def _session(user) -> dict:
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret sent as cookie and header
    return {"session": client.cookies[settings.SESSION_COOKIE_NAME].value, "csrf": csrf}


def cookie_headers(cookie: dict) -> dict:
    from django.conf import settings

    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie['session']}; {settings.CSRF_COOKIE_NAME}={cookie['csrf']}",
        "X-CSRFToken": cookie["csrf"],
    }


def bench_world(export_rows: int, log=print) -> BenchWorld:
    from django.db.models import Q
    from knox.models import AuthToken

    from partnership.models import Partnership, SentNotification
    from referrals.models import NotAcceptedReason, Referral, SinglePointOfAccess

    Role = _roles()
    AuthToken.objects.filter(user__email__endswith=f"@{BENCH_DOMAIN}").delete()
    SentNotification.objects.filter(key__startswith="bench-trivial:").delete()

    # W1: the busiest generated SPA, and a duty clinician of it
    queue_spa, queue_clinician = busiest_spa_and_clinician(
        "bench: the bench database has no single point of access: generate data first"
    )

    # W2 and W3: the bench-load partnership, emptied of last run's referrals
    load, load_spa, load_school = _partnership_with_spa("bench-load", "Bench load")
    delete_referrals(load_spa)
    referrer = _member(
        _person(f"bench-referrer@{BENCH_DOMAIN}", "Bench referrer", totp=True), load, load_school, Role.SCHOOL_STAFF
    )
    clinicians = [
        _member(
            _person(f"bench-clinician-{i}@{BENCH_DOMAIN}", f"Bench clinician {i}", totp=True),
            load,
            load_spa.provider,
            Role.DUTY_CLINICIAN,
        )
        for i in range(1, 9)
    ]
    reason = NotAcceptedReason.objects.filter(spa=load_spa).order_by("position").first()

    # W4: the generated commissioner with the most partnerships, else one for every partnership
    best = busiest_commissioner()
    from partnership.models import User

    if best is not None:
        commissioner = User.objects.get(pk=best["user"])
    else:
        commissioner = _person(f"bench-commissioner@{BENCH_DOMAIN}", "Bench commissioner")
        for partnership in Partnership.objects.exclude(slug__in=BENCH_SLUGS):
            organisation = SinglePointOfAccess.objects.get(partnership=partnership).provider
            _member(commissioner, partnership, organisation, Role.COMMISSIONER)

    # W6: the bench-export SPA with `export_rows` decided referrals (not open: the sweep never sees them)
    export, export_spa, export_school = _partnership_with_spa("bench-export", "Bench export")
    export_referrer = _member(
        _person(f"bench-export-referrer@{BENCH_DOMAIN}", "Bench export referrer", totp=True),
        export,
        export_school,
        Role.SCHOOL_STAFF,
    )
    export_lead = _member(
        _person(f"bench-export-lead@{BENCH_DOMAIN}", "Bench export lead", totp=True),
        export,
        export_spa.provider,
        Role.DUTY_LEAD,
    )
    rows = Referral.objects.filter(spa=export_spa).exclude(status="draft")
    if rows.count() != export_rows:
        log(f"W6: making {export_rows:,} referrals in the bench-export SPA")
        delete_referrals(export_spa)
        template = _template(export_spa, export_school, export_referrer, "not_accepted")
        if export_rows > 1:
            clone_referrals(template, export_rows - 1, key_prefix="bench-export-", spread_days=1800)
    assert rows.count() == export_rows and not rows.filter(~Q(status="not_accepted")).exists()

    return BenchWorld(
        queue_spa=queue_spa,
        queue_token=_token(queue_clinician),
        referrer_cookie=_session(referrer),
        load_spa=load_spa,
        load_school=load_school,
        load_referrer=referrer,
        clinician_tokens=[_token(c) for c in clinicians],
        decision={"decision": "not_accept", "reason": reason.pk, "explanation": "Outside the service's criteria."},
        commissioner_cookie=_session(commissioner),
        commissioner=commissioner,
        export_spa=export_spa,
        export_token=_token(export_lead),
        export_rows=export_rows,
    )


def triage_pool(world: BenchWorld, count: int = 100) -> None:
    """`count` new submitted referrals in the bench-load SPA, which is emptied first (W3)."""
    delete_referrals(world.load_spa)
    template = _template(world.load_spa, world.load_school, world.load_referrer, "submitted")
    if count > 1:
        clone_referrals(template, count - 1, key_prefix=f"bench-pool-{uuid.uuid4().hex[:8]}-", spread_days=1)


# --- fallback data (until the project has generate_scale_data) -------------------------------
def fallback_data(referrals: int, partnerships: int = 10, schools_per: int = 20, seed: int = 7) -> None:
    """A few partnerships, each with its SPA (provider, reasons, a duty lead), schools and a share of
    `referrals` referrals over five years: about a third accepted (most seen, median 13 days), a
    quarter still waiting (most of them recent), the rest signposted or not accepted; 6% urgent."""
    from django.db import transaction
    from django.utils import timezone

    from partnership.models import Organisation, PartnershipOrganisation
    from referrals.models import NotAcceptedReason, Referral

    Role = _roles()
    rng = random.Random(seed)
    now = timezone.now()
    values = complete_referral(timezone.localdate())
    values["date_of_birth"] = timezone.localdate().replace(year=timezone.localdate().year - 13)
    values["consent_date"] = timezone.localdate()
    thrive = ["getting_advice", "getting_help", "getting_help", "getting_more_help", "getting_risk_support"]
    with transaction.atomic():
        for p in range(partnerships):
            partnership, spa, _ = _partnership_with_spa(f"benchgen-{p}", f"Generated {p}")
            _member(
                _person(f"duty-lead-{p}@gen.{BENCH_DOMAIN}", f"Duty lead {p}"),
                partnership,
                spa.provider,
                Role.DUTY_LEAD,
            )
            schools = Organisation.objects.bulk_create(
                Organisation(
                    name=f"Generated {p} school {s}", kind="primary" if s % 4 else "secondary", pupil_count=400
                )
                for s in range(schools_per)
            )
            PartnershipOrganisation.objects.bulk_create(
                PartnershipOrganisation(partnership=partnership, organisation=o, status="active") for o in schools
            )
            referrer = _member(
                _person(f"referrer-{p}@gen.{BENCH_DOMAIN}", f"Referrer {p}"), partnership, schools[0], Role.SCHOOL_STAFF
            )
            reasons = list(NotAcceptedReason.objects.filter(spa=spa))
            share = referrals // partnerships + (1 if p < referrals % partnerships else 0)
            numbers: dict[int, int] = {}
            batch = []
            for i in range(share):
                waiting = rng.random() < 0.25
                age = rng.randrange(0, 60) if waiting and rng.random() < 0.9 else rng.randrange(0, 5 * 365)
                submitted = now - timedelta(days=age, minutes=rng.randrange(600))
                year = submitted.year
                numbers[year] = numbers.get(year, 0) + 1
                r = Referral(
                    partnership=partnership,
                    spa=spa,
                    school=schools[rng.randrange(schools_per)],
                    created_by=referrer,
                    idempotency_key=f"gen-{p}-{i}",
                    year=year,
                    number=numbers[year],
                    submitted_at=submitted,
                    version=3,
                    **{**values, "urgency": "urgent" if rng.random() < 0.06 else "routine"},
                )
                wait = min(int(rng.lognormvariate(2.56, 1.1)), 400)
                roll = rng.random()
                if waiting:
                    r.status = rng.choice(["submitted", "submitted", "in_triage", "accepted"])
                    if r.status == "accepted":
                        r.thrive = rng.choice(thrive)
                elif roll < 0.45:
                    seen = submitted.date() + timedelta(days=wait)
                    if seen > now.date():
                        seen = now.date()
                    r.status, r.thrive, r.first_contact_on = (
                        rng.choice(["first_contact", "closed"]),
                        rng.choice(thrive),
                        seen,
                    )
                elif roll < 0.7:
                    r.status = "signposted"
                else:
                    r.status, r.not_accepted_reason = "not_accepted", rng.choice(reasons)
                batch.append(r)
            Referral.objects.bulk_create(batch, batch_size=2000)
