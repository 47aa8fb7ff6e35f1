"""The benchmark's gunicorn: started on a free loopback port against the bench database, stopped
at the end; a Celery worker on the bench's Redis database (the soak); the load generator in its own
process; RSS and open file descriptors of the server's processes from /proc."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env() -> dict:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}


class _Managed:
    """A child process stopped with SIGTERM, then SIGKILL after `stop_seconds`; a context manager."""

    process: subprocess.Popen | None = None
    stop_seconds = 30

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=self.stop_seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Server(_Managed):
    """`with Server() as server:` gunicorn (config.wsgi) on 127.0.0.1:<free port>, ready when entered."""

    def __init__(self, workers: int = WORKERS, threads: int = THREADS, log: str = "gunicorn.log"):
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "bench" / "results" / log

    def __enter__(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--preload",
            "--timeout",
            "300",
            "--max-requests",
            "0",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=bench_env(), stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}): see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within 60 s: see {self.log}")

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: children of the master."""
        return children(self.process.pid) if self.process is not None else []


class CeleryWorker(_Managed):
    """`with CeleryWorker() as worker:` a real Celery worker (config.celery, prefork, `concurrency`
    processes) with the bench settings, so on the bench's own Redis database; ready when entered,
    stopped (warm shutdown) at the end."""

    stop_seconds = 60

    def __init__(self, concurrency: int = 1, log: str = "celery.log"):
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "bench" / "results" / log

    def __enter__(self):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(BIN / "celery"),
            "--app",
            "config",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            str(self.concurrency),
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"bench-{os.getpid()}@%h",
            "--loglevel",
            "INFO",
        ]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=bench_env(), stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery exited ({self.process.returncode}): see {self.log}")
            if " ready." in self.log.read_text(errors="replace"):
                return self
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"celery was not ready within 60 s: see {self.log}")

    def pids(self) -> list[int]:
        """The worker's main process and its pool processes."""
        if self.process is None or self.process.poll() is not None:
            return []
        return [self.process.pid, *children(self.process.pid)]


def children(parent: int) -> list[int]:
    """Processes whose parent is `parent` (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{parent}\n" in status:
                pids.append(int(entry.name))
    return sorted(pids)


def open_fds(pid: int) -> int | None:
    """Open file descriptors of `pid` (entries of /proc/<pid>/fd)."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def rss_kib(pid: int) -> int | None:
    """Resident memory of `pid` in KiB (VmRSS in /proc/<pid>/status)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def load(host: str, runs: list[dict], timeout: float = 900) -> list[dict]:
    """Run the load generator (bench/loadgen.py) in its own process; its results, one per run."""
    spec = json.dumps({"host": host, "runs": runs})
    done = subprocess.run(
        [sys.executable, "-m", "bench.loadgen"],
        cwd=ROOT,
        input=spec,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
