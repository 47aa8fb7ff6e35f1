"""Load and soak (issue 8 item 5): `make soak`, or `.venv/bin/python bench/soak.py [--minutes 30]`.

The users of the platform at once, at the busiest realistic national rate, for `--minutes` (default
30), on loopback against gunicorn (4 sync workers, `bench.settings`) and a real Celery worker (2
pool processes) on the bench's Redis database (so every queued effect, notification emails and rollup refreshes, is
delivered), with the national-scale data in cyp_bench (`make bench SCALE=1000000` made it; the soak
never generates, drops or migrates away anything but its own rows).

Rate assumptions (all at peak, for the whole run: the soak is the worst school hour held for 30 min):

- **Schools submitting.** About 4,000 referrals a school day in England (REFERRALS_PER_SCHOOL_DAY),
  over a 6.5-hour school day: 0.171/s on average; at 10x peak (PEAK_FACTOR) 1.71 submissions/s.
  Each is W2's request: a complete SBARD referral POSTed as JSON with a school lead's session, CSRF
  and a new Idempotency-Key (12 schools).
- **Duty clinicians triaging** keep pace with arrivals at peak: one referral triaged per referral
  submitted (1.71/s), each through W3's protocol with 4 requests: the SPA queue, the referral (its
  ETag), claim with If-Match, decide with If-Match (not accepted, with a reason). 12 clinicians pick
  at random among the first 25 of a queue that starts with a backlog of 200 submitted referrals, so
  conflicts (412, or 409 when the referral was claimed between the queue and the claim; then back
  to the queue, as in W3: the protocol working, counted apart, not errors) stay rare. Besides them, duty
  clinicians of the other SPAs read their queues: 0.5 page views/s of the busiest generated SPA's
  queue (461 duty clinicians, each refreshing about every 15 minutes at peak).
- **Area leads scoring CASCADE.** 150 partnerships x 4 cohorts x 2 rounds = 1,200 workshops a year,
  over 190 school days: 6.3 a day; at 10x peak 63, of 2 hours each in a 6.5-hour day: about 20 at
  once, 6 tables each, 120 tables. Each table saves a change (score and note of one domain, the
  scoring page's script calling the scores API with the session) about every 2 minutes: 1.0 PUT/s,
  and reloads the scoring page about every 10 minutes: 0.2/s. 8 area leads, each at a workshop of
  6 tables in the `bench-soak` partnership (their saves queue on the workshop's row lock, as real
  tables of one workshop do).
- **Commissioners on dashboards.** 150 commissioners and 150 area leads, about 4 dashboard views a
  school day each: 0.05/s; at 10x peak 0.5/s: W4's page (`/dashboards/commissioned/`, the generated
  commissioner with most partnerships, national data) twice as often as one of their partnerships'
  dashboards. 4 users.

So about 10.7 requests/s in all. Writes go to the bench's own `bench-soak` partnership (its SPA,
12 schools, cohorts and workshops), whose referrals are removed at the start of the next soak (and
which `make bench`'s W1/W4 leave out, as they do `bench-load`); reads use the national data.

Measured: requests, failures, p50/p95/max per request type (the whole run, warm-up included); every
`--sample-seconds` (60) the summed RSS of the gunicorn workers and of the Celery worker (main and
pool processes), PostgreSQL client connections to cyp_bench (pg_stat_activity; autovacuum and the
sampler's own left out), open file descriptors of gunicorn (master and workers) and Celery, Redis clients on the
bench's database (CLIENT LIST, the sampler's own left out) and the broker queue's length. Verdict:
the samples of the first `--window-minutes` (5) after `--warmup-minutes` (2) against the last 5:
memory growth over 10% is flagged, and so is any growth in connections, descriptors or Redis
clients (the last window's mean at least one above the first's and a new high in the last window:
a leak makes new highs; a count that only dips less often does not). A run too short for two windows
halves what follows the warm-up. Exit status 1 if the error rate is 0.1% or more, or growth is
flagged. Results: bench/results/soak-<date>.md, soak-<date>-requests.csv, soak-<date>-samples.csv.
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

REFERRALS_PER_SCHOOL_DAY = 4000
SCHOOL_DAY_HOURS = 6.5
PEAK_FACTOR = 10
BACKLOG = 200
MAX_ERROR_RATE = 0.001
MAX_MEMORY_GROWTH = 0.10
SOAK_SLUG = "bench-soak"
#: locust users per actor: enough that each waits several seconds between cycles, so the offered
#: rate holds even when the shared machine slows every request down (closed loop, paced)
SCHOOLS, CLINICIANS, AREA_LEADS, COMMISSIONERS, NATIONAL_CLINICIANS, TABLES = 12, 12, 8, 4, 2, 6
#: pool processes of the Celery worker: as Procfile.dev, and celery's default on this 2-core machine
CELERY_CONCURRENCY = int(os.environ.get("BENCH_CELERY_CONCURRENCY", "2"))
DASHBOARD_PATH = os.environ.get("BENCH_W4_PATH", "/dashboards/commissioned/")
NATIONAL_QUEUE = "/api/v1/referrals/?page_size=25"
TRIAGE_QUEUE = "/api/v1/referrals/?status=submitted&page_size=25"


def peak_submissions_per_second(
    per_day: float = REFERRALS_PER_SCHOOL_DAY, hours: float = SCHOOL_DAY_HOURS, peak: float = PEAK_FACTOR
) -> float:
    """Referrals a second at peak: a school day's referrals over its hours, times the peak factor."""
    return per_day / (hours * 3600) * peak


