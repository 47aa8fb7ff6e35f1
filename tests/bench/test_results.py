"""The benchmark harness's own logic (no load is run here): ratios against targets, the CSV of a
run, reading earlier runs back, and the SQL the workloads compare against."""

import csv
import math
from datetime import datetime

import pytest

from bench.results import AT_LEAST, AT_MOST, COLUMNS, EQUAL, VALUE, Result, latest, table_lines, write_csv


def test_the_ratio_is_value_over_baseline_and_missing_when_either_is():
    assert Result("W1", "m", 30.0, 120.0).ratio == pytest.approx(0.25)
    assert Result("W1", "m", None, 120.0).ratio is None
    assert Result("W1", "m", 30.0, None).ratio is None
    assert Result("W1", "m", 30.0, 0).ratio is None
    assert Result("W1", "m", math.nan, 10).ratio is None


@pytest.mark.parametrize(
    ("value", "baseline", "target", "compare", "met"),
    [
        (30, 120, 0.25, AT_LEAST, True),  # exactly on the target meets it
        (29, 120, 0.25, AT_LEAST, False),
        (20, 100, 0.2, AT_MOST, True),
        (21, 100, 0.2, AT_MOST, False),
        (6, 6, 1.0, EQUAL, True),
        (7, 6, 1.0, EQUAL, False),
        (30, 120, None, AT_LEAST, None),  # no target: nothing to meet
        (None, 120, 0.25, AT_LEAST, None),  # nothing measured (a placeholder endpoint)
    ],
)
def test_a_ratio_target_is_met_or_missed(value, baseline, target, compare, met):
    assert Result("W", "m", value, baseline, target, compare).met is met


def test_a_value_target_ignores_the_baseline():
    assert Result("W3", "errors", 0, None, 0, AT_MOST, VALUE).met is True
    assert Result("W3", "errors", 2, None, 0, AT_MOST, VALUE).met is False
    assert Result("W2", "p95", 249.0, 999.0, 250, AT_MOST, VALUE).met is True
    assert Result("W5", "sent", 1, None, 0, EQUAL, VALUE).met is False


def test_bad_comparisons_are_refused():
    with pytest.raises(ValueError):
        Result("W", "m", 1, 1, 1, "~")
    with pytest.raises(ValueError):
        Result("W", "m", 1, 1, 1, AT_LEAST, "both")


def test_the_table_prints_value_baseline_ratio_target_and_verdict():
    lines = table_lines(
        [
            Result("W1", "throughput", 30, 120, 0.25, AT_LEAST, unit="req/s"),
            Result("W2", "p95", 300, None, 250, AT_MOST, VALUE, "ms", note="one user"),
            Result("W6", "rows/s", None, 1000, 0.25, note="PLACEHOLDER"),
        ]
    )
    assert "0.250x" in lines[1] and "ratio >= 0.25" in lines[1] and lines[1].endswith("met")
    assert lines[2].endswith("MISSED") and "value <= 250" in lines[2]
    assert lines[3].endswith("n/a")
    assert "notes:" in lines and any("one user" in line for line in lines)


def test_a_run_writes_one_csv_with_every_column(tmp_path):
    date = datetime(2026, 11, 22, 21, 0, 5)
    results = [
        Result("W1", "throughput", 30.5, 120.0, 0.25, AT_LEAST),
        Result("W6", "rows/s", None, 1000.0, 0.25, note="PLACEHOLDER: 404"),
    ]
    path = write_csv(results, scale=10_000, machine="vm, 2 cores", date=date, directory=tmp_path)
    assert path.name == "bench-10000-20261122T210005.csv"
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    assert rows[0]["workload"] == "W1" and float(rows[0]["value"]) == 30.5 and float(rows[0]["baseline"]) == 120.0
    assert float(rows[0]["ratio"]) == pytest.approx(30.5 / 120) and rows[0]["met"] == "yes"
    assert rows[0]["target"] == "ratio >= 0.25" and rows[0]["scale"] == "10000"
    assert rows[0]["machine"] == "vm, 2 cores" and rows[0]["date"] == "2026-11-22T21:00:05"
    assert rows[1]["value"] == "" and rows[1]["ratio"] == "" and rows[1]["met"] == ""
    assert rows[1]["note"] == "PLACEHOLDER: 404"


def test_latest_reads_the_newest_value_for_a_scale(tmp_path):
    metric = "dashboard p95 (ms)"
    write_csv(
        [Result("W4", metric, 100.0)], scale=1_000_000, machine="m", date=datetime(2026, 1, 1), directory=tmp_path
    )
    write_csv([Result("W4", metric, 90.0)], scale=1_000_000, machine="m", date=datetime(2026, 2, 1), directory=tmp_path)
    write_csv(
        [Result("W4", metric, 500.0)], scale=5_000_000, machine="m", date=datetime(2026, 3, 1), directory=tmp_path
    )
    write_csv([Result("W4", metric, None)], scale=1_000_000, machine="m", date=datetime(2026, 4, 1), directory=tmp_path)
    assert latest("W4", metric, 1_000_000, directory=tmp_path) == 90.0
    assert latest("W4", metric, 5_000_000, directory=tmp_path) == 500.0
    assert latest("W4", metric, 10_000, directory=tmp_path) is None
    assert latest("W4", "other", 1_000_000, directory=tmp_path) is None


def test_the_w4_target_compares_5m_with_1m_at_most_1_2x():
    assert Result("W4", "p95 at 5M / p95 at 1M", 119.0, 100.0, 1.2, AT_MOST).met is True
    assert Result("W4", "p95 at 5M / p95 at 1M", 121.0, 100.0, 1.2, AT_MOST).met is False


@pytest.mark.django_db
def test_the_copy_baseline_is_the_exports_query_for_one_spa_and_can_be_replaced(monkeypatch):
    from bench.workloads import copy_sql

    default = copy_sql(42)
    assert default.startswith("COPY (SELECT") and "TO STDOUT" in default
    assert '"referrals_referral"."spa_id" = 42' in default and "export_reference" in default
    monkeypatch.setenv("BENCH_W6_COPY_SQL", "COPY (SELECT 1 WHERE {spa} > 0) TO STDOUT")
    assert copy_sql(7) == "COPY (SELECT 1 WHERE 7 > 0) TO STDOUT"


def test_the_median_skips_missing_values():
    from bench.workloads import median

    assert median([3.0, None, 1.0, 2.0]) == 2.0
    assert median([None]) is None
