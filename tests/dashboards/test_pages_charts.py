"""The dashboard's SVG charts: valid, titled and described, axis and value labels, a suppressed
value drawn as a labelled gap (never a bar of 0), series told apart by more than colour."""

from decimal import Decimal

import pytest
from defusedxml import ElementTree as ET

from partnership.dashboards.charts import nice_step, table_chart
from partnership.disclosure import disclose
from partnership.figures import Chart, ChartKind, Count, Number, Percent, Row, Statistic, Table

SVG = "{http://www.w3.org/2000/svg}"


def chart(table, *, national=False, chart_id="chart-p-t"):
    markup = table_chart(disclose(table, national=national), chart_id=chart_id)
    assert markup is not None
    svg = ET.fromstring(str(markup))
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img" and svg.get("class") == "app-chart"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert all(el.get("style") is None for el in svg.iter())  # the CSP forbids inline styles
    return svg


def texts(svg) -> list[str]:
    return [el.text for el in svg.iter(f"{SVG}text")]


def bars(svg) -> dict[str, object]:
    """Drawn bars (filled rects) and gaps (dashed outlines), by their tooltip."""
    found = {}
    for rect in svg.iter(f"{SVG}rect"):
        tip = rect.find(f"{SVG}title")
        if tip is not None:
            found[tip.text] = rect
    return found


MONTHS = Table(
    "volume",
    "Referrals by month",
    ("Month", "Referrals"),
    (Row("January", (Count(3),)), Row("February", (Count(12),)), Row("March", (Count(0),))),
    description="Referrals received each month.",
    chart=Chart(ChartKind.BAR, (1,), "referrals"),
    total=Row("Total", (Count(15),)),
)


def test_vertical_bars_have_title_description_axes_and_values():
    svg = chart(MONTHS)
    assert svg.find(f"{SVG}title").text == "Referrals by month"
    desc = svg.find(f"{SVG}desc").text
    assert desc.startswith("Referrals received each month. January: not shown (small number); February: 10; March: 0.")
    assert "* means a small number" in desc
    words = texts(svg)
    assert "Referrals" in words and "Month" in words  # axis labels
    assert "10" in words and "*" in words
    assert "Total" not in words  # the total row is in the table, not drawn beside its parts


def test_a_suppressed_value_is_a_labelled_gap_never_a_bar_of_zero():
    svg = chart(MONTHS)
    drawn = bars(svg)
    gap = drawn["January: not shown (small number)"]
    assert gap.get("fill") == "none" and gap.get("stroke-dasharray") == "3 3"
    assert drawn["February: 10"].get("fill") == "#005eb8"
    assert not any(key.startswith("January: 0") or key == "January: *" for key in drawn)


def test_national_charts_draw_every_number():
    svg = chart(MONTHS, national=True)
    drawn = bars(svg)
    assert "January: 3" in drawn and "February: 12" in drawn
    assert "*" not in texts(svg)
    assert "* means" not in svg.find(f"{SVG}desc").text


def test_horizontal_bars_of_percentages_run_to_100_and_say_no_data():
    table = Table(
        "reasons",
        "Reasons not accepted",
        ("Reason", "Share"),
        (
            Row("Threshold", (Percent(40, 100),)),
            Row("Elsewhere", (Percent(5, 100),)),
            Row("Nobody", (Percent(0, 0),)),
        ),
        chart=Chart(ChartKind.HBAR, (1,), "%"),
    )
    svg = chart(table)
    words = texts(svg)
    assert "40.0%" in words and "100" in words and "Share (%)" in words
    assert "* not shown" in words and "no data" in words
    assert bars(svg)["Elsewhere, Share: not shown"].get("fill") == "none"


def test_negative_changes_draw_left_of_a_zero_line():
    table = Table(
        "change",
        "Change by domain",
        ("Domain", "Change"),
        (Row("One", (Number(Decimal("0.9")),)), Row("Two", (Number(Decimal("-0.5")),))),
        chart=Chart(ChartKind.HBAR, (1,)),
    )
    svg = chart(table)
    assert "-0.5" in texts(svg)
    drawn = bars(svg)
    one, two = drawn["One, Change: 0.9"], drawn["Two, Change: -0.5"]
    assert float(two.get("x")) + float(two.get("width")) == pytest.approx(float(one.get("x")), abs=0.2)


def test_grouped_series_are_told_apart_by_words_and_patterns_not_colour_alone():
    table = Table(
        "rounds",
        "Mean score by domain",
        ("Domain", "Round 1", "Round 2"),
        (
            Row("Leadership", (Number(Decimal("1.5")), Number(Decimal("2.0")))),
            Row("Waits", (Statistic(Decimal(13), 3, "days"), Statistic(Decimal(9), 40, "days"))),
        ),
        chart=Chart(ChartKind.GROUPED, (1, 2), "Mean score"),
    )
    svg = chart(table, chart_id="chart-cascade-rounds")
    words = texts(svg)
    assert "Round 1 (solid)" in words and "Round 2 (diagonal stripes)" in words  # the legend
    assert "Round 1: 1.5" in words and "Round 2: 2.0" in words  # each value names its series
    assert "Round 1: * not shown" in words and "Round 2: 9 days" in words
    patterns = list(svg.iter(f"{SVG}pattern"))
    assert [p.get("id") for p in patterns] == ["chart-cascade-rounds-p1"]
    assert bars(svg)["Leadership, Round 2: 2.0"].get("fill") == "url(#chart-cascade-rounds-p1)"
    assert "Mean score" in words


def test_many_months_turn_their_labels():
    rows = tuple(Row(f"Month {n}", (Count(10 * n),)) for n in range(1, 37))
    svg = chart(Table("m", "Three years", ("Month", "Referrals"), rows, chart=Chart(ChartKind.BAR)))
    turned = [el for el in svg.iter(f"{SVG}text") if el.get("transform")]
    assert len(turned) >= 36 * 2


def test_text_is_escaped():
    table = Table(
        "x",
        "<script>alert(1)</script>",
        ("A&B", "<b>"),
        (Row("<img src=x>", (Count(20),)),),
        "a & b",
        chart=Chart(ChartKind.HBAR),
    )
    markup = str(table_chart(disclose(table, national=False), chart_id='bad" id'))
    assert "<script>" not in markup and "<img" not in markup and "<b>" not in markup
    assert 'id="bad--id-title"' in markup
    chart(table)


def test_no_chart_without_a_chart_or_rows():
    plain = Table("p", "Plain", ("A", "B"), (Row("a", (Count(1),)),))
    assert table_chart(disclose(plain, national=False), chart_id="c") is None
    empty = Table("e", "Empty", ("A", "B"), (), chart=Chart(ChartKind.BAR))
    assert table_chart(disclose(empty, national=False), chart_id="c") is None


@pytest.mark.parametrize(
    ("span", "step"), [(Decimal(7), Decimal(2)), (Decimal(100), Decimal(20)), (Decimal("3"), Decimal(1)), (0, 1)]
)
def test_nice_step(span, step):
    assert nice_step(Decimal(span)) == step
