"""PostgreSQL restarted under the running app (issue 8, item 1).

A private PostgreSQL cluster (its own port and data directory, never the shared one) gets a copy of
the test database; a real gunicorn serves the app from it. While the cluster is stopped, pages
answer 503 with the friendly page and the API 503 JSON (not 500, and without hanging); once it is
started again the same requests succeed, served by the same gunicorn processes.
"""

import glob
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest
import requests
from django.db import connection
from django.urls import reverse
from knox.models import AuthToken

from tests.factories import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
REQUEST_TIMEOUT = 10  # seconds: a request that hangs longer fails the test


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bindir() -> Path:
    """As scripts/services.sh finds it: pg_config's bindir, else the newest /usr/lib/postgresql/*/bin."""
    if shutil.which("pg_config"):
        found = Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout.strip())
        if (found / "initdb").exists():
            return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    assert candidates, "PostgreSQL server binaries (initdb, pg_ctl) are not installed"
    return Path(candidates[-1])


class PrivateCluster:
    """A throwaway PostgreSQL cluster. PostgreSQL refuses to run as root: as root, it runs as
    Debian's `postgres` user, in a folder under /var/tmp that user can reach (pytest's tmp_path is
    inside a root-only folder)."""

    def __init__(self, tmp_path: Path):
        self.bindir = _pg_bindir()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="cyp-pg-restart-", dir="/var/tmp")) if self.as_root else tmp_path
        self.data, self.run_dir = self.base / "data", self.base / "run"
        self.run_dir.mkdir()
        if self.as_root:
            shutil.chown(self.base, "postgres")
            shutil.chown(self.run_dir, "postgres")
        self.port = _free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/cyp"

    def _as_owner(self, *command) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if self.as_root else list(command)

    def _pg_ctl(self, *args):
        subprocess.run(
            self._as_owner(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def init(self):
        subprocess.run(
            self._as_owner(
                str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                "--auth=trust", "--encoding=UTF8", "--no-locale",
            ),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def start(self):
        options = (
            f"-p {self.port} -k {self.run_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(self.run_dir / "postgresql.log"), "-w", "-t", "60", "-o", options, "start")

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "-t", "60", "stop")

    def running(self) -> bool:
        status = self._as_owner(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status")
        return subprocess.run(status, capture_output=True, timeout=30).returncode == 0

    def destroy(self):
        if self.data.exists() and self.running():
            self._pg_ctl("-m", "immediate", "-w", "stop")
        if self.as_root:
            shutil.rmtree(self.base, ignore_errors=True)


def _source_url() -> str:
    s = connection.settings_dict
    credentials = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{credentials}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def _sign_in(session: requests.Session, base: str, email: str) -> None:
    login = base + reverse("account_login")
    page = session.get(login, timeout=REQUEST_TIMEOUT)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        login,
        data={"login": email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=REQUEST_TIMEOUT,
    )
    assert response.status_code == 302, response.text[:500]


@pytest.mark.services
def test_requests_fail_cleanly_while_postgresql_is_down_and_recover_without_a_restart(transactional_db, cast, tmp_path):
    user = cast.lead
    assert not user.requires_mfa  # signs in with a password alone
    _, api_token = AuthToken.objects.create(user=user)

    # A copy of the test database (schema and the rows above) in a private cluster.
    dump = tmp_path / "copy.sql"
    subprocess.run(
        ["pg_dump", "--no-owner", "--no-privileges", f"--file={dump}", _source_url()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    cluster = PrivateCluster(tmp_path)
    server = None
    try:
        cluster.init()
        cluster.start()
        admin_url = cluster.url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin_url, "-X", "-q", "-c", "CREATE DATABASE cyp"], check=True, capture_output=True)
        subprocess.run(
            ["psql", cluster.url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump)],
            check=True,
            capture_output=True,
            timeout=120,
        )

        # The app, as a real gunicorn server on the private cluster.
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": cluster.url,
        }
        with open(tmp_path / "gunicorn.log", "wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--timeout", "30"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        for _ in range(600):
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or the worker is still loading
                pass
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.1)
        workers = {child.pid for child in psutil.Process(server.pid).children()}
        assert len(workers) == 1

        browser = requests.Session()
        _sign_in(browser, base, user.email)
        page = base + reverse("partnership_list")
        api = base + reverse("api_me")
        token = {"Authorization": f"Token {api_token}"}

        def get_page():
            return browser.get(page, timeout=REQUEST_TIMEOUT, allow_redirects=False)

        def get_api():
            return requests.get(api, headers=token, timeout=REQUEST_TIMEOUT)

        assert get_page().status_code == 200
        assert get_api().status_code == 200
        assert get_api().json()["email"] == user.email
        assert requests.get(api, timeout=REQUEST_TIMEOUT).status_code == 401
        assert requests.get(base + "/readyz", timeout=REQUEST_TIMEOUT).status_code == 200

        # PostgreSQL goes away under the running app.
        cluster.stop()
        down_page = get_page()
        assert down_page.status_code == 503, down_page.text[:500]
        assert "Sorry, the service is unavailable" in down_page.text
        assert down_page.headers["Retry-After"] == "30"
        down_api = get_api()
        assert down_api.status_code == 503
        assert down_api.headers["Content-Type"] == "application/json"
        assert down_api.json()["code"] == "service_unavailable"
        ready = requests.get(base + "/readyz", timeout=REQUEST_TIMEOUT)
        assert ready.status_code == 503 and ready.json()["checks"]["database"] == "unavailable"
        assert requests.get(base + "/healthz", timeout=REQUEST_TIMEOUT).status_code == 200  # liveness holds

        # It comes back: the same requests succeed, from the same processes.
        cluster.start()
        assert get_page().status_code == 200
        assert get_api().status_code == 200
        assert requests.get(base + "/readyz", timeout=REQUEST_TIMEOUT).status_code == 200
        assert server.poll() is None
        assert {child.pid for child in psutil.Process(server.pid).children()} == workers
        log = (tmp_path / "gunicorn.log").read_text()
        assert "Traceback" in log  # the outage was logged (with its request id) ...
        assert "Internal Server Error" not in log  # ... and never answered as a 500
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        cluster.destroy()
