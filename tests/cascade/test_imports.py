"""Importing table scores from CSV (cascade.services.imports and `manage.py import_cascade_scores`)."""

import random
from datetime import date
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cascade.models import Cohort, DomainScore, ScoringTable, Workshop
from cascade.queries import cohort_results, partnership_result
from cascade.results import Band
from cascade.services.framework import current_framework
from cascade.services.imports import MAX_ERRORS_LISTED, RowError, import_scores
from cascade.services.scoring import NOTE_MAX_LENGTH
from partnership.models import AuditEvent, User
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import audit

from ..factories import PartnershipFactory, member
from .factories_imports import CODES, counts, csv_file, table_rows

pytestmark = pytest.mark.django_db
SYSTEM = audit.SYSTEM

ALPHA = {
    ("North", 1, "1"): [0, 1, 2, 3, 0, 1, 2],
    ("North", 1, "2"): [1, 1, 2, 2, 0, 0, 3],
    ("South", 1, "A"): [2, 0, 1, 3, 1, 1, 2],
    ("North", 2, "1"): [3, 2, 2, 3, 1, 1, 2],
    ("South", 2, "A"): [2, 2, 2, 3, 2, 1, 3],
}
BETA = {
    ("Cohort 1", 1, "Red"): [1, 0, 0, 1, 1, 0, 0],
    ("Cohort 1", 1, "Blue"): [0, 0, 1, 1, 0, 1, 1],
    ("Cohort 1", 1, "Green"): [1, 1, 0, 0, 1, 0, 1],
}


@pytest.fixture
def areas():
    return PartnershipFactory(slug="alpha"), PartnershipFactory(slug="beta")


def rows_for(slug, tables):
    return [
        row
        for (cohort, round_, table), scores in tables.items()
        for row in table_rows(slug, cohort, round_, table, scores)
    ]


def good_file():
    return csv_file(*rows_for("alpha", ALPHA), *rows_for("beta", BETA))


def by_hand(tables, round_, cohort=None):
    """Domain means and total with Fractions, straight from the table scores above."""
    chosen = [scores for (c, r, _), scores in tables.items() if r == round_ and (cohort is None or c == cohort)]
    means = {code: Fraction(sum(s[i] for s in chosen), len(chosen)) for i, code in enumerate(CODES)}
    return means, sum(means.values(), Fraction(0))


def test_a_file_for_several_partnerships_gives_results_equal_to_a_hand_calculation(areas):
    alpha, beta = areas
    report = import_scores(good_file(), by=SYSTEM, via="test")

    assert report.imported, report.errors
    assert report.rows_read == report.scores_created == 7 * (len(ALPHA) + len(BETA))
    assert (report.cohorts_created, report.workshops_created, report.tables_created) == (3, 5, 8)
    assert report.partnerships == ["alpha", "beta"]
    framework = current_framework()
    scores = DomainScore.objects.all()
    for partnership, tables in ((alpha, ALPHA), (beta, BETA)):
        for round_ in (1, 2) if tables is ALPHA else (1,):
            result = partnership_result(scores, partnership=partnership, framework=framework, round=round_)
            means, total = by_hand(tables, round_)
            assert {code: d.mean for code, d in result.domains.items()} == means
            assert result.total == total
    assert partnership_result(scores, partnership=alpha, framework=framework, round=1).total == Fraction(28, 3)
    assert partnership_result(scores, partnership=beta, framework=framework, round=1).band == Band.VERY_LOW
    per_cohort = cohort_results(scores, partnership=alpha, framework=framework, round=1)
    assert {name: r.total for name, r in per_cohort.items()} == {
        "North": by_hand(ALPHA, 1, "North")[1],
        "South": by_hand(ALPHA, 1, "South")[1],
    }


