"""W1-W6 at national scale (issue 7 item 7): `make bench SCALE=N`, or
`.venv/bin/python bench/scale.py --scale N [--only W1,W4]`.

Makes sure the bench database (cyp_bench) holds N generated referrals (generated once per scale and
reused), sets up the bench's users and referrals, starts gunicorn on a free loopback port against
it, runs the workloads with the loopback load generator, stops the server, prints every figure with
its baseline, ratio and target, and writes bench/results/bench-<N>-<date>.csv (and .md).
"""

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import workloads  # noqa: E402
from bench.results import RESULTS_DIR, Result, machine, markdown_lines, table_lines, write_csv  # noqa: E402
from bench.server import Server  # noqa: E402
from bench.world import bench_world, prepare_database  # noqa: E402

ALL = ("W1", "W2", "W3", "W4", "W5", "W6")
W6_MAX_ROWS = 1_000_000


def _purge_broker() -> None:
    """Drop the notifications the workloads queued in the bench's own Redis database."""
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL).delete("celery")
    except redis.RedisError as error:
        print(f"could not purge the bench broker queue: {error}")


def run(scale: int, only: tuple[str, ...] = ALL) -> list[Result]:
    started = time.perf_counter()
    log = lambda text: print(f"[{time.perf_counter() - started:6.1f}s] {text}", flush=True)  # noqa: E731
    prepare_database(scale, log=log)
    export_rows = int(os.environ.get("BENCH_W6_ROWS", min(scale, W6_MAX_ROWS)))
    world = bench_world(export_rows, log=log)
    log("bench world ready")
    results: list[Result] = []
    with Server() as server:
        log(f"gunicorn on {server.url}: {server.workers} workers x {server.threads} threads")
        steps = {
            "W1": lambda: workloads.w1(server.url, world),
            "W2": lambda: workloads.w2(server.url, world),
            "W3": lambda: workloads.w3(server.url, world),
            "W4": lambda: workloads.w4(server.url, world, scale),
            "W5": workloads.w5,
            "W6": lambda: workloads.w6(server, world),
        }
        for name in only:
            log(f"{name} ...")
            try:
                figures = steps[name]()
            except Exception as error:  # one workload failing still reports the others
                traceback.print_exc()
                figures = [Result(name, "failed", None, note=f"{type(error).__name__}: {error}")]
            for line in table_lines(figures):
                print("    " + line)
            results.extend(figures)
    _purge_broker()
    log("done")
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True, help="referrals to generate (e.g. 10000, 1000000)")
    parser.add_argument("--only", default=",".join(ALL), help="workloads to run, e.g. W1,W3")
    args = parser.parse_args(argv)
    only = tuple(w.strip().upper() for w in args.only.split(",") if w.strip())
    unknown = set(only) - set(ALL)
    if unknown or args.scale < 1:
        parser.error(f"unknown workloads {sorted(unknown)}" if unknown else "--scale must be positive")
    start = time.perf_counter()
    date = timezone.localtime().replace(microsecond=0)
    results = run(args.scale, only)
    elapsed = time.perf_counter() - start
    where = machine()
    print()
    print(f"W1-W6 at {args.scale:,} referrals on {where}, {date:%Y-%m-%d %H:%M}; took {elapsed:.0f} s")
    for line in table_lines(results):
        print(line)
    path = write_csv(results, scale=args.scale, machine=where, date=date, directory=RESULTS_DIR)
    md = path.with_suffix(".md")
    md.write_text(
        "\n".join(
            [
                f"# W1-W6 at {args.scale:,} referrals",
                "",
                f"{date:%Y-%m-%d %H:%M %Z} on {where}; the whole run took {elapsed:.0f} s.",
                "",
                *markdown_lines(results),
                "",
                *[f"- {r.workload} {r.metric}: {r.note}" for r in results if r.note],
                "",
            ]
        )
    )
    print(f"results: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
