"""Small-number disclosure control (partnership/disclosure.py, DESIGN.md section 8, issue 7 item 2).

Hand-worked cases of every rule, then hypothesis properties: counts, percentages, statistics, the
national level, totals from raw figures, and the anti-differencing property (a reader who knows the
rule and sees a table's parts and its total cannot pin a suppressed part to one value).
"""

import itertools
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from partnership import disclosure
from partnership.disclosure import FOOTNOTE, SUPPRESSED, Shown, ShownTable, count, disclose, percent, rounded, statistic
from partnership.figures import Chart, ChartKind, Count, Number, Percent, Row, Statistic, Table, Text

counts = st.integers(min_value=0, max_value=100_000)


# --- counts --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (0, 0),
        (1, "*"),
        (4, "*"),
        (7, "*"),
        (8, 10),
        (10, 10),
        (12, 10),
        (13, 15),  # halves up: 12.5 would round up, 13 is nearer 15
        (17, 15),
        (18, 20),
        (22, 20),
        (23, 25),
        (1002, 1000),
        (1003, 1005),
    ],
)
def test_a_count_is_zero_suppressed_or_rounded_to_5(raw, shown):
    assert count(raw) == shown


def test_rounding_goes_to_the_nearest_5_with_halves_up():
    assert [rounded(n) for n in (10, 11, 12, 13, 14, 15)] == [10, 10, 10, 15, 15, 15]
    assert rounded(2) == 0 and rounded(3) == 5  # only used above 7, but the rule is the rule


@given(counts)
def test_property_counts(n):
    shown = count(n)
    if n == 0:
        assert shown == 0
    elif 1 <= n <= 7:
        assert shown == SUPPRESSED
    else:
        assert isinstance(shown, int) and shown % 5 == 0 and abs(shown - n) <= 2 and shown >= 10


@given(counts)
def test_property_national_counts_are_published_as_they_are(n):
    assert count(n, national=True) == n


# --- percentages ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [
        (0, 0, None),  # nobody to take a share of
        (0, 20, Decimal("0.0")),
        (3, 20, "*"),  # part built on 1-7 people
        (12, 7, "*"),  # whole built on 1-7 people (even if nonsense)
        (12, 18, Decimal("50.0")),  # 12 -> 10, 18 -> 20: 10/20, not 12/18 = 66.7
        (13, 17, Decimal("100.0")),  # 15 / 15
        (8, 23, Decimal("40.0")),  # 10 / 25
        (10, 30, Decimal("33.3")),
        (20, 30, Decimal("66.7")),  # one decimal place, halves up
        (23, 23, Decimal("100.0")),
    ],
)
def test_a_percentage_is_worked_out_from_the_rounded_numbers(part, whole, shown):
    assert percent(part, whole) == shown


def test_a_national_percentage_uses_the_raw_numbers():
    assert percent(12, 18, national=True) == Decimal("66.7")
    assert percent(3, 7, national=True) == Decimal("42.9")
    assert percent(1, 0, national=True) is None