def test_an_import_writes_one_audit_event_per_partnership_with_counts_and_no_notes(areas):
    alpha, beta = areas
    lines = table_rows("alpha", "North", 1, "1", [1] * 7, extra=",Private remark about a school")
    lines += table_rows("beta", "North", 1, "1", [2] * 7, extra=",")
    import_scores(csv_file(*lines, header="partnership,cohort,round,table,domain,score,note"), by=SYSTEM, via="test")

    events = AuditEvent.objects.filter(detail__cascade_import="test").order_by("partnership_id")
    assert [(e.partnership_id, e.action, e.actor_label) for e in events] == [
        (alpha.pk, AuditAction.CREATE, "system"),
        (beta.pk, AuditAction.CREATE, "system"),
    ]
    assert events[0].detail["scores_created"] == 7 and events[0].detail["tables_created"] == 1
    assert "Private remark" not in str(events[0].detail)
    assert DomainScore.objects.filter(evidence="Private remark about a school").count() == 7


def test_importing_the_same_file_again_changes_nothing(areas):
    import_scores(good_file(), by=SYSTEM)
    before = counts()

    again = import_scores(good_file(), by=SYSTEM)

    assert again.imported
    assert again.scores_unchanged == again.rows_read and again.scores_created == again.scores_updated == 0
    assert (again.cohorts_created, again.workshops_created, again.tables_created) == (0, 0, 0)
    assert counts() == before  # no new audit event either


def test_a_changed_score_is_updated_and_audited_as_an_update(areas):
    import_scores(good_file(), by=SYSTEM)
    changed = good_file().replace(b"alpha,North,1,1,clarity,0", b"alpha,north,1,1,clarity,3")  # any case

    report = import_scores(changed, by=SYSTEM, via="test")

    assert (report.scores_updated, report.scores_created, report.cohorts_created) == (1, 0, 0)
    assert (
        DomainScore.objects.get(
            table__label="1",
            table__workshop__round=1,
            domain__code="clarity",
            table__workshop__partnership__slug="alpha",
            table__workshop__cohort__name="North",
        ).score
        == 3
    )
    event = AuditEvent.objects.filter(detail__cascade_import="test").get()
    assert event.action == AuditAction.UPDATE and event.detail["scores_updated"] == 1


def test_a_file_with_one_bad_row_changes_nothing_and_names_its_line(areas):
    import_scores(good_file(), by=SYSTEM)
    before = counts()
    lines = table_rows("alpha", "North", 1, "1", [3] * 7) + table_rows("alpha", "East", 1, "9", [1] * 7)
    lines[9] = "alpha,East,1,9,structures,5"  # line 11 of the file (the header is line 1)

    report = import_scores(csv_file(*lines), by=SYSTEM)

    assert not report.imported
    assert report.errors == [RowError(11, "Score must be 0, 1, 2 or 3, not “5”.")]
    assert counts() == before
    assert not Cohort.objects.filter(name="East").exists()


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["nowhere,North,1,1,clarity,1"], 2, "There is no partnership “nowhere”"),
        (["alpha,North,3,1,clarity,1"], 2, "Round must be 1 or 2, not “3”"),
        (["alpha,North,1,1,clarity,4"], 2, "Score must be 0, 1, 2 or 3, not “4”"),
        (["alpha,North,1,1,clarity,-1"], 2, "Score must be 0, 1, 2 or 3"),
        (["alpha,North,1,1,clarity,1.5"], 2, "Score must be 0, 1, 2 or 3"),
        (["alpha,North,1,1,clarity,"], 2, "Score must be 0, 1, 2 or 3"),
        (["alpha,North,1,1,clarty,1"], 2, "There is no domain “clarty” in the framework: use one of clarity,"),
        (["alpha, ,1,1,clarity,1"], 2, "Cohort is empty"),
        (["alpha,North,1,,clarity,1"], 2, "Table is empty"),
        (["alpha,North,1,1,,1"], 2, "Domain is empty"),
        ([",North,1,1,clarity,1"], 2, "Partnership is empty"),
        (["alpha," + "C" * 101 + ",1,1,clarity,1"], 2, "Cohort is longer than 100 characters"),
        (["alpha,North,1," + "T" * 51 + ",clarity,1"], 2, "Table is longer than 50 characters"),
        (["alpha,North,1,1,clarity"], 2, "Expected 6 values (one per column), found 5"),
        (["alpha,North,1,1,clarity,1,extra"], 2, "Expected 6 values (one per column), found 7"),
        (
            ["alpha,North,1,1,clarity,1", "alpha,North,1,2,clarity,1", "alpha,north,1,1,clarity,2"],
            4,
            "Line 2 already scores clarity for table 1 of north, round 1: keep one of lines 2 and 4",
        ),
    ],
)
def test_every_bad_row_is_reported_by_line(areas, lines, line, message):
    report = import_scores(csv_file(*lines), by=SYSTEM)
    assert not report.imported
    assert [e.line for e in report.errors] == [line]
    assert message in report.errors[0].message
    assert Workshop.objects.count() == 0


