"""W1-W6 (issue 7 item 7): each a figure against a baseline measured in the same run, on the same
gunicorn server and database. Throughputs and latencies come from the loopback load generator
(bench/loadgen.py: fixed users, fixed duration, no think time); every timed figure is the median
of REPEATS runs, workload and baseline runs interleaved so drift hits both alike.
"""

import http.client
import os
import statistics
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .results import AT_LEAST, AT_MOST, EQUAL, VALUE, Result, latest
from .server import load, rss_kib
from .timing import median_seconds
from .world import BENCH_SLUGS, complete_referral, cookie_headers, deadlocks, triage_pool

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
DURATION = float(os.environ.get("BENCH_DURATION", "3"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "1"))
USERS = int(os.environ.get("BENCH_USERS", "8"))
W4_USERS = int(os.environ.get("BENCH_W4_USERS", "2"))
W3_POOL = 100
W3_CLIENTS = 8
W5_BUDGET_SECONDS = float(os.environ.get("BENCH_W5_BUDGET_SECONDS", "20"))
#: the one clinician's rate is measured over this long (or until the 100 are decided)
W3_ALONE_SECONDS = float(os.environ.get("BENCH_W3_ALONE_SECONDS", "8"))
DASHBOARD_PATH = os.environ.get("BENCH_W4_PATH", "/dashboards/commissioned/")
EXPORT_PATH = os.environ.get("BENCH_W6_PATH", "/api/v1/referrals/export/")
MB = 1024 * 1024


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def timed_median(fn, repeats=REPEATS) -> float:
    return median_seconds(fn, repeats)


def _run(name, kind, path, headers, users=USERS, **extra) -> dict:
    return {
        "name": name,
        "kind": kind,
        "path": path,
        "headers": headers,
        "users": users,
        "duration": DURATION,
        "warmup": WARMUP,
        **extra,
    }


def _interleaved(url, runs: list[dict]) -> dict[str, list[dict]]:
    """Each run REPEATS times, in turn (a b a b a b); results by run name."""
    results = load(url, [run for _ in range(REPEATS) for run in runs])
    by_name: dict[str, list[dict]] = {}
    for result in results:
        by_name.setdefault(result["name"], []).append(result)
    return by_name


def _statuses(results: list[dict]) -> Counter:
    total = Counter()
    for result in results:
        total.update(result["statuses"])
    return total


def _unexpected(statuses: Counter, expected: set[str]) -> str:
    odd = {code: n for code, n in statuses.items() if code not in expected}
    return f"unexpected statuses {odd}" if odd else ""


# --- W1 ----------------------------------------------------------------------------------------
def queue_queries(token: str, page_size: int) -> int:
    """Queries to answer the queue page, counted in this process (CaptureQueriesContext)."""
    client = Client(HTTP_HOST="127.0.0.1")
    headers = {"Authorization": f"Token {token}"}
    client.get("/api/v1/referrals/", {"page_size": page_size}, headers=headers)  # warm caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/referrals/", {"page_size": page_size}, headers=headers)
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == page_size, "the SPA has fewer referrals than the page"
    return len(queries)


def w1(url, world) -> list[Result]:
    headers = {"Authorization": f"Token {world.queue_token}"}
    runs = _interleaved(
        url,
        [_run("me", "get", "/api/v1/me/", headers), _run("queue", "get", "/api/v1/referrals/?page_size=25", headers)],
    )
    me, queue = median(r["rps"] for r in runs["me"]), median(r["rps"] for r in runs["queue"])
    note = _unexpected(_statuses(runs["me"] + runs["queue"]), {"200"})
    count = world.queue_spa.referrals.exclude(status="draft").count()
    small, large = queue_queries(world.queue_token, 5), queue_queries(world.queue_token, 25)
    return [
        Result(
            "W1",
            "throughput: queue page of 25 / GET /api/v1/me/",
            queue,
            me,
            0.25,
            AT_LEAST,
            unit="req/s",
            note=note or f"{USERS} users; the SPA has {count:,} referrals",
        ),
        Result("W1", "queue page p95", median(r["p95_ms"] for r in runs["queue"]), unit="ms"),
        Result("W1", "queries: page of 25 / page of 5", large, small, 1.0, EQUAL, unit="queries"),
    ]