@dataclass(frozen=True)
class Actor:
    name: str
    users: int
    rate: float  # task cycles a second, all its users together
    requests_per_cycle: float  # HTTP requests in one cycle (at most, for the clinicians)

    @property
    def requests_per_second(self) -> float:
        return self.rate * self.requests_per_cycle


# CASCADE: 150 x 4 x 2 workshops a year / 190 days x 10 peak x 2 h / 6.5 h x 6 tables ~ 120 tables
SCORE_PUTS_PER_SECOND = 120 / 120  # one save per table every 2 minutes
SCORING_PAGES_PER_SECOND = 120 / 600  # one page load per table every 10 minutes
DASHBOARDS_PER_SECOND = 300 * 4 / (SCHOOL_DAY_HOURS * 3600) * PEAK_FACTOR
NATIONAL_QUEUE_PER_SECOND = 0.5


def mix(peak: float | None = None) -> list[Actor]:
    """The soak's users and their rates (the module's docstring says why)."""
    peak = peak_submissions_per_second() if peak is None else peak
    return [
        Actor("school", SCHOOLS, peak, 1),
        Actor("duty clinician", CLINICIANS, peak, 4),
        Actor("national clinician", NATIONAL_CLINICIANS, NATIONAL_QUEUE_PER_SECOND, 1),
        Actor("area lead", AREA_LEADS, SCORE_PUTS_PER_SECOND + SCORING_PAGES_PER_SECOND, 1),
        Actor("commissioner", COMMISSIONERS, DASHBOARDS_PER_SECOND, 1),
    ]


#: task weights: area leads' score PUTs to page loads, commissioners' W4 page to a partnership's
SCORE_WEIGHTS = (round(SCORE_PUTS_PER_SECOND / SCORING_PAGES_PER_SECOND), 1)
DASHBOARD_WEIGHTS = (2, 1)


# --- the verdict ---------------------------------------------------------------------------------
GROWTH_METRICS = ("rss_mb", "pg_connections", "fds", "redis_clients")


def windows(samples: list[dict], warmup_s: float, window_s: float) -> tuple[list[dict], list[dict]]:
    """The samples of the first window after the warm-up and of the last window (each `window_s`
    long); when the run after the warm-up is shorter than two windows, each is half of it."""
    if not samples:
        return [], []
    end = samples[-1]["t"]
    window_s = min(window_s, max(end - warmup_s, 0) / 2)
    first = [s for s in samples if warmup_s <= s["t"] < warmup_s + window_s] or [
        s for s in samples if s["t"] >= warmup_s
    ][:1]
    last = [s for s in samples if s["t"] > end - window_s] or samples[-1:]
    return first, last