def test_every_error_in_a_file_is_reported_not_just_the_first(areas):
    lines = [
        "alpha,North,1,1,clarity,9",
        "alpha,North,1,1,agreed_contact,1",
        "nowhere,X,2,1,clarity,1",
        "alpha,North,1,1,bad,1",
    ]
    report = import_scores(csv_file(*lines), by=SYSTEM)
    assert [e.line for e in report.errors] == [2, 4, 5]
    assert report.error_count == 3 and report.rows_read == 4


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("partnership,cohort,round,table,score", "missing column(s): domain"),
        ("partnership,cohort,round,table,domain,score,colour", "unknown column(s): colour"),
        ("partnership,cohort,round,table,domain,score,score", "column(s) named twice: score"),
        ("partnership;cohort;round;table;domain;score", "missing column(s): partnership, cohort"),
    ],
)
def test_a_bad_header_is_reported_on_line_1(areas, header, message):
    report = import_scores(csv_file("alpha,North,1,1,clarity,1", header=header), by=SYSTEM)
    assert report.errors[0].line == 1 and message in report.errors[0].message
    assert report.error_count == 1


def test_header_names_ignore_case_spaces_and_order_and_a_byte_order_mark(areas):
    data = csv_file("clarity,2,1,alpha,North,T1", header=" Domain ,SCORE,round,partnership,cohort,table", bom=True)
    report = import_scores(data, by=SYSTEM)
    assert report.imported, report.errors
    assert DomainScore.objects.get().score == 2


def test_a_closed_workshop_is_refused_on_every_row_that_names_it(areas):
    import_scores(csv_file(*table_rows("alpha", "North", 1, "1", [1] * 7)), by=SYSTEM)
    Workshop.objects.update(status=Workshop.Status.CLOSED)
    before = counts()

    report = import_scores(csv_file(*table_rows("alpha", "north", 1, "2", [2] * 7)), by=SYSTEM)

    assert [e.line for e in report.errors] == list(range(2, 9))
    assert "north, round 1 is closed" in report.errors[0].message
    assert counts() == before


def test_a_note_is_kept_as_evidence_and_an_empty_note_leaves_it_alone(areas):
    header = "partnership,cohort,round,table,domain,score,note"
    import_scores(csv_file('alpha,North,1,1,clarity,1,"Links named, not yet used"', header=header), by=SYSTEM)
    assert DomainScore.objects.get().evidence == "Links named, not yet used"

    report = import_scores(csv_file("alpha,North,1,1,clarity,1,", header=header), by=SYSTEM)
    assert report.scores_unchanged == 1
    assert DomainScore.objects.get().evidence == "Links named, not yet used"

    too_long = import_scores(
        csv_file(f"alpha,North,1,1,clarity,1,{'x' * (NOTE_MAX_LENGTH + 1)}", header=header), by=SYSTEM
    )
    assert too_long.errors == [RowError(2, f"Note is longer than {NOTE_MAX_LENGTH} characters.")]