# --- W2 ----------------------------------------------------------------------------------------
def w2(url, world) -> list[Result]:
    from django.utils import timezone

    headers = cookie_headers(world.referrer_cookie)
    body = complete_referral(timezone.localdate())
    runs = _interleaved(
        url,
        [
            _run("trivial", "post_json", "/bench/trivial/", headers, body=body, expect=[201]),
            _run("referral", "post_json", "/api/v1/referrals/", headers, body=body, idempotency=True, expect=[201]),
        ],
    )
    trivial, referral = median(r["rps"] for r in runs["trivial"]), median(r["rps"] for r in runs["referral"])
    # The latency a school sees: one user at a time (under the throughput runs' saturating load the
    # p95 is only users / throughput).
    one = _run("alone", "post_json", "/api/v1/referrals/", headers, users=1, body=body, idempotency=True, expect=[201])
    alone = load(url, [one] * REPEATS)
    note = _unexpected(_statuses(runs["trivial"] + runs["referral"] + alone), {"201"})
    return [
        Result(
            "W2",
            "throughput: POST a referral / trivial authenticated POST",
            referral,
            trivial,
            0.35,
            AT_LEAST,
            unit="req/s",
            note=note or f"{USERS} users; session and CSRF as a school's browser; baseline POST /bench/trivial/",
        ),
        Result(
            "W2", "referral POST p95, one user", median(r["p95_ms"] for r in alone), None, 250, AT_MOST, VALUE, "ms"
        ),
        Result("W2", f"referral POST p95, {USERS} users", median(r["p95_ms"] for r in runs["referral"]), unit="ms"),
    ]


# --- W3 ----------------------------------------------------------------------------------------
def _triage_run(url, world, clients: int, limit: float = 300) -> dict:
    triage_pool(world, W3_POOL)
    run = {
        "name": f"triage-{clients}",
        "kind": "triage",
        "users": clients,
        "tokens": world.clinician_tokens,
        "queue": "/api/v1/referrals/?status=submitted&page_size=8",
        "decision": world.decision,
        "timeout": limit,
    }
    result = load(url, [run])[0]
    from referrals.models import Referral, StatusChange

    pool = Referral.objects.filter(spa=world.load_spa)
    result["left"] = pool.filter(status="submitted").count() + pool.filter(status="in_triage").count()
    decided = StatusChange.objects.filter(referral__spa=world.load_spa, to_status="not_accepted")
    result["decided_twice"] = decided.count() - decided.values("referral").distinct().count()
    return result


def w3(url, world) -> list[Result]:
    before = deadlocks()
    alone, together = [], []
    for _ in range(REPEATS):
        alone.append(_triage_run(url, world, 1, limit=W3_ALONE_SECONDS))
        together.append(_triage_run(url, world, W3_CLIENTS))
    found = deadlocks() - before
    errors = Counter()
    for result in alone + together:
        errors.update(result["other"])
    non_412 = sum(errors.values())
    server_errors = sum(n for key, n in errors.items() if key.split()[-1].startswith("5"))
    left = sum(r["left"] for r in together)
    twice = sum(r["decided_twice"] for r in alone + together)
    conflicts = median(r["conflicts"] for r in together)
    notes = [f"{W3_CLIENTS} clinicians vs 1 on {W3_POOL} submitted referrals each run"]
    if left:
        notes.append(f"{left} referrals left undecided (timeout)")
    if errors:
        notes.append(f"errors {dict(errors)}")
    return [
        Result(
            "W3",
            "rate: 8 clients contended / 1 client (referrals decided/s)",
            median(r["rate"] for r in together),
            median(r["rate"] for r in alone),
            0.7,
            AT_LEAST,
            unit="/s",
            note="; ".join(notes),
        ),
        Result("W3", "conflicts answered 412 (median per run)", conflicts, unit="claims"),
        Result("W3", "non-412 errors", non_412, None, 0, AT_MOST, VALUE, note=f"of which 5xx: {server_errors}"),
        Result("W3", "referrals decided twice", twice, None, 0, AT_MOST, VALUE),
        Result("W3", "deadlocks (pg_stat_database)", found, None, 0, AT_MOST, VALUE),
    ]


