"""After loading: sequences past every id written, VACUUM (ANALYZE), the referral rollups, and
what was made, checked by SQL."""

from django.db import connection

from partnership.models import Partnership
from referrals import rollups
from referrals.models import Referral

from .world import SLUG_PREFIX


def fix_sequences(models) -> None:
    """Every sequence at least at its table's largest id (the ids were reserved ahead, so this is a check)."""
    with connection.cursor() as cursor:
        for model in models:
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST("  # noqa: S608 (names from the models)
                f"(SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 1) FROM {connection.ops.quote_name(table)}),"
                f" (SELECT last_value FROM {_sequence(cursor, table, pk)})))",
                [table, pk],
            )


def _sequence(cursor, table, pk) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
    return cursor.fetchone()[0]


def analyze(models) -> None:
    """VACUUM (ANALYZE) each loaded table, as autovacuum would in time: planner statistics, and a
    visibility map so counts can be answered from indexes. VACUUM needs autocommit: inside a
    transaction (the tests) only ANALYZE."""
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def refresh_rollups() -> str:
    """Rebuild every partnership's referral rollups, as the nightly task would."""
    result = rollups.refresh()
    return f"refreshed ({result})" if result is not None else "refreshed"


def scale_partnership_ids() -> list[int]:
    return list(Partnership.objects.filter(slug__startswith=SLUG_PREFIX).values_list("pk", flat=True))


def measured() -> dict:
    """The outcome mix and days to first contact of the generated referrals, by SQL."""
    ids = scale_partnership_ids()
    table = Referral._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, COUNT(*) FROM {table} WHERE partnership_id = ANY(%s) GROUP BY status",  # noqa: S608
            [ids],
        )
        statuses = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT COUNT(*) FILTER (WHERE urgency = 'urgent'), COUNT(*),"  # noqa: S608
            " percentile_cont(0.5) WITHIN GROUP (ORDER BY first_contact_on - (submitted_at AT TIME ZONE %s)::date),"
            " percentile_cont(0.9) WITHIN GROUP (ORDER BY first_contact_on - (submitted_at AT TIME ZONE %s)::date)"
            f" FROM {table} WHERE partnership_id = ANY(%s)",
            ["Europe/London", "Europe/London", ids],
        )
        urgent, total, median, p90 = cursor.fetchone()
    total = total or 1
    groups = {
        "accepted": ("accepted", "first_contact", "closed"),
        "waiting": ("submitted", "in_triage", "info_requested", "accepted"),
        "signposted": ("signposted",),
        "not_accepted": ("not_accepted",),
    }
    mix = {name: sum(statuses.get(s, 0) for s in members) / total for name, members in groups.items()}
    return {"statuses": statuses, "mix": mix, "urgent": urgent / total, "median": median, "p90": p90}
