import shutil
import socket
import subprocess
import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_is_200_when_database_and_redis_are_up(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.services
def test_healthz_is_503_when_redis_stops(client, settings, tmp_path):
    """Start a real Redis of our own, check health, stop it, check again."""
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
            if client.get(reverse("healthz")).status_code == 200:
                break
            time.sleep(0.1)
        assert client.get(reverse("healthz")).status_code == 200
        server.terminate()
        server.wait(timeout=10)
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "unavailable"}}
        assert "Connection" not in response.content.decode()  # no detail leaks
    finally:
        if server.poll() is None:
            server.kill()


def test_healthz_needs_no_sign_in(client):
    assert client.get(reverse("healthz")).status_code in (200, 503)
    assert not client.get(reverse("healthz")).has_header("Location")