def verdict(samples: list[dict], warmup_s: float = 120, window_s: float = 300) -> dict:
    """Each growth metric's first- and last-window means, and whether its growth is flagged."""
    first, last = windows(samples, warmup_s, window_s)
    out = {}
    for metric in GROWTH_METRICS:
        a = [s[metric] for s in first if s.get(metric) is not None]
        b = [s[metric] for s in last if s.get(metric) is not None]
        if not a or not b:
            out[metric] = {"first": None, "last": None, "growth": None, "flagged": False}
            continue
        before, after = statistics.fmean(a), statistics.fmean(b)
        if metric == "rss_mb":
            growth = (after - before) / before if before else 0.0
            flagged = growth > MAX_MEMORY_GROWTH
        else:
            growth = after - before
            flagged = growth >= 1 and max(b) > max(a)
        out[metric] = {"first": before, "last": after, "growth": growth, "flagged": flagged}
    return out


def error_rate(load: dict) -> float:
    return load["failures"] / load["requests"] if load["requests"] else 1.0


# --- the world (after django.setup) ----------------------------------------------------------------
def soak_world() -> dict:
    """The bench-soak partnership and every person the load needs; returns the loadgen's spec
    (without host and duration). Idempotent; the previous soak's referrals are removed."""
    from django.conf import settings
    from django.utils import timezone
    from knox.models import AuthToken

    from bench.world import (
        BENCH_DOMAIN,
        BENCH_SLUGS,
        _member,
        _partnership_with_spa,
        _person,
        _session,
        _template,
        _token,
        busiest_commissioner,
        busiest_spa_and_clinician,
        clone_referrals,
        complete_referral,
        delete_referrals,
    )
    from cascade.models import Cohort, ScoringTable, Workshop
    from cascade.services.framework import current_framework
    from cascade.services.workshops import add_table, create_cohort, create_workshop
    from partnership.models import Membership, Organisation, PartnershipOrganisation, User
    from partnership.roles import Role
    from referrals.models import NotAcceptedReason

    AuthToken.objects.filter(user__email__startswith="bench-soak-", user__email__endswith=f"@{BENCH_DOMAIN}").delete()
    partnership, spa, first_school = _partnership_with_spa(SOAK_SLUG, "Bench soak")
    delete_referrals(spa)

    schools = [first_school]
    for i in range(2, SCHOOLS + 1):
        school, _ = Organisation.objects.get_or_create(
            name=f"Bench soak school {i}", defaults={"kind": "secondary", "pupil_count": 900}
        )
        PartnershipOrganisation.objects.get_or_create(
            partnership=partnership, organisation=school, defaults={"status": "active"}
        )
        schools.append(school)

    def people(kind: str, label: str, organisations: list, role) -> list:
        """One member of `role` for each organisation given (bench-soak-<kind>-<n>)."""
        return [
            _member(
                _person(f"bench-soak-{kind}-{i}@{BENCH_DOMAIN}", f"Soak {label} {i}", totp=True),
                partnership,
                organisation,
                role,
            )
            for i, organisation in enumerate(organisations, 1)
        ]

    referrers = people("referrer", "referrer", schools, Role.SCHOOL_STAFF)
    clinicians = people("clinician", "clinician", [spa.provider] * CLINICIANS, Role.DUTY_CLINICIAN)
    council, _ = Organisation.objects.get_or_create(name="Bench soak council", defaults={"kind": "local_authority"})
    leads = people("lead", "area lead", [council] * AREA_LEADS, Role.AREA_LEAD)

    # CASCADE: one open round-1 workshop per area lead, with its tables
    framework = current_framework()
    domains = list(framework.domains.order_by("position").values_list("code", flat=True))
    area_leads = []
    for i, lead in enumerate(leads, 1):
        name = f"Soak cohort {i}"
        cohort = Cohort.objects.filter(partnership=partnership, name=name).first() or create_cohort(
            partnership=partnership, by=lead, name=name
        )
        workshop = Workshop.objects.filter(cohort=cohort, round=1).first() or create_workshop(
            partnership=partnership, by=lead, cohort=cohort, round=1, held_on=timezone.localdate()
        )
        if not workshop.is_open:
            raise SystemExit(f"soak: workshop {workshop.pk} of {name} is closed; reopen it or remove it")
        tables = [
            ScoringTable.objects.filter(workshop=workshop, label=str(t)).first()
            or add_table(workshop=workshop, by=lead, label=str(t), organisations=[schools[t % SCHOOLS]])
            for t in range(1, TABLES + 1)
        ]
        area_leads.append(
            {
                "cookie": _session(lead),
                "tables": [
                    {"id": t.pk, "page": f"/partnerships/{SOAK_SLUG}/cascade/tables/{t.pk}/score/"} for t in tables
                ],
            }
        )

    # the triage backlog
    template = _template(spa, first_school, referrers[0], "submitted")
    clone_referrals(template, BACKLOG - 1, key_prefix=f"bench-soak-{time.time_ns()}-", spread_days=1)
    reason = NotAcceptedReason.objects.filter(spa=spa).order_by("position").first()

    # national reads: W1's SPA and clinician, W4's commissioner
    _, national = busiest_spa_and_clinician(
        "soak: cyp_bench has no generated data: run `make bench SCALE=1000000` first"
    )
    best = busiest_commissioner()
    if best is None:
        raise SystemExit("soak: cyp_bench has no generated commissioner")
    commissioner = User.objects.get(pk=best["user"])
    slugs = list(
        Membership.objects.filter(user=commissioner, is_active=True, roles__contains=[Role.COMMISSIONER.value])
        .exclude(partnership__slug__in=BENCH_SLUGS)
        .order_by("partnership__slug")
        .values_list("partnership__slug", flat=True)[:10]
    )
    commissioners = [
        {"cookie": _session(commissioner), "partnership_paths": [f"/partnerships/{s}/dashboard/" for s in slugs]}
        for _ in range(COMMISSIONERS)
    ]

    return {
        "cookie_names": {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME},
        "schools": [_session(r) for r in referrers],
        "referral": complete_referral(timezone.localdate()),
        "clinician_tokens": [_token(c) for c in clinicians],
        "triage_queue": TRIAGE_QUEUE,
        "decision": {"decision": "not_accept", "reason": reason.pk, "explanation": "Outside the service's criteria."},
        "national_token": _token(national),
        "national_queue": NATIONAL_QUEUE,
        "area_leads": area_leads,
        "domains": domains,
        "notes": ["Staff know who to call.", "Shared training days.", "Named leads in every school."],
        "score_weights": list(SCORE_WEIGHTS),
        "commissioners": commissioners,
        "dashboard_path": DASHBOARD_PATH,
        "dashboard_weights": list(DASHBOARD_WEIGHTS),
        "spa_id": spa.pk,
    }


