"""The soak's load: locust as a library, in its own process (gevent never meets Django), loopback only.

`python -m bench.soakload < spec.json` reads the spec bench/soak.py writes (host, seconds, the actors
with their users and rates, and the credentials and paths each needs) and prints one JSON line at
the end: per request type the requests, failures, p50/p95/max ms and status codes; the claims
answered 412 or 409 (conflicts: the protocol working, not errors); and requests and failures per
minute. One line per minute goes to stderr as it runs.

Every actor is a locust user class with `fixed_count` users, each at `constant_throughput(rate /
users)` task cycles a second (a cycle that takes longer just delays the next: no catch-up bursts).
"""

from locust import FastHttpUser, constant_throughput, task  # noqa: I001  (locust first: it patches with gevent)
from locust.env import Environment

import json
import random
import sys
import time
import uuid
from collections import Counter, defaultdict

import gevent

from bench.loadgen import _check_host

#: Statuses that mean "done as asked", per request type; anything else is a failure. A claim may
#: also be answered 412 or 409 (another clinician took the referral first, before or after this
#: one read it): counted apart as conflicts, as in W3.
EXPECTED = {
    "submit": {201},
    "triage queue": {200},
    "triage detail": {200},
    "claim": {200},
    "decide": {200},
    "national queue": {200},
    "score PUT": {200},
    "scoring page": {200},
    "dashboard commissioned": {200},
    "dashboard partnership": {200},
}


def _cookie_headers(cookie: dict, names: dict) -> dict:
    return {
        "Cookie": f"{names['session']}={cookie['session']}; {names['csrf']}={cookie['csrf']}",
        "X-CSRFToken": cookie["csrf"],
    }


class _Pool:
    """Hands each new user the next credential of a list, round robin."""

    def __init__(self, items: list):
        self.items, self.next = list(items), 0

    def take(self):
        item = self.items[self.next % len(self.items)]
        self.next += 1
        return item


def user_classes(spec: dict, state: dict) -> list[type]:
    """One locust user class per actor of the spec, with its fixed user count and per-user rate."""
    actors = {a["name"]: a for a in spec["actors"]}
    names = spec["cookie_names"]

    def pace(name):
        actor = actors[name]
        return {"fixed_count": int(actor["users"]), "wait_time": constant_throughput(actor["rate"] / actor["users"])}

    def check(response, name, ok=None):
        if response.status_code in (ok or EXPECTED[name]):
            response.success()
        else:
            response.failure(f"{name}: status {response.status_code}")

    schools = _Pool(spec["schools"])
    clinicians = _Pool(spec["clinician_tokens"])
    leads = _Pool(spec["area_leads"])
    commissioners = _Pool(spec["commissioners"])
    body = json.dumps(spec["referral"])
    decision = json.dumps(spec["decision"])

    class School(FastHttpUser):
        """A school's designated lead submitting a complete SBARD referral (W2's path: session + CSRF)."""

        def on_start(self):
            self.headers = {**_cookie_headers(schools.take(), names), "Content-Type": "application/json"}

        @task
        def submit(self):
            headers = {**self.headers, "Idempotency-Key": str(uuid.uuid4())}
            with self.client.post(
                "/api/v1/referrals/", data=body, headers=headers, catch_response=True, name="submit"
            ) as response:
                check(response, "submit")

    class DutyClinician(FastHttpUser):
        """W3's protocol, one referral a cycle: the queue, the referral, claim (If-Match: its ETag),
        decide (If-Match: the claim's ETag). A 412 on the claim sends the clinician back to the queue."""

        def on_start(self):
            self.headers = {"Authorization": f"Token {clinicians.take()}", "Content-Type": "application/json"}

        @task
        def triage(self):
            with self.client.get(
                spec["triage_queue"], headers=self.headers, catch_response=True, name="triage queue"
            ) as response:
                check(response, "triage queue")
            if response.status_code != 200:
                return
            items = response.json()["results"]
            if not items:
                state["empty_queue"] += 1
                return
            item = random.choice(items)
            base = f"/api/v1/referrals/{item['id']}/"
            with self.client.get(base, headers=self.headers, catch_response=True, name="triage detail") as detail:
                check(detail, "triage detail")
            if detail.status_code != 200:
                return
            with self.client.post(
                f"{base}claim/",
                data="{}",
                headers={**self.headers, "If-Match": detail.headers["ETag"]},
                catch_response=True,
                name="claim",
            ) as claim:
                check(claim, "claim", {200, 409, 412})
            if claim.status_code in (409, 412):  # claimed by another since the queue was read
                state["conflicts"] += 1
                return
            if claim.status_code != 200:
                return
            with self.client.post(
                f"{base}triage/",
                data=decision,
                headers={**self.headers, "If-Match": claim.headers["ETag"]},
                catch_response=True,
                name="decide",
            ) as decided:
                check(decided, "decide")
            if decided.status_code == 200:
                state["decided"] += 1

    class NationalClinician(FastHttpUser):
        """Duty clinicians elsewhere in England reading their SPA's queue (W1: the busiest generated SPA)."""

        def on_start(self):
            self.headers = {"Authorization": f"Token {spec['national_token']}"}

        @task
        def queue(self):
            with self.client.get(
                spec["national_queue"], headers=self.headers, catch_response=True, name="national queue"
            ) as response:
                check(response, "national queue")

    class AreaLead(FastHttpUser):
        """An area lead at a CASCADE workshop table: saves one domain's score through the scores API
        (as the scoring page's script does: session + CSRF), and now and then reloads the page."""

        def on_start(self):
            lead = leads.take()
            self.headers = {**_cookie_headers(lead["cookie"], names), "Content-Type": "application/json"}
            self.tables = lead["tables"]

        @task(spec["score_weights"][0])
        def score(self):
            table = random.choice(self.tables)
            domain = random.choice(spec["domains"])
            payload = json.dumps({"score": random.randint(0, 3), "what_works": random.choice(spec["notes"])})
            with self.client.put(
                f"/api/v1/cascade/tables/{table['id']}/scores/{domain}/",
                data=payload,
                headers=self.headers,
                catch_response=True,
                name="score PUT",
            ) as response:
                check(response, "score PUT")

        @task(spec["score_weights"][1])
        def page(self):
            table = random.choice(self.tables)
            with self.client.get(table["page"], headers=self.headers, catch_response=True, name="scoring page") as r:
                check(r, "scoring page")

    class Commissioner(FastHttpUser):
        """A commissioner on the dashboards (W4's page, and one partnership's dashboard)."""

        def on_start(self):
            who = commissioners.take()
            self.headers = _cookie_headers(who["cookie"], names)
            self.partnerships = who["partnership_paths"]

        @task(spec["dashboard_weights"][0])
        def commissioned(self):
            with self.client.get(
                spec["dashboard_path"], headers=self.headers, catch_response=True, name="dashboard commissioned"
            ) as response:
                check(response, "dashboard commissioned")

        @task(spec["dashboard_weights"][1])
        def partnership(self):
            path = random.choice(self.partnerships)
            with self.client.get(path, headers=self.headers, catch_response=True, name="dashboard partnership") as r:
                check(r, "dashboard partnership")

    classes = {
        "school": School,
        "duty clinician": DutyClinician,
        "national clinician": NationalClinician,
        "area lead": AreaLead,
        "commissioner": Commissioner,
    }
    chosen = []
    for name, cls in classes.items():
        if name in actors and actors[name]["users"] > 0:
            for key, value in pace(name).items():
                setattr(cls, key, value)
            chosen.append(cls)
    return chosen