@given(counts, counts)
def test_property_percentages(part, whole):
    shown = percent(part, whole)
    if whole == 0:
        assert shown is None
    elif 1 <= part <= 7 or 1 <= whole <= 7:
        assert shown == SUPPRESSED
    else:
        # computed from the rounded numbers: nothing a reader could not work out from the shown counts
        expected = (Decimal(100) * count(part) / count(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert abs(shown - expected) <= Decimal("0.05")
        assert shown == percent(count(part), count(whole))


@given(counts, counts.filter(lambda n: n > 0))
def test_property_national_percentages_are_not_suppressed(part, whole):
    shown = percent(part, whole, national=True)
    assert shown != SUPPRESSED
    assert abs(shown - Decimal(100) * part / whole) <= Decimal("0.05")


# --- statistics (medians, percentiles, averages) --------------------------------------------------
@pytest.mark.parametrize(
    ("value", "people", "shown"),
    [
        (13, 0, None),
        (None, 30, None),
        (13, 1, "*"),
        (13, 7, "*"),
        (13, 8, 13),  # the value itself is not rounded: it is not a count of people
        (Decimal("12.5"), 200, Decimal("12.5")),
    ],
)
def test_a_statistic_built_on_1_to_7_people_is_suppressed(value, people, shown):
    assert statistic(value, people) == shown


@given(st.integers(0, 400), counts)
def test_property_statistics(value, people):
    shown = statistic(value, people)
    if people == 0:
        assert shown is None
    elif people <= 7:
        assert shown == SUPPRESSED
    else:
        assert shown == value
    assert statistic(value, people, national=True) == (None if people == 0 else value)


# --- cells and tables -----------------------------------------------------------------------------
def test_every_kind_of_cell_is_shown_by_its_rule():
    assert disclosure.shown(Count(3)) == Shown("*")
    assert disclosure.shown(Count(3), national=True) == Shown(3)
    assert disclosure.shown(Percent(12, 18)) == Shown(Decimal("50.0"), "%")
    assert disclosure.shown(Statistic(13, 5, "days")) == Shown("*", "days")
    assert disclosure.shown(Statistic(13, 50, "days")) == Shown(13, "days")
    assert disclosure.shown(Number(3, "WTE")) == Shown(3, "WTE")  # not people: as it is
    assert disclosure.shown(Text("Red")) == Shown("Red")
    with pytest.raises(TypeError):
        disclosure.shown(3)


def test_shown_text():
    assert Shown("*").text == "*" and Shown("*").suppressed
    assert Shown(None).text == "\u2013" and not Shown(None).suppressed
    assert Shown(Decimal("50.0"), "%").text == "50.0%"
    assert Shown(13, "days").text == "13 days"
    assert Shown(15).text == "15"
    assert Shown("Red").text == "Red"


def _table(rows, total=None):
    return Table(
        key="t",
        title="Referrals",
        columns=("Phase", "Referrals", "Accepted", "% accepted"),
        rows=tuple(Row(label, (Count(r), Count(a), Percent(a, r))) for label, r, a in rows),
        total=Row("Total", (Count(total[0]), Count(total[1]), Percent(total[1], total[0]))) if total else None,
        chart=Chart(ChartKind.BAR),
        description="Referrals received",
    )


def test_a_table_is_disclosed_cell_by_cell_with_its_total_from_the_raw_figures():
    # raw: primary 3 of which 2 accepted, secondary 3 of which 3, special 3 of which 1: total 9 of 6
    table = _table([("Primary", 3, 2), ("Secondary", 3, 3), ("Special", 3, 1)], total=(9, 6))
    shown = disclose(table, national=False)
    assert isinstance(shown, ShownTable)
    assert (shown.key, shown.title, shown.description, shown.columns) == (
        "t",
        "Referrals",
        "Referrals received",
        table.columns,
    )
    assert shown.chart == table.chart
    assert [[c.value for c in row.cells] for row in shown.rows] == [["*", "*", "*"]] * 3
    # the total is count(9) = 10, never the sum of the shown parts (nothing to add up) nor 9
    assert [c.value for c in shown.total.cells] == [10, "*", "*"]
    assert shown.as_rows() == [
        ["Phase", "Referrals", "Accepted", "% accepted"],
        ["Primary", "*", "*", "*"],
        ["Secondary", "*", "*", "*"],
        ["Special", "*", "*", "*"],
        ["Total", 10, "*", "*"],
    ]


def test_a_total_is_rounded_from_the_raw_total_not_added_up_from_rounded_parts():
    # 12 + 12 + 12 = 36 -> 35; the rounded parts would add up to 30
    shown = disclose(_table([("A", 12, 0), ("B", 12, 0), ("C", 12, 0)], total=(36, 0)), national=False)
    assert [row.cells[0].value for row in shown.rows] == [10, 10, 10]
    assert shown.total.cells[0].value == 35
    assert shown.total.cells[2].value == Decimal("0.0")


def test_national_tables_are_published_as_they_are():
    shown = disclose(_table([("A", 3, 2), ("B", 12, 5)], total=(15, 7)), national=True)
    assert shown.as_rows()[1:] == [
        ["A", 3, 2, Decimal("66.7")],
        ["B", 12, 5, Decimal("41.7")],
        ["Total", 15, 7, Decimal("46.7")],
    ]


def test_a_table_without_a_total_has_no_total_row():
    shown = disclose(_table([("A", 30, 20)]), national=False)
    assert shown.total is None and shown.all_rows == shown.rows
    assert shown.as_rows()[1:] == [["A", 30, 20, Decimal("66.7")]]


@given(st.lists(st.tuples(counts, counts), min_size=0, max_size=6))
def test_property_every_cell_of_a_disclosed_table_follows_its_rule(pairs):
    table = Table(
        key="k",
        title="t",
        columns=("Label", "N", "%", "Median"),
        rows=tuple(Row(f"r{i}", (Count(a), Percent(b, a), Statistic(a, b, "days"))) for i, (a, b) in enumerate(pairs)),
        total=Row("Total", (Count(sum(a for a, _ in pairs)), Number(len(pairs)), Text("x"))),
    )
    shown = disclose(table, national=False)
    for (a, b), row in zip(pairs, shown.rows, strict=True):
        assert [c.value for c in row.cells] == [count(a), percent(b, a), statistic(a, b)]
    # from the raw total (or withheld, if showing it would pin a suppressed part)
    assert shown.total.cells[0].value in (count(sum(a for a, _ in pairs)), SUPPRESSED)
    assert [c.value for c in shown.total.cells[1:]] == [len(pairs), "x"]


def test_the_footnote_explains_the_rule():
    for words in ("0 shows as 0", "1 to 7", "nearest 5", "rounded numbers", "Totals are rounded separately"):
        assert words in FOOTNOTE


# --- anti-differencing ----------------------------------------------------------------------------
def _could_be(shown) -> list[int]:
    """Every raw count a reader who knows the rule could take `shown` to be."""
    if shown == SUPPRESSED:
        return list(range(1, 8))
    return [n for n in range(max(0, shown - 2), shown + 3) if count(n) == shown]


def _total_consistent(shown_total, raw_total: int) -> bool:
    """A shown total of "*" is 1-7 (or, if disclosure ever withholds a total for protection, anything
    above 0: a reader cannot tell the two apart)."""
    if shown_total == SUPPRESSED:
        return raw_total >= 1
    return count(raw_total) == shown_total


def feasible_values(shown_parts, shown_total) -> list[set[int]]:
    """Brute force: for each part, the raw values it takes in some raw vector consistent with
    everything shown (each part's shown value and the total's)."""
    found = [set() for _ in shown_parts]
    for vector in itertools.product(*(_could_be(s) for s in shown_parts)):
        if _total_consistent(shown_total, sum(vector)):
            for i, value in enumerate(vector):
                found[i].add(value)
    return found


def _parts_table(parts) -> Table:
    return Table(
        key="parts",
        title="Referrals by phase",
        columns=("Phase", "Referrals"),
        rows=tuple(Row(f"Part {i}", (Count(n),)) for i, n in enumerate(parts)),
        total=Row("Total", (Count(sum(parts)),)),
    )


def test_the_brute_force_finds_the_raw_vector_and_pins_nothing_it_should_not():
    # 3 + 10: shown *, 10, total 15 (13). A reader knows part 0 is in 1-7 and part 1 in 8-12, and the
    # total in 13-17: part 0 could be 1 to 7 (with part 1 = 12 .. 8 as needed), so at least 2 values
    assert feasible_values(["*", 10], 15) == [set(range(1, 8)), set(range(8, 13))]
    assert feasible_values(["*"], "*") == [set(range(1, 8))]
    assert feasible_values([0, "*"], "*") == [{0}, set(range(1, 8))]


@settings(max_examples=400, deadline=None)
@example(parts=[1, 13, 13])
@example(parts=[1, 8, 8])
@example(parts=[7, 12, 12, 12])
@given(parts=st.lists(st.integers(0, 60), min_size=1, max_size=4))
def test_property_no_suppressed_part_can_be_recovered_from_the_total_and_the_other_parts(parts):
    shown = disclose(_parts_table(parts), national=False)
    shown_parts = [row.cells[0].value for row in shown.rows]
    shown_total = shown.total.cells[0].value
    assert _total_consistent(shown_total, sum(parts))  # the truth is among the possibilities
    feasible = feasible_values(shown_parts, shown_total)
    for raw, value, possible in zip(parts, shown_parts, feasible, strict=True):
        assert raw in possible
        if value == SUPPRESSED:
            assert len(possible) >= 2, f"parts {parts} shown as {shown_parts}, total {shown_total}: {raw} is pinned"


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.integers(0, 60), min_size=1, max_size=4))
def test_property_totals_are_disclosed_from_the_raw_figures(parts):
    shown = disclose(_parts_table(parts), national=False)
    total = shown.total.cells[0].value
    assert total in (count(sum(parts)), SUPPRESSED)
    if total != SUPPRESSED:
        assert total == count(sum(parts))


def test_the_total_of_rounded_parts_is_not_their_sum():
    shown = disclose(_parts_table([13, 13, 13]), national=False)
    assert [row.cells[0].value for row in shown.rows] == [15, 15, 15]
    assert shown.total.cells[0].value == 40  # 39 -> 40, not 45


def test_disclose_is_pure():
    table = _parts_table([3, 20])
    assert disclose(table, national=False) == disclose(table, national=False)
    assert table.rows[0].cells[0] == Count(3)  # the raw table is untouched