# --- sampling ---------------------------------------------------------------------------------------
def _redis():
    import redis
    from django.conf import settings

    return redis.Redis.from_url(settings.REDIS_URL)


def sample(t: float, server, worker, client) -> dict:
    from bench.server import open_fds, rss_kib
    from bench.world import NAME, _admin

    gunicorn = [server.process.pid, *server.worker_pids()]
    celery = worker.pids()
    gunicorn_rss = sum(rss_kib(p) or 0 for p in gunicorn[1:]) / 1024
    celery_rss = sum(rss_kib(p) or 0 for p in celery) / 1024
    with _admin() as conn:
        connections = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'", [NAME]
        ).fetchone()[0]
    db = client.connection_pool.connection_kwargs.get("db", 0)
    own = client.client_id()
    clients = [c for c in client.client_list() if int(c.get("db", -1)) == db and int(c["id"]) != own]
    return {
        "t": round(t),
        "gunicorn_workers": len(gunicorn) - 1,
        "gunicorn_rss_mb": round(gunicorn_rss, 1),
        "celery_rss_mb": round(celery_rss, 1),
        "rss_mb": round(gunicorn_rss + celery_rss, 1),
        "pg_connections": int(connections),
        "fds": sum(open_fds(p) or 0 for p in gunicorn + celery),
        "redis_clients": len(clients),
        "broker_queue": int(client.llen("celery")),
        "load_1m": round(os.getloadavg()[0], 2),
    }


