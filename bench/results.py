"""Benchmark results: each figure against its baseline and target, printed and written as CSV.

A `Result` is one figure of a workload: its `value`, the `baseline` measured in the same run (on the
same server and database), and a `target` the ratio value/baseline (or, for counts such as errors,
the value itself) must meet: at least (`>=`), at most (`<=`) or exactly (`==`). `met` is None when
there is no target or nothing was measured (a placeholder endpoint).

`write_csv` writes one file per run under bench/results/ with the columns workload, metric, value,
baseline, ratio, target, met, scale, machine, date, note; `latest` reads them back (W4 compares its
5M and 1M p95s across runs).
"""

import csv
import math
import os
import platform
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

AT_LEAST, AT_MOST, EQUAL = ">=", "<=", "=="
RATIO, VALUE = "ratio", "value"
COLUMNS = ["workload", "metric", "value", "baseline", "ratio", "target", "met", "scale", "machine", "date", "note"]
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _number(x) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


@dataclass(frozen=True)
class Result:
    workload: str
    metric: str
    value: float | None
    baseline: float | None = None
    target: float | None = None
    compare: str = AT_LEAST
    on: str = RATIO
    unit: str = ""
    note: str = ""

    def __post_init__(self):
        if self.compare not in (AT_LEAST, AT_MOST, EQUAL):
            raise ValueError(f"compare must be one of >=, <=, ==: {self.compare!r}")
        if self.on not in (RATIO, VALUE):
            raise ValueError(f"on must be ratio or value: {self.on!r}")

    @property
    def ratio(self) -> float | None:
        value, baseline = _number(self.value), _number(self.baseline)
        if value is None or baseline is None or baseline == 0:
            return None
        return value / baseline

    @property
    def met(self) -> bool | None:
        subject = self.ratio if self.on == RATIO else _number(self.value)
        if subject is None or self.target is None:
            return None
        if self.compare == AT_LEAST:
            return subject >= self.target
        if self.compare == AT_MOST:
            return subject <= self.target
        return math.isclose(subject, self.target, rel_tol=1e-9, abs_tol=1e-9)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        subject = "ratio" if self.on == RATIO else "value"
        return f"{subject} {self.compare} {self.target:g}"

    @property
    def verdict(self) -> str:
        return {True: "met", False: "MISSED", None: "n/a"}[self.met]


def _fmt(x: float | None, unit: str = "") -> str:
    x = _number(x)
    if x is None:
        return "-"
    text = f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.3g}" if abs(x) < 10 else f"{x:.1f}"
    return f"{text} {unit}".strip()


def table_lines(results: list[Result]) -> list[str]:
    """The results as an aligned text table, one line per figure."""
    rows = [("", "metric", "value", "baseline", "ratio", "target", "")]
    for r in results:
        ratio = f"{r.ratio:.3f}x" if r.ratio is not None else "-"
        rows.append(
            (r.workload, r.metric, _fmt(r.value, r.unit), _fmt(r.baseline, r.unit), ratio, r.target_text, r.verdict)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    notes = [f"  {r.workload} {r.metric}: {r.note}" for r in results if r.note]
    return lines + (["notes:", *notes] if notes else [])


def markdown_lines(results: list[Result]) -> list[str]:
    lines = ["| | metric | value | baseline | ratio | target | |", "|---|---|---|---|---|---|---|"]
    for r in results:
        ratio = f"{r.ratio:.3f}x" if r.ratio is not None else "-"
        lines.append(
            f"| {r.workload} | {r.metric} | {_fmt(r.value, r.unit)} | {_fmt(r.baseline, r.unit)} | {ratio} "
            f"| {r.target_text} | {r.verdict} |"
        )
    return lines


def machine() -> str:
    """This machine, in a few words: host, cores, CPU model, memory."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        pass
    parts = [platform.node(), f"{os.cpu_count()} cores", model, memory, f"Python {platform.python_version()}"]
    return ", ".join(p for p in parts if p)


def csv_rows(results: list[Result], *, scale: int, machine: str, date: str) -> list[dict]:
    rows = []
    for r in results:
        met = r.met
        rows.append(
            {
                "workload": r.workload,
                "metric": r.metric,
                "value": "" if _number(r.value) is None else repr(float(r.value)),
                "baseline": "" if _number(r.baseline) is None else repr(float(r.baseline)),
                "ratio": "" if r.ratio is None else repr(r.ratio),
                "target": r.target_text,
                "met": "" if met is None else ("yes" if met else "no"),
                "scale": str(scale),
                "machine": machine,
                "date": date,
                "note": r.note,
            }
        )
    return rows


def write_csv(
    results: list[Result], *, scale: int, machine: str, date: datetime, directory: Path = RESULTS_DIR
) -> Path:
    """One CSV for this run: bench/results/bench-<scale>-<date>.csv. Returns its path."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = date.strftime("%Y%m%dT%H%M%S")
    path = directory / f"bench-{scale}-{stamp}.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(csv_rows(results, scale=scale, machine=machine, date=date.isoformat(timespec="seconds")))
    return path


def latest(workload: str, metric: str, scale: int, directory: Path = RESULTS_DIR) -> float | None:
    """The value of `workload`/`metric` at `scale` in the newest result file that has it, if any."""
    found = []
    for path in directory.glob("bench-*.csv"):
        with path.open(newline="") as f:
            for row in csv.DictReader(f):
                if row.get("workload") == workload and row.get("metric") == metric and row.get("scale") == str(scale):
                    value = _number(row["value"]) if row.get("value") else None
                    if value is not None:
                        found.append((row.get("date", ""), value))
    return max(found)[1] if found else None
