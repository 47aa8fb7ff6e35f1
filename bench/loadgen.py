"""The loopback load generator: locust as a library, in its own process (locust patches the
standard library with gevent, so it never shares a process with Django).

`python -m bench.loadgen < spec.json` reads {"host": ..., "runs": [...]} and prints a JSON list with
one result per run. Each run has fixed `users` (closed loop: each sends its next request when the
last is answered, no think time) and, for the timed kinds, a `warmup` then a measured `duration`:

- "get": GET `path` with `headers` -> requests, rps, p50/p95 ms and the status codes seen;
- "post_json": POST `body` as JSON to `path`; `idempotency: true` sends a new Idempotency-Key
  (a UUID) with every request;
- "triage": W3's duty clinicians, one token each (`tokens`, one per user), until the queue
  (`queue`: the SPA's submitted referrals, first page) is empty or `timeout`: read the queue, take
  one of its first referrals at random, claim it with If-Match (its version from the queue), then
  decide it (`decision`) with If-Match (the claim's ETag). A claim answered 412 is a conflict: the
  clinician reads the queue again. Returns referrals decided, elapsed seconds, the rate, conflicts
  and every other status seen.

Only loopback hosts are accepted.
"""

from locust import FastHttpUser, constant, task  # noqa: I001  (locust first: it patches with gevent)
from locust.env import Environment
from locust.exception import StopUser

import json
import random
import sys
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit

import gevent

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _check_host(host: str) -> None:
    if urlsplit(host).hostname not in LOOPBACK:
        raise SystemExit(f"loadgen: only loopback hosts are benchmarked, not {host}")


class _Counting:
    """Status codes of every request after the warm-up."""

    def __init__(self, env):
        self.statuses = Counter()
        env.events.request.add_listener(self.on_request)

    def on_request(self, response=None, exception=None, **kwargs):
        code = getattr(response, "status_code", None) if response is not None else None
        self.statuses[str(code if code else type(exception).__name__ if exception else "none")] += 1


def _timed(host: str, run: dict, user_class) -> dict:
    env = Environment(user_classes=[user_class], host=host)
    counting = _Counting(env)
    runner = env.create_local_runner()
    users = int(run["users"])
    runner.start(users, spawn_rate=max(users * 100, 100))
    gevent.sleep(float(run.get("warmup", 1.0)))
    env.stats.reset_all()
    counting.statuses.clear()
    started = time.perf_counter()
    gevent.sleep(float(run["duration"]))
    elapsed = time.perf_counter() - started
    total = env.stats.total
    result = {
        "name": run["name"],
        "users": users,
        "elapsed": elapsed,
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": total.num_requests / elapsed if elapsed else 0.0,
        "p50_ms": total.get_response_time_percentile(0.5) if total.num_requests else None,
        "p95_ms": total.get_response_time_percentile(0.95) if total.num_requests else None,
        "statuses": dict(counting.statuses),
    }
    runner.quit()
    return result


def _request_user(run: dict):
    path, method = run["path"], run["kind"]
    headers = dict(run.get("headers", {}))
    expect = set(run.get("expect", [200, 201]))
    body = json.dumps(run.get("body", {})) if method == "post_json" else None
    idempotent = bool(run.get("idempotency"))

    class User(FastHttpUser):
        wait_time = constant(0)

        @task
        def one(self):
            if method == "get":
                response_context = self.client.get(path, headers=headers, catch_response=True)
            else:
                sent = {**headers, "Content-Type": "application/json"}
                if idempotent:
                    sent["Idempotency-Key"] = str(uuid.uuid4())
                response_context = self.client.post(path, data=body, headers=sent, catch_response=True)
            with response_context as response:
                if response.status_code in expect:
                    response.success()
                else:
                    response.failure(f"status {response.status_code}")

    return User


def _triage(host: str, run: dict) -> dict:
    tokens = list(run["tokens"])
    users = int(run["users"])
    if len(tokens) < users:
        raise SystemExit("loadgen: triage needs one token per user")
    queue, decision = run["queue"], json.dumps(run["decision"])
    pick_from = int(run.get("pick_from", 8))
    state = {"decided": 0, "conflicts": 0, "claims": 0, "other": Counter(), "active": users, "last": None}
    free_tokens = list(tokens[:users])

    class Clinician(FastHttpUser):
        wait_time = constant(0)

        def on_start(self):
            self.headers = {"Authorization": f"Token {free_tokens.pop()}", "Content-Type": "application/json"}

        def on_stop(self):
            state["active"] -= 1

        def _post(self, path, etag, body="{}"):
            with self.client.post(
                path,
                data=body,
                headers={**self.headers, "If-Match": etag},
                catch_response=True,
                name=path.split("/")[-2],
            ) as response:
                response.success()  # judged below: a 412 is the protocol working
                return response

        @task
        def work(self):
            with self.client.get(queue, headers=self.headers, catch_response=True, name="queue") as response:
                response.success()
            if response.status_code != 200:
                state["other"][f"queue {response.status_code}"] += 1
                raise StopUser()
            items = response.json()["results"]
            if not items:
                raise StopUser()
            item = random.choice(items[:pick_from])
            claim = self._post(f"/api/v1/referrals/{item['id']}/claim/", f'"{item["version"]}"')
            state["claims"] += 1
            if claim.status_code == 412:
                state["conflicts"] += 1
                return
            if claim.status_code != 200:
                state["other"][f"claim {claim.status_code}"] += 1
                return
            decided = self._post(f"/api/v1/referrals/{item['id']}/triage/", claim.headers["ETag"], decision)
            if decided.status_code == 200:
                state["decided"] += 1
                state["last"] = time.perf_counter()
            else:
                state["other"][f"triage {decided.status_code}"] += 1

    env = Environment(user_classes=[Clinician], host=host)
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(users, spawn_rate=max(users * 100, 100))
    deadline = started + float(run.get("timeout", 120))
    gevent.sleep(0.2)
    while state["active"] > 0 and time.perf_counter() < deadline:
        gevent.sleep(0.05)
    timed_out = state["active"] > 0
    runner.quit()
    elapsed = (state["last"] or time.perf_counter()) - started
    return {
        "name": run["name"],
        "users": users,
        "decided": state["decided"],
        "claims": state["claims"],
        "conflicts": state["conflicts"],
        "other": dict(state["other"]),
        "elapsed": elapsed,
        "rate": state["decided"] / elapsed if elapsed > 0 else 0.0,
        "timed_out": timed_out,
        "p95_ms": env.stats.total.get_response_time_percentile(0.95) if env.stats.total.num_requests else None,
    }


def run_all(spec: dict) -> list[dict]:
    host = spec["host"].rstrip("/")
    _check_host(host)
    results = []
    for run in spec["runs"]:
        if run["kind"] == "triage":
            results.append(_triage(host, run))
        elif run["kind"] in ("get", "post_json"):
            results.append(_timed(host, run, _request_user(run)))
        else:
            raise SystemExit(f"loadgen: unknown kind {run['kind']!r}")
    return results


if __name__ == "__main__":
    print(json.dumps(run_all(json.load(sys.stdin))))