# --- W4 ----------------------------------------------------------------------------------------
#: The bare SQL aggregate: every referral in England (no rollups, no scope), the figures of the
#: referrals panel in one scan: volume, urgency and outcomes by month of submission, the THRIVE mix,
#: reasons not accepted, open referrals by waiting-time RAG, and days to first contact (median,
#: 90th percentile, seen within four weeks), by GROUPING SETS.
DASHBOARD_SQL = """
WITH r AS (
    SELECT date_trunc('month', submitted_at AT TIME ZONE 'Europe/London') AS month,
           status, urgency, thrive, not_accepted_reason_id AS reason,
           first_contact_on - (submitted_at AT TIME ZONE 'Europe/London')::date AS wait,
           CASE WHEN status NOT IN ('submitted', 'in_triage', 'info_requested', 'accepted') THEN NULL
                WHEN CURRENT_DATE - (submitted_at AT TIME ZONE 'Europe/London')::date > 28 THEN 'breached'
                WHEN CURRENT_DATE - (submitted_at AT TIME ZONE 'Europe/London')::date >= 22 THEN 'red'
                WHEN CURRENT_DATE - (submitted_at AT TIME ZONE 'Europe/London')::date >= 15 THEN 'amber'
                ELSE 'green' END AS rag
    FROM referrals_referral
    WHERE submitted_at IS NOT NULL
      AND partnership_id NOT IN (SELECT id FROM partnership_partnership WHERE slug = ANY(%s))
)
SELECT GROUPING(month, thrive, reason, rag) AS grain, month, thrive, reason, rag,
       count(*) AS referrals,
       count(*) FILTER (WHERE urgency = 'urgent') AS urgent,
       count(*) FILTER (WHERE rag IS NOT NULL) AS waiting,
       count(*) FILTER (WHERE status IN ('accepted', 'first_contact', 'closed')) AS accepted,
       count(*) FILTER (WHERE status = 'signposted') AS signposted,
       count(*) FILTER (WHERE status = 'not_accepted') AS not_accepted,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS median_wait,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS p90_wait,
       count(*) FILTER (WHERE wait <= 28) AS seen_within_four_weeks
FROM r
GROUP BY GROUPING SETS ((month), (thrive), (reason), (rag), ())
"""


def bare_dashboard_sql() -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(DASHBOARD_SQL, [list(BENCH_SLUGS)])
            cursor.fetchall()

    run()  # warm the cache: the page is measured warm too
    return timed_median(run)


def w4(url, world, scale: int) -> list[Result]:
    sql_seconds = bare_dashboard_sql()
    headers = cookie_headers(world.commissioner_cookie)
    runs = load(url, [_run("dashboard", "get", DASHBOARD_PATH, headers, users=W4_USERS) for _ in range(REPEATS)])
    p95 = median(r["p95_ms"] for r in runs)
    statuses = _statuses(runs)
    factor = 0.05 if scale >= 5_000_000 else 0.2
    placeholder = set(statuses) != {"200"}
    note = f"{W4_USERS} users; {DASHBOARD_PATH}; the bare SQL scans all referrals (README)"
    if placeholder:
        note = f"PLACEHOLDER: {DASHBOARD_PATH} answered {dict(statuses)}, not the dashboard; {note}"
    results = [
        Result(
            "W4",
            "dashboard p95 / bare SQL aggregate",
            p95,
            sql_seconds * 1000,
            None if placeholder else factor,
            AT_MOST,
            unit="ms",
            note=note,
        )
    ]
    metric = "dashboard p95 (ms)"
    results.append(Result("W4", metric, p95, unit="ms", note="kept to compare 5M with 1M"))
    if not placeholder and scale in (1_000_000, 5_000_000):
        at_1m = p95 if scale == 1_000_000 else latest("W4", metric, 1_000_000)
        at_5m = p95 if scale == 5_000_000 else latest("W4", metric, 5_000_000)
        if at_1m is not None and at_5m is not None:
            results.append(Result("W4", "p95 at 5M / p95 at 1M", at_5m, at_1m, 1.2, AT_MOST, unit="ms"))
    return results


# --- W5 ----------------------------------------------------------------------------------------
CANDIDATES_SQL = """
SELECT id, spa_id, submitted_at,
       COALESCE(first_contact_on, %s) - (submitted_at AT TIME ZONE 'Europe/London')::date AS days
FROM referrals_referral
WHERE status IN ('submitted', 'in_triage', 'info_requested', 'accepted')
  AND submitted_at IS NOT NULL
  AND COALESCE(first_contact_on, %s) - (submitted_at AT TIME ZONE 'Europe/London')::date >= 22
"""


class _Rollback(Exception):
    pass


