"""Real services the reliability tests stop, start and kill: a private Redis and a Celery worker
subprocess (with embedded beat, so the outbox relay runs as it does in production)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server of our own on a fixed free port, which the test can stop and start again."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Worker:
    """`celery -A config worker -B` in its own process group, on the test database and `redis`."""

    def __init__(self, redis_server: RedisServer, directory: Path):
        self.redis = redis_server
        self.directory = directory
        self.mail = directory / "mail"
        self.mail.mkdir(exist_ok=True)
        self.process = None
        self.runs = 0
        self._log = None

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def env(self) -> dict:
        db = connection.settings_dict
        env = {key: value for key, value in os.environ.items() if key not in ("DJANGO_SETTINGS_MODULE",)}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.reliability.worker_settings",
            DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            REDIS_URL=self.redis.url,
            CYP_TEST_MAIL_DIR=str(self.mail),
            OUTBOX_RELAY_SECONDS="1",
            OUTBOX_RETRY_AFTER="3",
        )
        return env

    def start(self) -> None:
        self.runs += 1
        self._close_log()
        self._log = open(self.directory / f"worker-{self.runs}.log", "wb")  # noqa: SIM115 (closed in stop/kill)
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-B"]
        command += ["--schedule", str(self.directory / f"beat-{self.runs}"), "--pool", "prefork", "--concurrency", "1"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=self.env(), stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def kill(self) -> None:
        """SIGKILL the worker, its pool process and its beat: no chance to ack, finish or clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.directory.glob("worker-*.log")))

    def emails(self) -> Counter:
        """The emails the worker has sent: a count per (recipient, subject)."""
        sent = Counter()
        for path in self.mail.glob("*.log"):
            to = subject = None
            for line in path.read_text(errors="replace").splitlines():
                if line.startswith("To: "):
                    to = line[4:]
                elif line.startswith("Subject: "):
                    subject = line[9:]
                elif line.startswith("Message-ID: "):
                    sent[to, subject] += 1
        return sent


def point_celery_at(url: str) -> None:
    """Make this process's Celery app publish to `url` (dropping its pooled connections)."""
    from config.celery import app

    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
