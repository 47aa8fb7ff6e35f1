"""Referral rollups for the dashboards (issue 7 item 4): rebuilt from source, set-based, never per row.

`refresh(partnership_ids=None)` rebuilds the ReferralMonth and ReferralOpen rows of those
partnerships (None: every partnership) in one transaction: one DELETE per table, then one
`INSERT ... SELECT ... GROUP BY GROUPING SETS` statement that writes both tables from a single scan of
the referrals (one snapshot, so months and open referrals agree). What each row holds:

- month: the month the referral was submitted in, in Europe/London; drafts are never counted;
- phase: the school's phase exactly as `partnership.phases.phase_of` (`phase_case()` is the same
  mapping as a SQL CASE, built from the same tables; tests/referrals/test_rollups.py proves they
  agree); two grains: `school` NULL (the partnership's schools of one phase) and one row per school;
- waiting: status in `referrals.states.OPEN`; accepted: accepted, first contact made or closed;
  signposted; not_accepted; urgent: urgency urgent;
- thrive: accepted referrals by THRIVE code; reasons: not accepted referrals by reason code;
- waits[d]: referrals first seen d days after the day they were submitted (local dates), the
  last bucket WAIT_CAP days or more; the list stops at the longest wait in the row;
- ReferralOpen: referrals still open, by waiting-time RAG (`referrals.waiting.clock_for`) as of
  the day of the refresh.

Staleness: every submission and transition calls `mark_stale(partnership_id)` inside its own
transaction; it upserts the partnership's RollupState (keeping the first `stale_since`) and, on
commit, queues `refresh_referral_rollups` for that partnership. A broker outage is logged and
swallowed: the five-minute beat sweep refreshes every stale partnership, the nightly run all of
them. The mark always writes the row, so a refresh can tell whether a change came in while it
ran: it remembers the row's version (`xmin`) before reading the referrals and clears
`stale_since` only if the row is unchanged; otherwise the partnership stays stale for the next
run. Refreshes of one partnership are serialised by a transaction-level advisory lock.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from partnership import outbox
from partnership.models import OrganisationKind, Partnership
from partnership.phases import NO_PHASE, PHASE_ALIASES, PHASE_OF_KIND

from .models.rollup import WAIT_CAP, RollupState
from .models.spa import NotAcceptedReason
from .states import OPEN, Status
from .waiting import AMBER_FROM, RED_FROM, STANDARD_DAYS, Clock

#: the first key of the advisory locks that serialise refreshes (the second is the partnership id)
LOCK_KEY = 7_101
ACCEPTED = (Status.ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED)
#: characters Python's str.strip() removes that btrim() would not by default (ASCII whitespace)
WHITESPACE = " \t\n\r\x0b\x0c"


@dataclass(frozen=True)
class Refreshed:
    partnerships: int
    months: int
    open: int
    seconds: float


def phase_case(phase: str, kind: str) -> tuple[str, list]:
    """`partnership.phases.phase_of` as a SQL expression over the columns `phase` and `kind`, built
    from the same tables (PHASE_ALIASES, PHASE_OF_KIND, the kinds' labels)."""
    params: list = []

    def p(value) -> str:
        params.append(value)
        return "%s"

    def cleaned() -> str:
        return f"lower(btrim(coalesce({phase}, ''), {p(WHITESPACE)}))"

    # placeholders are added in the order they appear in the text
    sql = f"CASE WHEN {cleaned()} IN "
    sql += f"({', '.join(p(value) for value in sorted(NO_PHASE))}) THEN (CASE {kind} "
    for value, label in OrganisationKind.choices:
        sql += f"WHEN {p(value)} THEN {p(PHASE_OF_KIND.get(value, label))} "
    sql += f"ELSE 'Other' END) ELSE coalesce((CASE {cleaned()} "
    for alias, name in PHASE_ALIASES.items():
        sql += f"WHEN {p(alias)} THEN {p(name)} "
    sql += f"END), btrim({phase}, {p(WHITESPACE)})) END"
    return sql, params


#: two aggregates for this session (pg_temp: no migration, gone when the connection closes): a tally of
#: codes as a JSON object, and a dense histogram of days (waits[d] += 1), both one pass over the rows
AGGREGATES_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.rollup_histogram_step(s int[], d int) RETURNS int[]
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    IF coalesce(array_length(s, 1), 0) <= d THEN
        s := s || array_fill(0, ARRAY[d + 1 - coalesce(array_length(s, 1), 0)]);
    END IF;
    s[d + 1] := s[d + 1] + 1;
    RETURN s;
END $$;
CREATE OR REPLACE AGGREGATE pg_temp.rollup_histogram(int) (
    SFUNC = pg_temp.rollup_histogram_step, STYPE = int[], INITCOND = '{}'
);
CREATE OR REPLACE FUNCTION pg_temp.rollup_tally_step(s jsonb, k text) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT s || jsonb_build_object(k, coalesce((s ->> k)::int, 0) + 1)
$$;
CREATE OR REPLACE AGGREGATE pg_temp.rollup_tally(text) (
    SFUNC = pg_temp.rollup_tally_step, STYPE = jsonb, INITCOND = '{}'
);
"""

#: writes both rollup tables from one scan of the referrals (<PHASE>: phase_case() of the school)
REFRESH_SQL = """
WITH schools AS MATERIALIZED (
    SELECT o.id, <PHASE> AS phase FROM partnership_organisation o
),
src AS MATERIALIZED (
    SELECT partnership_id, school_id, phase, status, urgent, is_open, is_accepted, thrive, reason,
        date_trunc('month', local)::date AS month,
        local::date AS day,
        CASE WHEN first_contact_on IS NOT NULL
            THEN LEAST(GREATEST(first_contact_on - local::date, 0), %s) END AS wait
    FROM (
        SELECT r.partnership_id, r.school_id, s.phase, r.status, r.thrive, r.first_contact_on,
            r.submitted_at AT TIME ZONE %s AS local,
            r.urgency = 'urgent' AS urgent,
            r.status = ANY(%s) AS is_open,
            r.status = ANY(%s) AS is_accepted,
            reason.code AS reason
        FROM referrals_referral r
        JOIN schools s ON s.id = r.school_id
        LEFT JOIN referrals_notacceptedreason reason ON reason.id = r.not_accepted_reason_id
        WHERE r.partnership_id = ANY(%s) AND r.status <> %s AND r.submitted_at IS NOT NULL
    ) r
),
months AS (
    INSERT INTO referrals_referralmonth
        (partnership_id, school_id, phase, month, referrals, urgent, waiting, accepted, signposted,
         not_accepted, thrive, reasons, waits)
    SELECT partnership_id, school_id, phase, month,
        count(*),
        count(*) FILTER (WHERE urgent),
        count(*) FILTER (WHERE is_open),
        count(*) FILTER (WHERE is_accepted),
        count(*) FILTER (WHERE status = %s),
        count(*) FILTER (WHERE status = %s),
        pg_temp.rollup_tally(thrive) FILTER (WHERE is_accepted AND thrive <> ''),
        pg_temp.rollup_tally(coalesce(reason, '')) FILTER (WHERE status = %s),
        pg_temp.rollup_histogram(wait)
    FROM src
    GROUP BY GROUPING SETS ((partnership_id, phase, month), (partnership_id, school_id, phase, month))
    RETURNING 1
),
opened AS (
    INSERT INTO referrals_referralopen (partnership_id, school_id, phase, rag, urgent, referrals)
    SELECT partnership_id, school_id, phase, rag, count(*) FILTER (WHERE urgent), count(*)
    FROM (
        SELECT partnership_id, school_id, phase, urgent,
            CASE WHEN %s::date - day > %s THEN %s WHEN %s::date - day >= %s THEN %s
                 WHEN %s::date - day >= %s THEN %s ELSE %s END AS rag
        FROM src WHERE is_open
    ) o
    GROUP BY GROUPING SETS ((partnership_id, phase, rag), (partnership_id, school_id, phase, rag))
    RETURNING 1
)
SELECT (SELECT count(*) FROM months), (SELECT count(*) FROM opened)
"""


def _source_sql(ids: list[int], today) -> tuple[str, list]:
    """The statement that writes both rollup tables for the partnerships in the array parameter."""
    phase, phase_params = phase_case("o.phase", "o.kind")
    tz = settings.TIME_ZONE
    open_ = [s.value for s in OPEN]
    accepted = [s.value for s in ACCEPTED]
    # the only text put in is phase_case()'s SQL, which holds placeholders, never values
    sql = REFRESH_SQL.replace("<PHASE>", phase)
    params = [
        *phase_params,
        WAIT_CAP,
        tz,
        open_,
        accepted,
        ids,
        Status.DRAFT.value,
        Status.SIGNPOSTED.value,
        Status.NOT_ACCEPTED.value,
        Status.NOT_ACCEPTED.value,
        today,
        STANDARD_DAYS,
        Clock.BREACHED.value,
        today,
        RED_FROM,
        Clock.RED.value,
        today,
        AMBER_FROM,
        Clock.AMBER.value,
        Clock.GREEN.value,
    ]
    return sql, params


def refresh(partnership_ids=None, *, today=None) -> Refreshed:
    """Rebuild the rollups of these partnerships (None: all of them) from source, in one transaction."""
    started = time.monotonic()
    today = today or timezone.localdate()
    if partnership_ids is None:
        ids = sorted(Partnership.objects.values_list("pk", flat=True))
    else:
        ids = sorted(Partnership.objects.filter(pk__in=list(partnership_ids)).values_list("pk", flat=True))
    if not ids:
        return Refreshed(0, 0, 0, time.monotonic() - started)
    with transaction.atomic(), connection.cursor() as cursor:
        # one big grouping: sort in memory, and no JIT (compiling costs more than it saves here)
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(AGGREGATES_SQL)
        for pk in ids:  # in order, so two refreshes never wait for each other in a cycle
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, pk])
        cursor.execute(
            "INSERT INTO referrals_rollupstate (partnership_id) SELECT unnest(%s::int[]) ON CONFLICT DO NOTHING",
            [ids],
        )
        # each state row's version before the referrals are read: a change after this alters it
        cursor.execute(
            "SELECT partnership_id, xmin::text FROM referrals_rollupstate WHERE partnership_id = ANY(%s)", [ids]
        )
        versions = dict(cursor.fetchall())
        cursor.execute("DELETE FROM referrals_referralmonth WHERE partnership_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM referrals_referralopen WHERE partnership_id = ANY(%s)", [ids])
        cursor.execute(*_source_sql(ids, today))
        months, opened = cursor.fetchone()
        cursor.execute(
            """UPDATE referrals_rollupstate s SET refreshed_at = %s,
                stale_since = CASE WHEN s.xmin::text = v.version THEN NULL ELSE s.stale_since END
            FROM unnest(%s::int[], %s::text[]) AS v(partnership_id, version)
            WHERE s.partnership_id = v.partnership_id""",
            [timezone.now(), list(versions), list(versions.values())],
        )
    return Refreshed(len(ids), months, opened, time.monotonic() - started)


def is_fresh(partnership_id: int) -> bool:
    """Refreshed since its last change: its state row exists and is not stale."""
    return RollupState.objects.filter(pk=partnership_id, stale_since__isnull=True).exists()


def stale_partnership_ids() -> list[int]:
    return list(RollupState.objects.filter(stale_since__isnull=False).order_by("pk").values_list("pk", flat=True))


def mark_stale(partnership_id: int) -> None:
    """A referral of this partnership changed: mark its rollups stale (in the caller's transaction,
    keeping the first `stale_since`) and queue a refresh once the change is committed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO referrals_rollupstate (partnership_id, stale_since) VALUES (%s, %s)
            ON CONFLICT (partnership_id) DO UPDATE
            SET stale_since = coalesce(referrals_rollupstate.stale_since, EXCLUDED.stale_since)""",
            [partnership_id, timezone.now()],
        )
    transaction.on_commit(lambda: queue_refresh(partnership_id))


def queue_refresh(partnership_id: int) -> bool:
    """Queue a refresh of one partnership, never waiting for the broker (partnership/outbox.send_now):
    if Redis is down, RollupState.stale_since stays set and the five-minute sweep refreshes it."""
    from .notify import is_suppressed
    from .tasks.rollups import refresh_referral_rollups

    if is_suppressed():
        return False
    return outbox.send_now(refresh_referral_rollups.name, kwargs={"partnership_id": partnership_id})


def reason_labels(codes, partnership_ids) -> dict[str, str]:
    """Labels of not-accepted reason codes (the partnerships' own wording first, then the defaults)."""
    from .models.spa import DEFAULT_REASONS

    labels = dict(DEFAULT_REASONS)
    own = (
        NotAcceptedReason.objects.filter(code__in=list(codes), spa__partnership_id__in=list(partnership_ids))
        .order_by("-spa_id")
        .values_list("code", "label")
    )
    labels.update(dict(own))
    return labels