def w5() -> list[Result]:
    from django.core import mail
    from django.utils import timezone

    from referrals.tasks.waiting import warn_waiting_times

    today = timezone.localdate()

    def candidates():
        with connection.cursor() as cursor:
            cursor.execute(CANDIDATES_SQL, [today, today])
            return cursor.fetchall()

    count = len(candidates())
    sql_seconds = timed_median(candidates)
    firsts, seconds, sent, again = [], [], [], []
    for _ in range(REPEATS):
        try:
            with transaction.atomic():
                start = time.perf_counter()
                sent.append(warn_waiting_times())
                firsts.append(time.perf_counter() - start)
                start = time.perf_counter()
                again.append(warn_waiting_times())
                seconds.append(time.perf_counter() - start)
                raise _Rollback
        except _Rollback:
            pass
        mail.outbox = []
        if sum(firsts) + sum(seconds) > W5_BUDGET_SECONDS:
            break  # long sweeps are measured fewer times (the note says how many)
    first, second = median(firsts), median(seconds)
    note = (
        f"{count:,} candidates, {median(sent):,.0f} warnings (in digests) sent by the first run; "
        "in-process, rolled back; "
        f"median of {len(firsts)}"
    )
    return [
        Result(
            "W5", "first sweep / bare SQL selecting candidates", first, sql_seconds, 3, AT_MOST, unit="s", note=note
        ),
        Result("W5", "second sweep / bare SQL (steady state)", second, sql_seconds, unit="s"),
        Result("W5", "warnings sent by the second run", max(again), None, 0, EQUAL, VALUE),
    ]


# --- W6 ----------------------------------------------------------------------------------------
def copy_sql(spa_id: int) -> str:
    from referrals.models import Referral

    custom = os.environ.get("BENCH_W6_COPY_SQL")
    if custom:
        return custom.replace("{spa}", str(int(spa_id)))
    # The export's own query (referrals/api/export.py: the same columns, formatted in SQL), bound
    # client-side into one statement for COPY.
    import psycopg
    from django.utils import timezone

    from referrals.api.export import export_rows

    spa_referrals = Referral.objects.filter(spa_id=int(spa_id)).exclude(status="draft").order_by("submitted_at", "pk")
    sql, params = export_rows(spa_referrals, timezone.localdate()).query.sql_with_params()
    with connection.cursor() as cursor:
        bound = psycopg.ClientCursor(cursor.cursor.connection).mogrify(sql, params)
    return f"COPY ({bound}) TO STDOUT WITH (FORMAT csv, HEADER)"


def copy_rows_per_second(spa_id: int) -> tuple[float, int]:
    statement = copy_sql(spa_id)

    def run():
        lines = 0
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for data in copy:
                lines += bytes(data).count(b"\n")
        run.rows = lines - 1

    seconds = timed_median(run)
    return run.rows / seconds, run.rows


def _download(url: str, path: str, token: str, pids: list[int]) -> dict:
    parts = urlsplit(url)
    before = {pid: rss_kib(pid) or 0 for pid in pids}
    peak = dict(before)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], rss_kib(pid) or 0)
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Authorization": f"Token {token}"})
        response = conn.getresponse()
        lines, size = 0, 0
        while chunk := response.read(256 * 1024):
            lines += chunk.count(b"\n")
            size += len(chunk)
        elapsed = time.perf_counter() - start
    finally:
        done.set()
        sampler.join()
        conn.close()
    growth = max((peak[pid] - before[pid]) for pid in pids) * 1024 if pids else 0
    return {
        "status": response.status,
        "type": response.getheader("Content-Type", ""),
        "rows": max(lines - 1, 0),
        "bytes": size,
        "seconds": elapsed,
        "growth": growth,
    }


def w6(server, world) -> list[Result]:
    copy_rate, copy_rows = copy_rows_per_second(world.export_spa.pk)
    runs = [_download(server.url, EXPORT_PATH, world.export_token, server.worker_pids()) for _ in range(REPEATS)]
    statuses = {r["status"] for r in runs}
    ok = statuses == {200} and all(r["rows"] >= copy_rows * 0.9 for r in runs)
    rate = median(r["rows"] / r["seconds"] for r in runs) if ok else None
    growth = max(r["growth"] for r in runs) / MB
    note = f"{copy_rows:,} rows (bench-export SPA); {EXPORT_PATH}; duty lead's token"
    if not ok:
        note = (
            f"PLACEHOLDER: {EXPORT_PATH} answered {sorted(statuses)} with {runs[0]['rows']:,} rows, not the export; "
            + note
        )
    return [
        Result(
            "W6",
            "rows/s: streaming CSV export / COPY TO STDOUT",
            rate,
            copy_rate,
            0.25,
            AT_LEAST,
            unit="rows/s",
            note=note,
        ),
        Result("W6", "gunicorn worker memory growth", growth if ok else None, None, 50, AT_MOST, VALUE, "MB"),
    ]