def test_held_on_dates_the_new_workshops_in_either_format(areas):
    header = "partnership,cohort,round,table,domain,score,held_on"
    lines = ["alpha,North,1,1,clarity,1,2026-01-14", "alpha,North,2,1,clarity,2,11/03/2026"]
    report = import_scores(csv_file(*lines, header=header), by=SYSTEM)
    assert report.imported and report.notices == []
    assert sorted(Workshop.objects.values_list("round", "held_on")) == [(1, date(2026, 1, 14)), (2, date(2026, 3, 11))]


def test_workshops_without_a_date_are_dated_today_and_the_report_says_so(areas):
    report = import_scores(csv_file("alpha,North,1,1,clarity,1"), by=SYSTEM)
    assert Workshop.objects.get().held_on == timezone.localdate()
    assert "dated today" in report.notices[0] and "alpha North round 1" in report.notices[0]


@pytest.mark.parametrize(
    ("lines", "line", "message"),
    [
        (["alpha,North,1,1,clarity,1,2026-13-01"], 2, "The held_on date must be a date like 2026-03-14 or 14/03/2026"),
        (
            ["alpha,North,1,1,clarity,1,2026-01-14", "alpha,North,1,2,clarity,1,2026-01-15"],
            3,
            "differs from line 2 (2026-01-14) for the same workshop",
        ),
        (
            ["alpha,North,1,1,clarity,1,2026-03-14", "alpha,North,2,1,clarity,1,2026-03-01"],
            3,
            "Round 2 must be after round 1 (2026-03-14)",
        ),
    ],
)
def test_bad_dates_are_reported_by_line(areas, lines, line, message):
    report = import_scores(csv_file(*lines, header="partnership,cohort,round,table,domain,score,held_on"), by=SYSTEM)
    assert [e.line for e in report.errors] == [line]
    assert message in report.errors[0].message


def test_an_existing_workshop_keeps_its_date(areas):
    header = "partnership,cohort,round,table,domain,score,held_on"
    import_scores(csv_file("alpha,North,1,1,clarity,1,2026-01-14", header=header), by=SYSTEM)
    assert import_scores(csv_file("alpha,North,1,2,clarity,1,", header=header), by=SYSTEM).imported
    report = import_scores(csv_file("alpha,North,1,3,clarity,1,2026-02-01", header=header), by=SYSTEM)
    assert "was held on 2026-01-14, not 2026-02-01" in report.errors[0].message


def test_the_user_must_run_workshops_in_every_partnership_and_others_are_unknown(areas):
    alpha, _ = areas
    facilitator = member(alpha, Role.FACILITATOR)
    steering = member(alpha, Role.STEERING_MEMBER)
    ok = import_scores(csv_file("alpha,North,1,1,clarity,1"), by=facilitator)
    assert ok.imported

    report = import_scores(csv_file("alpha,North,1,1,clarity,2", "beta,North,1,1,clarity,1"), by=facilitator)
    assert report.errors == [RowError(3, "There is no partnership “beta” (use the partnership's slug).")]
    refused = import_scores(csv_file("alpha,North,1,1,clarity,2"), by=steering)
    assert "You can't run CASCADE workshops in" in refused.errors[0].message
    assert DomainScore.objects.get().score == 1


def test_a_users_import_is_attributed_to_them(areas):
    alpha, _ = areas
    lead = member(alpha, Role.AREA_LEAD)
    import_scores(csv_file("alpha,North,1,1,clarity,1"), by=lead, via="api")
    assert DomainScore.objects.get().updated_by == lead
    assert AuditEvent.objects.get(detail__cascade_import="api").actor == lead


