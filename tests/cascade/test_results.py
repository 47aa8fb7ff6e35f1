"""The CASCADE computations (cascade/results.py): means, totals, bands, shares, change."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cascade.results import (
    Band,
    TableScore,
    band_for,
    by_cohort,
    change,
    cohort_groups,
    one_decimal,
    summarise,
)

from .factories import DOMAIN_CODES as DOMAINS


def table(cohort, name, *scores):
    return [TableScore(cohort, name, domain, score) for domain, score in zip(DOMAINS, scores, strict=True)]


@pytest.mark.parametrize(
    ("total", "band"),
    [
        ("0", Band.VERY_LOW),
        ("3.95", Band.VERY_LOW),
        ("3.999", Band.VERY_LOW),
        ("4.0", Band.LOW),
        ("4.95", Band.LOW),
        ("5.0", Band.FAIR),
        ("5.95", Band.FAIR),
        ("6.0", Band.HIGH),
        ("21", Band.HIGH),
    ],
)
def test_bands_at_their_exact_boundaries(total, band):
    assert band_for(Fraction(total)) == band
    assert band_for(Decimal(total)) == band
    assert band_for(float(total)) == band


def test_a_total_just_below_four_is_shown_as_four_but_banded_very_low():
    assert one_decimal(Fraction("3.95")) == Decimal("4.0")
    assert band_for(Fraction("3.95")) == Band.VERY_LOW


def test_domain_means_totals_and_shares_match_a_hand_calculation():
    scores = [
        *table("North", "T1", 0, 1, 2, 3, 0, 1, 2),
        *table("North", "T2", 1, 1, 2, 2, 0, 0, 3),
        *table("South", "T1", 2, 0, 1, 3, 1, 1, 2),
    ]
    result = summarise(scores, DOMAINS)
    # clarity: (0 + 1 + 2) / 3 = 1; agreed_contact: 2/3; structures: 5/3; common_outcomes: 8/3
    # ability_to_learn: 1/3; integrated_working: 2/3; evidence_based: 7/3 -> total 28/3 = 9.33...
    assert result.domains["clarity"].mean == 1
    assert result.domains["agreed_contact"].mean == Fraction(2, 3)
    assert result.domains["agreed_contact"].mean_rounded == Decimal("0.7")
    assert result.total == Fraction(28, 3)
    assert result.total_rounded == Decimal("9.3")
    assert result.band == Band.HIGH
    clarity = result.domains["clarity"]
    assert clarity.distribution == {0: 1, 1: 1, 2: 1, 3: 0}
    assert clarity.major_challenge_share == Fraction(1, 3)
    assert clarity.widespread_or_better_share == Fraction(1, 3)
    assert result.domains["common_outcomes"].widespread_or_better_share == 1
    cohorts = by_cohort(scores, DOMAINS)
    assert list(cohorts) == ["North", "South"]
    assert cohorts["North"].domains["evidence_based"].mean == Fraction(5, 2)
    assert cohorts["South"].total == 10


def test_a_domain_without_scores_has_no_mean_and_the_total_is_withheld():
    scores = [TableScore("North", "T1", "clarity", 2)]
    result = summarise(scores, DOMAINS)
    assert result.domains["clarity"].mean == 2
    assert result.domains["structures"].mean is None
    assert not result.complete
    assert result.total is None and result.band is None


def test_scores_outside_0_to_3_and_unknown_domains_are_refused():
    with pytest.raises(ValueError, match="0, 1, 2 or 3"):
        TableScore("North", "T1", "clarity", 4)
    with pytest.raises(ValueError, match="Unknown domain"):
        summarise([TableScore("North", "T1", "joy", 1)], DOMAINS)


def test_change_from_round_one_to_round_two_and_cohort_groups():
    first = by_cohort([*table("North", "T1", *[0] * 7), *table("South", "T1", *[1] * 7)], DOMAINS)
    second = by_cohort([*table("North", "T1", *[1] * 7), *table("South", "T1", 2, 1, 1, 1, 1, 1, 1)], DOMAINS)
    north = change(first["North"], second["North"])
    assert north.total == 7
    assert set(north.domains.values()) == {1}
    groups = cohort_groups(first, second)
    assert set(groups["below 6"]) == {"North"}  # round-1 total 0
    assert set(groups["6 or more"]) == {"South"}  # round-1 total 7
    assert groups["6 or more"]["South"].total == 1
    assert groups["6 or more"]["South"].domains["clarity"] == 1


scores_strategy = st.lists(
    st.builds(
        TableScore,
        cohort=st.sampled_from(["A", "B", "C"]),
        table=st.sampled_from(["T1", "T2", "T3", "T4"]),
        domain=st.sampled_from(DOMAINS),
        score=st.integers(min_value=0, max_value=3),
    ),
    max_size=80,
)


@given(scores_strategy)
def test_the_total_is_always_the_sum_of_the_domain_means_and_within_0_to_21(scores):
    result = summarise(scores, DOMAINS)
    if not result.complete:
        assert result.total is None
        return
    assert result.total == sum(d.mean for d in result.domains.values())
    assert 0 <= result.total <= 21
    assert result.band == band_for(result.total)
    for domain in result.domains.values():
        assert 0 <= domain.mean <= 3
        assert domain.major_challenge_share + domain.widespread_or_better_share <= 1
        assert sum(domain.distribution.values()) == domain.tables


@given(scores_strategy, scores_strategy)
def test_change_is_round_two_minus_round_one(first, second):
    one, two = summarise(first, DOMAINS), summarise(second, DOMAINS)
    delta = change(one, two)
    if one.complete and two.complete:
        assert delta.total == two.total - one.total
        assert delta.total == sum(delta.domains.values())
