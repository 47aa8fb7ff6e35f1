"""The soak's arithmetic and scenario (bench/soak.py, bench/soakload.py), without running a load:
the peak rate, the mix's proportions, the growth verdict, and the locust user classes built from a
spec (in a subprocess: locust patches the standard library with gevent)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import soak

ROOT = Path(__file__).resolve().parents[2]


def test_the_peak_rate_is_a_school_days_referrals_over_its_hours_times_ten():
    assert soak.peak_submissions_per_second() == pytest.approx(4000 / (6.5 * 3600) * 10)
    assert soak.peak_submissions_per_second() == pytest.approx(1.7094, abs=1e-4)
    assert soak.peak_submissions_per_second(per_day=650, hours=6.5, peak=1) == pytest.approx(650 / 23400)


def test_the_mix_submits_at_peak_and_triages_as_fast_as_it_submits():
    actors = {a.name: a for a in soak.mix()}
    assert set(actors) == {"school", "duty clinician", "national clinician", "area lead", "commissioner"}
    peak = soak.peak_submissions_per_second()
    assert actors["school"].rate == pytest.approx(peak)
    assert actors["duty clinician"].rate == pytest.approx(actors["school"].rate)
    assert actors["duty clinician"].requests_per_cycle == 4  # queue, referral, claim, decide
    # CASCADE: 120 tables, a save every 2 minutes and a page every 10; dashboards 300 people x 4 a day x 10
    assert actors["area lead"].rate == pytest.approx(1.0 + 0.2)
    assert soak.SCORE_WEIGHTS == (5, 1)
    assert actors["commissioner"].rate == pytest.approx(300 * 4 / (6.5 * 3600) * 10)
    total = sum(a.requests_per_second for a in actors.values())
    assert total == pytest.approx(peak * 5 + 0.5 + 1.2 + actors["commissioner"].rate)
    assert 10 < total < 11.5
    # every user waits seconds between cycles, so a slow machine delays rather than drops the rate
    assert all(a.users >= 1 and a.rate / a.users < 0.5 for a in actors.values())


def _samples(values: dict[str, list], step=60):
    n = len(next(iter(values.values())))
    return [{"t": i * step, **{k: v[i] for k, v in values.items()}} for i in range(n)]


def test_the_verdict_compares_the_first_window_after_warm_up_with_the_last():
    flat = {"rss_mb": [500] * 31, "pg_connections": [6] * 31, "fds": [130] * 31, "redis_clients": [14] * 31}
    first, last = soak.windows(_samples(flat), 120, 300)
    assert [s["t"] for s in first] == [120, 180, 240, 300, 360]
    assert [s["t"] for s in last] == [1560, 1620, 1680, 1740, 1800]
    assert not any(v["flagged"] for v in soak.verdict(_samples(flat)).values())

    grown = {**flat, "rss_mb": [500 + 2 * i for i in range(31)]}  # +2 MB a minute: 508 -> 556, +9.4%
    assert not soak.verdict(_samples(grown))["rss_mb"]["flagged"]
    grown["rss_mb"] = [500 + 3 * i for i in range(31)]  # 512 -> 584, +14%
    judged = soak.verdict(_samples(grown))
    assert judged["rss_mb"]["flagged"] and judged["rss_mb"]["growth"] == pytest.approx(72 / 512)

    leaking = {**flat, "pg_connections": [6] * 20 + [7] * 11}
    assert soak.verdict(_samples(leaking))["pg_connections"]["flagged"]
    dipping = {**flat, "fds": [129, 130] * 15 + [130]}  # dips less often at the end: no new high
    dipping["fds"][-5:] = [130] * 5
    assert not soak.verdict(_samples(dipping))["fds"]["flagged"]


def test_a_short_run_halves_what_follows_the_warm_up():
    samples = _samples({m: [1] * 10 for m in soak.GROWTH_METRICS}, step=20)  # 0..180 s
    first, last = soak.windows(samples, 120, 300)
    assert [s["t"] for s in first] == [120, 140] and [s["t"] for s in last] == [160, 180]


def test_the_error_rate_limit():
    assert soak.error_rate({"requests": 10_000, "failures": 9}) < soak.MAX_ERROR_RATE
    assert soak.error_rate({"requests": 10_000, "failures": 10}) >= soak.MAX_ERROR_RATE
    assert soak.error_rate({"requests": 0, "failures": 0}) >= soak.MAX_ERROR_RATE


PROBE = """
import json, sys, time
from bench.soakload import user_classes
spec = json.load(sys.stdin)
classes = user_classes(spec, {})
out = {}
for cls in classes:
    user = cls.__new__(cls)
    user._cp_last_wait_time, user._cp_last_run = 0, time.perf_counter()
    out[cls.__name__] = {"users": cls.fixed_count, "wait": cls.wait_time(user)}
print(json.dumps(out))
"""


def test_the_locust_classes_carry_each_actors_users_and_pace():
    spec = {
        "actors": [a.__dict__ for a in soak.mix()],
        "cookie_names": {"session": "s", "csrf": "c"},
        "schools": [{"session": "x", "csrf": "y"}],
        "clinician_tokens": ["t"],
        "area_leads": [{"cookie": {"session": "x", "csrf": "y"}, "tables": []}],
        "commissioners": [{"cookie": {"session": "x", "csrf": "y"}, "partnership_paths": []}],
        "referral": {},
        "decision": {},
        "score_weights": list(soak.SCORE_WEIGHTS),
        "dashboard_weights": list(soak.DASHBOARD_WEIGHTS),
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], input=json.dumps(spec), capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    classes = json.loads(done.stdout.strip().splitlines()[-1])
    expected = {
        "School": "school",
        "DutyClinician": "duty clinician",
        "NationalClinician": "national clinician",
        "AreaLead": "area lead",
        "Commissioner": "commissioner",
    }
    assert set(classes) == set(expected)
    actors = {a.name: a for a in soak.mix()}
    for cls, name in expected.items():
        actor = actors[name]
        assert classes[cls]["users"] == actor.users
        # constant_throughput: a cycle that took no time waits the whole period, users / rate
        assert classes[cls]["wait"] == pytest.approx(actor.users / actor.rate, rel=1e-3)
