"""Checks behind /healthz (liveness) and /readyz (readiness); see docs/operations.md.

Liveness is the process answering at all: it depends on nothing outside the process, so an outage
of PostgreSQL or Redis never makes an orchestrator restart healthy web processes (a restart cannot
fix the database, and restarting every replica at once turns an outage into a longer one).
Readiness is whether this process can do its work now: the database reachable with every migration
applied, and in production the static files manifest present. Redis is checked and reported, but a
Redis outage only degrades readiness: requests still succeed and the outbox keeps their work.
"""

from pathlib import Path

import redis
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def database_ok() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def migrations_applied() -> bool:
    """True when the database has every migration this code has (none unapplied)."""
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        return not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:
        return False


def redis_ok() -> bool:
    timeout = settings.REDIS_HEALTH_TIMEOUT_SECONDS
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def static_manifest_ok() -> bool:
    """With manifest storage (production), collectstatic must have written the manifest; without
    it every page fails to find its CSS and JavaScript. Other storages need nothing."""
    storage = storages["staticfiles"]
    if not isinstance(storage, ManifestFilesMixin):
        return True
    try:
        return Path(storage.path(storage.manifest_name)).is_file()
    except Exception:
        return False


#: the checks that decide readiness (the others are reported only)
REQUIRED_FOR_READINESS = ("database", "migrations", "static")


def readiness() -> dict[str, bool]:
    database = database_ok()
    return {
        "database": database,
        "migrations": database and migrations_applied(),
        "redis": redis_ok(),
        "static": static_manifest_ok(),
    }