def run(spec: dict) -> dict:
    host = spec["host"].rstrip("/")
    _check_host(host)
    state = {"conflicts": 0, "decided": 0, "empty_queue": 0}
    classes = user_classes(spec, state)
    env = Environment(user_classes=classes, host=host)
    statuses: dict[str, Counter] = defaultdict(Counter)
    minutes: dict[int, Counter] = defaultdict(Counter)
    started = time.monotonic()

    def on_request(name=None, response=None, exception=None, **kwargs):
        code = getattr(response, "status_code", None) if response is not None else None
        statuses[name][str(code or (type(exception).__name__ if exception else "none"))] += 1
        minute = minutes[int((time.monotonic() - started) // 60)]
        minute["requests"] += 1
        if exception is not None:
            minute["failures"] += 1

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    users = sum(cls.fixed_count for cls in classes)
    runner.start(users, spawn_rate=users)
    seconds = float(spec["seconds"])
    shown = 0
    while (elapsed := time.monotonic() - started) < seconds:
        gevent.sleep(min(1.0, seconds - elapsed))
        if int(elapsed // 60) > shown:
            shown = int(elapsed // 60)
            total = env.stats.total
            print(
                f"[{elapsed:6.0f}s] {total.num_requests} requests, {total.num_failures} failures, "
                f"{state['decided']} decided, {state['conflicts']} conflicts",
                file=sys.stderr,
                flush=True,
            )
    runner.quit()
    elapsed = time.monotonic() - started
    by_type = {}
    for (name, _method), entry in sorted(env.stats.entries.items()):
        by_type[name] = {
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50_ms": entry.get_response_time_percentile(0.5) if entry.num_requests else None,
            "p95_ms": entry.get_response_time_percentile(0.95) if entry.num_requests else None,
            "max_ms": entry.max_response_time if entry.num_requests else None,
            "statuses": dict(statuses[name]),
        }
    failures = [
        {"name": f.name, "error": str(f.error)[:300], "occurrences": f.occurrences} for f in env.stats.errors.values()
    ]
    return {
        "elapsed": elapsed,
        "users": users,
        "by_type": by_type,
        "requests": env.stats.total.num_requests,
        "failures": env.stats.total.num_failures,
        "errors": failures,
        "minutes": {str(k): dict(v) for k, v in sorted(minutes.items())},
        **state,
    }


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
