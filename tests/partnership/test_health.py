"""/healthz is liveness (the process answers, whatever PostgreSQL and Redis are doing); /readyz is
readiness (database reachable with every migration applied, Redis answering, static manifest)."""

import shutil
import socket
import subprocess
import time

import pytest
from django.db import connection
from django.urls import reverse

from partnership import health

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_is_200_and_says_nothing_more(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_does_not_touch_the_database_or_redis(client, settings, django_assert_num_queries):
    settings.REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200


def test_healthz_and_readyz_need_no_sign_in(client):
    for name in ("healthz", "readyz"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert not response.has_header("Location")


def test_readyz_is_200_when_everything_is_ready(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "ok", "static": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_while_a_migration_is_unapplied(client):
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'partnership')"
        )
    assert not health.migrations_applied()
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"] == "unavailable"
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_needs_the_static_manifest_with_manifest_storage(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["static"] == "unavailable"
    (tmp_path / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    assert health.static_manifest_ok()


@pytest.mark.services
def test_readyz_reports_redis_stopping_as_degraded_but_stays_ready(client, settings, tmp_path):
    """Start a real Redis of our own, check readiness, stop it, check again."""
    port = _free_port()
    server = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        for _ in range(50):
            if client.get(reverse("readyz")).status_code == 200:
                break
            time.sleep(0.1)
        assert client.get(reverse("readyz")).status_code == 200
        server.terminate()
        server.wait(timeout=10)
        response = client.get(reverse("readyz"))
        # requests succeed without Redis (the outbox keeps their work): not a reason to take this
        # replica out of the load balancer
        assert response.status_code == 200
        assert response.json() == {
            "status": "degraded",
            "checks": {"database": "ok", "migrations": "ok", "redis": "unavailable", "static": "ok"},
        }
        assert "Connection" not in response.content.decode()  # no detail leaks
        assert client.get(reverse("healthz")).status_code == 200  # liveness does not depend on Redis
    finally:
        if server.poll() is None:
            server.kill()