# --- the run -----------------------------------------------------------------------------------------
def run(minutes: float, sample_s: float, log=print) -> tuple[dict, list[dict], dict]:
    from django.db import connections

    from bench.server import CeleryWorker, Server

    spec = soak_world()
    connections.close_all()
    client = _redis()
    client.delete("celery")
    spec.update(
        host="", seconds=minutes * 60 + min(sample_s, 60) / 2, actors=[a.__dict__ for a in mix()]
    )  # the load outlasts the last sample
    log(f"world ready: {BACKLOG} referrals waiting in the bench-soak SPA; {len(spec['area_leads'])} workshops")
    samples: list[dict] = []
    stderr_path = RESULTS / "soak-load.log"
    with CeleryWorker(CELERY_CONCURRENCY, log="soak-celery.log") as worker, Server(log="soak-gunicorn.log") as server:
        log(f"gunicorn on {server.url} ({server.workers} workers), celery worker pids {worker.pids()}")
        spec["host"] = server.url
        started = time.monotonic()
        with stderr_path.open("w") as stderr:
            load = subprocess.Popen(
                [sys.executable, "-m", "bench.soakload"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            load.stdin.write(json.dumps(spec))
            load.stdin.close()
            next_at = 0.0
            while next_at <= minutes * 60:
                wait = started + next_at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                if load.poll() is not None:
                    break
                samples.append(sample(time.monotonic() - started, server, worker, client))
                s = samples[-1]
                log(
                    f"t={s['t']:5d}s rss {s['rss_mb']:.0f} MB (gunicorn {s['gunicorn_rss_mb']:.0f}, celery "
                    f"{s['celery_rss_mb']:.0f}), pg {s['pg_connections']}, fds {s['fds']}, redis "
                    f"{s['redis_clients']}, queue {s['broker_queue']}, load {s['load_1m']}"
                )
                next_at += sample_s
            out = load.stdout.read()
            load.wait(timeout=600)
        if load.returncode != 0:
            raise RuntimeError(f"load generator failed ({load.returncode}): see {stderr_path}")
        result = json.loads(out.strip().splitlines()[-1])
        drained = time.monotonic() + 120
        while client.llen("celery") and time.monotonic() < drained:
            time.sleep(1)
        result["broker_left"] = int(client.llen("celery"))
        result["celery_tasks_succeeded"] = (
            (RESULTS / "soak-celery.log").read_text(errors="replace").count(" succeeded in ")
        )
    client.delete("celery")
    from referrals.models import Referral

    made = Referral.objects.filter(spa_id=spec["spa_id"])
    result["referrals_submitted"] = made.count() - BACKLOG
    result["referrals_decided"] = made.filter(status="not_accepted").count()
    return result, samples, spec


# --- the report -----------------------------------------------------------------------------------------
def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def report_lines(load: dict, samples: list[dict], judged: dict, minutes: float, header: str) -> list[str]:
    rate = error_rate(load)
    lines = [
        header,
        "",
        f"{load['requests']:,} requests in {load['elapsed'] / 60:.1f} min "
        f"({load['requests'] / load['elapsed']:.2f}/s), "
        f"{load['failures']} failed: error rate {rate:.4%} (limit {MAX_ERROR_RATE:.1%})",
        f"referrals submitted {load['referrals_submitted']:,} ({load['referrals_submitted'] / load['elapsed']:.2f}/s),"
        f" decided {load['referrals_decided']:,}; claim conflicts (412) {load['conflicts']}; "
        f"Celery tasks run {load['celery_tasks_succeeded']:,}, broker queue left {load['broker_left']}",
        "",
        "| request | requests | failures | p50 ms | p95 ms | max ms | statuses |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in load["by_type"].items():
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(row["statuses"].items()))
        lines.append(
            f"| {name} | {row['requests']:,} | {row['failures']} | {_ms(row['p50_ms'])} | {_ms(row['p95_ms'])} "
            f"| {_ms(row['max_ms'])} | {statuses} |"
        )
    if load["errors"]:
        lines += ["", "Failures:"] + [f"- {e['name']}: {e['error']} x{e['occurrences']}" for e in load["errors"]]
    lines += [
        "",
        "| t (s) | RSS MB gunicorn workers | RSS MB celery | RSS MB total | PG connections | fds | Redis clients "
        "| broker queue | requests in the minute | load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in samples:
        minute = load["minutes"].get(str(int(s["t"] // 60) - 1), {})  # the minute that ended at t
        lines.append(
            f"| {s['t']} | {s['gunicorn_rss_mb']:.1f} | {s['celery_rss_mb']:.1f} | {s['rss_mb']:.1f} "
            f"| {s['pg_connections']} | {s['fds']} | {s['redis_clients']} | {s['broker_queue']} "
            f"| {minute.get('requests', '-')} | {s['load_1m']} |"
        )
    lines += ["", "| growth | first window | last window | change | flagged |", "|---|---|---|---|---|"]
    for metric, v in judged.items():
        if v["first"] is None:
            lines.append(f"| {metric} | - | - | - | no samples |")
            continue
        change = f"{v['growth']:+.1%}" if metric == "rss_mb" else f"{v['growth']:+.2f}"
        lines.append(
            f"| {metric} | {v['first']:.1f} | {v['last']:.1f} | {change} | {'FLAGGED' if v['flagged'] else 'no'} |"
        )
    return lines


def write_results(load, samples, judged, lines, stamp: str) -> list[Path]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    md = RESULTS / f"soak-{stamp}.md"
    md.write_text("\n".join(lines) + "\n")
    requests = RESULTS / f"soak-{stamp}-requests.csv"
    with requests.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["request", "requests", "failures", "p50_ms", "p95_ms", "max_ms", "statuses"])
        for name, row in load["by_type"].items():
            w.writerow(
                [name, row["requests"], row["failures"], row["p50_ms"], row["p95_ms"], row["max_ms"], row["statuses"]]
            )
        w.writerow(["TOTAL", load["requests"], load["failures"], "", "", "", f"error rate {error_rate(load):.6f}"])
    sampled = RESULTS / f"soak-{stamp}-samples.csv"
    with sampled.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(samples[0]) if samples else ["t"])
        w.writeheader()
        w.writerows(samples)
    return [md, requests, sampled]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30, help="how long the load runs (default 30)")
    parser.add_argument("--sample-seconds", type=float, default=60, help="resource sampling interval (default 60)")
    parser.add_argument("--warmup-minutes", type=float, default=2)
    parser.add_argument("--window-minutes", type=float, default=5)
    args = parser.parse_args(argv)
    if args.minutes <= 0 or args.sample_seconds <= 0:
        parser.error("--minutes and --sample-seconds must be positive")

    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # long-lived processes: no email kept in memory (locmem would grow for the whole run)
    os.environ.setdefault("BENCH_EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bench.results import machine
    from bench.world import NAME, database_marker

    marker = database_marker()
    if not marker:
        raise SystemExit(f"soak: {NAME} holds no generated data: run `make bench SCALE=1000000` first")
    call_command("migrate", verbosity=0, interactive=False)
    began = time.perf_counter()
    log = lambda text: print(f"[{time.perf_counter() - began:7.1f}s] {text}", flush=True)  # noqa: E731
    date = timezone.localtime().replace(microsecond=0)
    peak = peak_submissions_per_second()
    log(
        f"soak: {args.minutes:g} min against {NAME} ({marker}); submissions {peak:.2f}/s, "
        f"{sum(a.requests_per_second for a in mix()):.1f} requests/s planned"
    )
    load, samples, _ = run(args.minutes, args.sample_seconds, log)
    judged = verdict(samples, args.warmup_minutes * 60, args.window_minutes * 60)
    rate = error_rate(load)
    failed = rate >= MAX_ERROR_RATE
    grew = [m for m, v in judged.items() if v["flagged"]]
    header = (
        f"# Soak: {args.minutes:g} minutes at peak national rate\n\n"
        f"{date:%Y-%m-%d %H:%M %Z} on {machine()}, data {NAME} ({marker}); "
        f"planned {peak:.2f} submissions/s, {sum(a.requests_per_second for a in mix()):.1f} requests/s in all "
        f"(`bench/soak.py` docstring). Load average {os.getloadavg()[0]:.2f} at the end (shared machine)."
    )
    lines = report_lines(load, samples, judged, args.minutes, header)
    verdict_line = (
        f"VERDICT: error rate {rate:.4%} ({'FAILED' if failed else 'ok'}, limit < {MAX_ERROR_RATE:.1%}); "
        f"growth {'FLAGGED in ' + ', '.join(grew) if grew else 'none flagged'}"
    )
    lines += ["", verdict_line]
    print()
    print("\n".join(lines))
    paths = write_results(load, samples, judged, lines, f"{date:%Y%m%dT%H%M%S}")
    print("results: " + ", ".join(str(p.relative_to(ROOT)) for p in paths))
    return 1 if failed or grew else 0


if __name__ == "__main__":
    sys.exit(main())
