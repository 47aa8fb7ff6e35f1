"""The SVG charts: accessible (role, title, description), values written on the bars, text escaped."""

import re
from fractions import Fraction
from xml.etree import ElementTree

from cascade.charts import Bar, bar_chart, change_chart, domain_means_chart
from cascade.presenters import ChangeRow, result_view
from cascade.results import TableScore, summarise

SVG = "{http://www.w3.org/2000/svg}"


class _Domain:
    def __init__(self, code, letter, title):
        self.code, self.letter, self.title = code, letter, title


DOMAINS = [_Domain("a", "A", "First domain"), _Domain("b", "B", "Second <domain>")]


def parse(svg) -> ElementTree.Element:
    return ElementTree.fromstring(str(svg))  # noqa: S314 (our own chart, not untrusted input)


def test_the_domain_chart_has_a_title_a_description_and_the_values():
    result = summarise(
        [TableScore("N", "1", "a", 1), TableScore("N", "2", "a", 2), TableScore("N", "1", "b", 3)], ["a", "b"]
    )
    svg = domain_means_chart(result_view(result, DOMAINS), title="Domain means, round 1")
    root = parse(svg)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Domain means, round 1"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # 1.5 and 3.0 are both described and written beside their bars
    assert "A: First domain: 1.5" in desc.text and "B: Second <domain>: 3.0" in desc.text
    assert "Total 4.5, band Low" in desc.text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "1.5" in texts and "3.0" in texts
    assert "Mean score (0 Major challenge to 3 Gold standard)" in texts  # the axis label
    assert ["0", "1", "2", "3"] == [t for t in texts if re.fullmatch(r"\d", t or "")]
    assert "<domain>" not in str(svg)  # escaped


def test_bar_lengths_follow_the_values():
    svg = bar_chart(
        title="t",
        description="d",
        bars=[Bar("one", Fraction(1), "1.0"), Bar("three", Fraction(3), "3.0")],
        maximum=3,
        axis_label="x",
    )
    widths = [float(rect.get("width")) for rect in parse(svg).iter(f"{SVG}rect")]
    assert widths[1] == 3 * widths[0]


def test_the_change_chart_writes_signed_changes_and_draws_a_missing_value_as_text():
    rows = [
        ChangeRow("Up", Fraction(1), Fraction(2), Fraction(1)),
        ChangeRow("Down", Fraction(2), Fraction(1, 2), Fraction(-3, 2)),
        ChangeRow("Missing", None, Fraction(1), None),
    ]
    root = parse(change_chart(rows, title="Change"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "+1.0 (up)" in texts and "-1.5 (down)" in texts and "Not available" in texts
    assert len(list(root.iter(f"{SVG}rect"))) == 2
    assert "-3" in texts and "3" in texts