def test_a_system_import_is_attributed_to_the_system_not_to_a_user(areas):
    users = User.objects.count()
    import_scores(csv_file("alpha,North,1,1,clarity,1"), by=SYSTEM)
    assert DomainScore.objects.get().updated_by is None
    event = AuditEvent.objects.get(detail__has_key="cascade_import")
    assert (event.actor, event.actor_label) == (None, "system")
    assert User.objects.count() == users


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_give_a_report_not_a_crash(areas, seed):
    data = random.Random(seed).randbytes(random.Random(seed).randint(1, 5000))
    report = import_scores(data, by=SYSTEM)
    assert not report.imported and report.errors
    assert ScoringTable.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", None, "The file is empty"),
        (b"  \n\n", None, "The file is empty"),
        (b"partnership,cohort,round,table,domain,score\n", None, "no rows of scores"),
        (b"partnership,cohort,round,table,domain,score\nalpha,North,1,1,clarity,\xff\n", 2, "not UTF-8"),
        ("partnership,cohort,round,table,domain,score\n".encode("utf-16"), 1, "not UTF-8"),
        (b"partnership,cohort,round,table,domain,score\nalpha,\x00North,1,1,clarity,1\n", 2, "NUL character"),
        (b'partnership,cohort,round,table,domain,score\nalpha,"North,1,1,clarity,1\n', None, None),
    ],
)
def test_files_that_are_not_csv_text_are_reported(areas, data, line, message):
    report = import_scores(data, by=SYSTEM)
    assert not report.imported
    if message:
        assert report.errors[0].line == line and message in report.errors[0].message


def test_a_file_of_many_errors_lists_the_first_thousand_and_counts_them_all(areas):
    report = import_scores(csv_file(*["alpha,North,1,1,clarity,7"] * 1200), by=SYSTEM)
    assert report.error_count == 1200 and len(report.errors) == MAX_ERRORS_LISTED
    assert report.lines()[-1] == "... and 200 more."


# --- the command -------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_prints_the_report(areas, tmp_path, capsys):
    path = tmp_path / "scores.csv"
    path.write_bytes(good_file())
    call_command("import_cascade_scores", str(path))
    out = capsys.readouterr().out
    assert f"Imported {7 * 8} row(s) for alpha, beta." in out
    assert "Scores: 56 created, 0 updated, 0 unchanged." in out
    assert AuditEvent.objects.filter(detail__cascade_import="manage.py import_cascade_scores").count() == 2


def test_the_command_exits_non_zero_naming_the_bad_lines(areas, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(csv_file("alpha,North,1,1,clarity,1", "alpha,North,1,1,structures,x"))
    with pytest.raises(CommandError) as raised:
        call_command("import_cascade_scores", str(path))
    assert "Nothing was imported: 1 problem(s) in 2 row(s)." in str(raised.value)
    assert "Line 3: Score must be 0, 1, 2 or 3, not “x”." in str(raised.value)
    assert DomainScore.objects.count() == 0


def test_the_command_exit_codes_from_a_shell(areas, tmp_path):
    from django.core.management import execute_from_command_line

    path = tmp_path / "scores.csv"
    path.write_bytes(csv_file("alpha,North,1,1,clarity,5"))
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_cascade_scores", str(path)])
    assert exited.value.code == 1
    with pytest.raises(SystemExit) as missing:
        execute_from_command_line(["manage.py", "import_cascade_scores", str(tmp_path / "nope.csv")])
    assert missing.value.code == 1


def test_the_sample_files_import_and_are_refused(tmp_path):
    from django.conf import settings

    PartnershipFactory(slug="northshire")
    samples = settings.BASE_DIR / "docs" / "samples"
    bad = import_scores((samples / "cascade-scores-bad.csv").read_bytes(), by=SYSTEM)
    assert [e.line for e in bad.errors] == [4, 6, 9]
    good = import_scores((samples / "cascade-scores.csv").read_bytes(), by=SYSTEM)
    assert good.imported and good.scores_created == 42 and good.notices == []
