"""The clinical-safety hazard log (docs/clinical-safety/hazard-log.md): every control names an
automated test, and every test it names exists (the suite itself runs them)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.md"
TEST = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")
CONTROL_ROW = re.compile(r"^\| (C\d+\.\d+) \|")
REQUIRED = [
    "referral is lost between the school and the single point of access",
    "breach warning is not raised",
    "visible to the wrong organisation",
    "stale triage decision overwrites a newer one",
    "small number on a dashboard",
    "outage at the time a referral is made",
]


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}


def problems(lines) -> list[str]:
    """Controls naming no test, and named tests that do not exist."""
    found = []
    for row in (line for line in lines if CONTROL_ROW.match(line)):
        named = TEST.findall(row.split("|")[3])
        if not named:
            found.append(f"{CONTROL_ROW.match(row).group(1)} names no test")
        for file, name in named:
            path = ROOT / file
            if not path.is_file() or name not in _tests_in(path):
                found.append(f"{file}::{name} does not exist")
    return found


def test_every_control_names_a_test_that_exists():
    lines = LOG.read_text().splitlines()
    assert sum(1 for line in lines if CONTROL_ROW.match(line)) >= 20
    assert problems(lines) == []


def test_the_log_covers_the_hazards_the_issue_names():
    text = LOG.read_text()
    for hazard in REQUIRED:
        assert hazard in text, hazard


def test_a_control_without_a_test_or_with_a_made_up_one_is_caught():
    assert problems(
        [
            "| C9.9 | A control. | by hand |",
            "| C9.8 | Another. | `tests/test_hazard_log.py::test_nothing_here`, `tests/nowhere.py::test_x` |",
        ]
    ) == [
        "C9.9 names no test",
        "tests/test_hazard_log.py::test_nothing_here does not exist",
        "tests/nowhere.py::test_x does not exist",
    ]
