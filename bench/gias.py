"""The GIAS import at national scale: a synthetic `edubasealldata` file and its benchmark.

`generate()` writes a national-sized establishment file (about 50,000 rows, latin-1, dd-mm-yyyy
dates) in the real header shape, padded to the real file's width with columns the importer
ignores, and with a realistic mix of statuses, types and phases, a few out-of-scope
establishments and a few bad rows. `benchmark()` imports it into an empty register, re-imports it
unchanged, then imports it with 2% of rows changed, inside one transaction that is rolled back.

Run alone with `.venv/bin/python bench/gias.py`; `bench/run.py` runs it too.
"""

import csv
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django

django.setup()

from django.db import transaction  # noqa: E402

from partnership.models import Organisation  # noqa: E402
from partnership.services import gias  # noqa: E402

ROWS = 50_000
CHANGED_SHARE = 0.02
OPEN_SHARE = 0.56  # of all rows: the changed rows are drawn from the open ones
BUDGET_SECONDS = 120
FIRST_URN = 100_000

# The columns the importer reads (named as in the real file; see the reference list) ...
HEADER = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentTypeGroup (code)",
    "EstablishmentTypeGroup (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "ReasonEstablishmentOpened (code)",
    "ReasonEstablishmentOpened (name)",
    "OpenDate",
    "ReasonEstablishmentClosed (code)",
    "ReasonEstablishmentClosed (name)",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "Boarders (code)",
    "Boarders (name)",
    "NurseryProvision (name)",
    "OfficialSixthForm (code)",
    "OfficialSixthForm (name)",
    "Gender (code)",
    "Gender (name)",
    "ReligiousCharacter (code)",
    "ReligiousCharacter (name)",
    "SchoolCapacity",
    "NumberOfPupils",
    "NumberOfBoys",
    "NumberOfGirls",
    "PercentageFSM",
    "Trusts (code)",
    "Trusts (name)",
    "UKPRN",
    "Street",
    "Locality",
    "Address3",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "HeadTitle (name)",
    "HeadFirstName",
    "HeadLastName",
    "GOR (code)",
    "GOR (name)",
    "DistrictAdministrative (code)",
    "DistrictAdministrative (name)",
    "UrbanRural (code)",
    "UrbanRural (name)",
    "GSSLACode (name)",
    "Easting",
    "Northing",
    "MSOA (name)",
    "LSOA (name)",
    "MSOA (code)",
    "LSOA (code)",
    "FSM",
]
# ... and padding to the real file's width (about 140 columns), which the importer never reads.
PADDING = [f"Unused{i:02d}" for i in range(140 - len(HEADER))]

