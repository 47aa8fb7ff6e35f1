"""scripts/backup-restore-check.sh against the test database: dump (custom format), restore into a
fresh database, compare exact row counts of every table, drop the fresh database."""

import subprocess
from pathlib import Path

import pytest
from django.db import connection

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.services import audit

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "backup-restore-check.sh"

pytestmark = pytest.mark.django_db(transaction=True)  # the script's own connections must see the data


def _database_url() -> str:
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _run(env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", **(env_extra or {})}
    return subprocess.run(
        [str(SCRIPT), _database_url()], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def _leftover_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [connection.settings_dict["NAME"] + "%"]
        )
        return [name for (name,) in cursor.fetchall() if "restore_check" in name]


@pytest.fixture
def some_data(cast):
    for _ in range(3):
        audit.record(actor=cast.lead, action=AuditAction.UPDATE, obj=cast.partnership, detail={"via": "test"})
    assert AuditEvent.objects.count() >= 3
    return cast


def test_the_check_passes_when_the_restored_copy_has_every_row(some_data):
    result = _run()
    assert result.returncode == 0, result.stderr
    summary = result.stderr.strip().splitlines()[-1]
    assert summary.startswith("[backup-check] OK: ")
    tables = int(summary.split("OK: ")[1].split(" tables")[0])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'"
        )
        assert tables == cursor.fetchone()[0]
    assert _leftover_databases() == []


def test_the_check_fails_when_the_restored_copy_lost_a_row(some_data):
    result = _run(
        {
            # Audit events are append-only (a trigger refuses DELETE): lose a migration record instead.
            "BACKUP_CHECK_BEFORE_COMPARE_SQL": (
                "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
            )
        }
    )
    assert result.returncode != 0
    assert "FAILED: the restored copy differs from the source" in result.stderr
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        count = cursor.fetchone()[0]
    assert f"-public.django_migrations {count}" in result.stderr
    assert f"+public.django_migrations {count - 1}" in result.stderr
    assert _leftover_databases() == []  # the fresh database is dropped on failure too


def test_the_check_fails_when_the_restored_copy_lost_a_table(some_data):
    result = _run({"BACKUP_CHECK_BEFORE_COMPARE_SQL": "DROP TABLE django_session"})
    assert result.returncode != 0
    assert "FAILED" in result.stderr and "-public.django_session 0" in result.stderr
    assert _leftover_databases() == []


def test_the_check_refuses_to_run_without_a_database(db):
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 2
    assert "usage" in result.stderr