# (type name, type code, group name, group code, weight, phases or None for "Not applicable")
MAINSTREAM_PHASES = [("Primary", 80), ("Secondary", 15), ("All-through", 2), ("Nursery", 2), ("16 plus", 1)]
TYPES = [
    ("Community school", 1, "Local authority maintained schools", 4, 26, MAINSTREAM_PHASES),
    ("Voluntary aided school", 2, "Local authority maintained schools", 4, 7, MAINSTREAM_PHASES),
    ("Voluntary controlled school", 3, "Local authority maintained schools", 4, 5, MAINSTREAM_PHASES),
    ("Foundation school", 5, "Local authority maintained schools", 4, 3, MAINSTREAM_PHASES),
    ("Academy converter", 34, "Academies", 10, 18, MAINSTREAM_PHASES),
    ("Academy sponsor led", 28, "Academies", 10, 6, MAINSTREAM_PHASES),
    ("Free schools", 35, "Free Schools", 11, 2, MAINSTREAM_PHASES),
    ("LA nursery school", 15, "Local authority maintained schools", 4, 1, [("Nursery", 1)]),
    ("Community special school", 7, "Special schools", 5, 2, None),
    ("Academy special converter", 33, "Special schools", 5, 1, None),
    ("Other independent special school", 10, "Independent schools", 3, 2, None),
    ("Other independent school", 11, "Independent schools", 3, 8, [("Not applicable", 3), ("All-through", 1)]),
    ("Pupil referral unit", 14, "Local authority maintained schools", 4, 1, None),
    ("Academy alternative provision converter", 42, "Academies", 10, 1, None),
    ("Further education", 18, "Colleges", 1, 2, [("16 plus", 1)]),
    ("Academy 16 to 19 converter", 45, "Academies", 10, 1, [("16 plus", 1)]),
    ("Welsh establishment", 30, "Welsh schools", 6, 2, None),
    ("British schools overseas", 37, "Other types", 9, 1, None),
    ("Higher education institutions", 29, "Universities", 2, 1, None),
    ("Children's centre", 44, "Other types", 9, 4, None),
    ("Online provider", 49, "Online provider", 13, 1, None),
]
TYPE_WEIGHTS = [t[4] for t in TYPES]
STATUSES = [("Open", 1, 56), ("Closed", 2, 41), ("Open, but proposed to close", 3, 2), ("Proposed to open", 4, 1)]
PHASE_CODES = {
    "Not applicable": 0,
    "Nursery": 1,
    "Primary": 2,
    "Middle deemed primary": 3,
    "Secondary": 4,
    "Middle deemed secondary": 5,
    "16 plus": 6,
    "All-through": 7,
}
AGES = {
    "Nursery": (2, 5),
    "Primary": (4, 11),
    "Secondary": (11, 18),
    "All-through": (4, 18),
    "16 plus": (16, 19),
    "Not applicable": (5, 19),
}
LA_CODES = [str(code) for code in (*range(201, 214), *range(301, 321), *range(330, 345), *range(350, 395))] + [
    str(code) for code in range(800, 939, 2)
]
PLACES = ["Ashby", "Brook", "Castle", "Dale", "Elm", "Fern", "Glen", "Holly", "Ivy", "Kings", "Lark", "Mill", "Oak"]
ENDINGS = ["Primary School", "Academy", "High School", "Church of England School", "Community College", "School"]


def _date(rng: random.Random, start_year: int, end_year: int) -> str:
    day = datetime.date(start_year, 1, 1) + datetime.timedelta(days=rng.randrange((end_year - start_year) * 365))
    return day.strftime("%d-%m-%Y")


def _pick(rng: random.Random, choices):
    return rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]


def establishment(rng: random.Random, urn: int) -> dict:
    """One synthetic establishment row as {column: value}."""
    type_name, type_code, group, group_code, _, phases = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
    status, status_code, _ = rng.choices(STATUSES, weights=[s[2] for s in STATUSES])[0]
    phase = _pick(rng, phases) if phases else "Not applicable"
    low, high = AGES[phase]
    la_code = "670" if type_name == "Welsh establishment" else rng.choice(LA_CODES)
    pupils = rng.randrange(20, 1800) if phase != "Primary" else rng.randrange(30, 700)
    name = f"{rng.choice(PLACES)}{rng.choice(['', 'field', 'wood', 'side', ' Park'])} {rng.choice(ENDINGS)}"
    if rng.random() < 0.01:
        name = f"St Thérèse's {name}"  # latin-1 accents, as in the real file
    return {
        "URN": str(urn),
        "LA (code)": la_code,
        "LA (name)": f"Authority {la_code}",
        "EstablishmentNumber": str(rng.randrange(1000, 8000)),
        "EstablishmentName": name,
        "TypeOfEstablishment (code)": str(type_code),
        "TypeOfEstablishment (name)": type_name,
        "EstablishmentTypeGroup (code)": str(group_code),
        "EstablishmentTypeGroup (name)": group,
        "EstablishmentStatus (code)": str(status_code),
        "EstablishmentStatus (name)": status,
        "OpenDate": _date(rng, 1990, 2025) if rng.random() < 0.6 else "",
        "CloseDate": _date(rng, 1995, 2025) if status == "Closed" else "",
        "PhaseOfEducation (code)": str(PHASE_CODES[phase]),
        "PhaseOfEducation (name)": phase,
        "StatutoryLowAge": str(low),
        "StatutoryHighAge": str(high),
        "NumberOfPupils": "" if status == "Closed" or rng.random() < 0.05 else str(pupils),
        "PercentageFSM": "" if status == "Closed" or rng.random() < 0.08 else f"{rng.uniform(0, 70):.1f}",
        "Postcode": f"ZZ{rng.randrange(1, 99)} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
        "GOR (name)": "Wales (pseudo)" if la_code == "670" else "North West",
        "LSOA (code)": f"E01{rng.randrange(0, 35000):06d}",
        "Town": rng.choice(PLACES) + "ton",
        "SchoolWebsite": f"https://school{urn}.example",
    }


BAD_VALUES = [
    ("OpenDate", "31-02-2015"),
    ("OpenDate", "2015-09-01"),
    ("NumberOfPupils", "about 200"),
    ("EstablishmentName", ""),
    ("URN", "12A45"),
    ("PercentageFSM", "140"),
]


def generate(path: Path, *, rows: int = ROWS, changed_share: float = 0.0, seed: int = 3) -> int:
    """Write the synthetic national file; with `changed_share`, that share of open rows changes. Bad rows: 0.2%."""
    rng = random.Random(seed)
    changer = random.Random(seed + 1)
    bad = 0
    with open(path, "w", encoding="latin-1", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER + PADDING)
        for i in range(rows):
            row = establishment(rng, FIRST_URN + i)
            is_open = row["EstablishmentStatus (name)"] == "Open"
            if changed_share and is_open and changer.random() < changed_share / OPEN_SHARE:
                row["NumberOfPupils"] = str(changer.randrange(20, 1800))
            if rng.random() < 0.002:
                column, value = rng.choice(BAD_VALUES)
                row[column] = value
                bad += 1
            writer.writerow([row.get(column, "") for column in HEADER] + [""] * len(PADDING))
    return bad


class Rollback(Exception):
    pass


def _import(path: Path):
    start = time.perf_counter()
    with open(path, encoding=gias.ENCODING, newline="") as file:
        report = gias.import_gias(establishments=file, file_name=path.name)
    return time.perf_counter() - start, report


def benchmark(rows: int = ROWS) -> list[str]:
    """Time the three imports; return the report lines (the database is left as it was)."""
    with tempfile.TemporaryDirectory() as folder:
        national = Path(folder) / "edubasealldata20260101.csv"
        changed = Path(folder) / "edubasealldata20260201.csv"
        generate(national, rows=rows)
        generate(changed, rows=rows, changed_share=CHANGED_SHARE)
        if Organisation.objects.filter(urn__gte=FIRST_URN, urn__lt=FIRST_URN + rows).exists():
            return ["GIAS import: skipped, the database already holds organisations with the benchmark's URNs."]
        results = {}
        try:
            with transaction.atomic():
                results["first"] = _import(national)
                results["rerun"] = _import(national)
                results["changed"] = _import(changed)
                raise Rollback
        except Rollback:
            pass
    first, rerun, changed_run = results["first"], results["rerun"], results["changed"]
    lines = [f"{'GIAS import (' + str(rows) + ' rows)':<48} {'seconds':>8} {'rows/s':>8} {'/ 120 s':>8}"]
    for label, (seconds, _) in (
        (f"first import ({first[1].created} created)", first),
        (f"re-run ({rerun[1].unchanged} unchanged, {rerun[1].updated} updated)", rerun),
        (f"2% changed ({changed_run[1].updated} updated)", changed_run),
    ):
        lines.append(f"{label:<48} {seconds:8.2f} {rows / seconds:8.0f} {seconds / BUDGET_SECONDS:7.1%}")
    lines.append(f"{'re-run / first import':<48} {rerun[0] / first[0]:5.2f}x")
    lines.append(f"{'2% changed / first import':<48} {changed_run[0] / first[0]:5.2f}x")
    skipped = sum(first[1].skipped.values())
    lines.append(f"first import: {skipped} skipped, {len(first[1].bad_rows)} bad rows reported")
    return lines


def main():
    for line in benchmark():
        print(line)


if __name__ == "__main__":
    main()
