"""Benchmarks: the distribution over all partnerships, anonymised, and withheld below 3 others."""

from fractions import Fraction

import pytest

from cascade.queries_benchmarks import benchmark, distribution, quantile
from cascade.services.framework import current_framework
from partnership.models import Membership
from partnership.roles import Role

from ..factories import PartnershipFactory, member
from .factories_results import make_workshop, score_table
from .test_results_pages import page, text

pytestmark = pytest.mark.django_db


def with_total(partnership, per_domain):
    score_table(make_workshop(partnership), "1", [per_domain] * 7)


def test_quartiles_interpolate_exactly():
    values = [Fraction(v) for v in (7, 14, 0, 21)]
    d = distribution(values)
    assert (d.minimum, d.lower_quartile, d.median, d.upper_quartile, d.maximum) == (
        0,
        Fraction(21, 4),
        Fraction(21, 2),
        Fraction(63, 4),
        21,
    )
    assert quantile([Fraction(5)], Fraction(1, 2)) == 5
    assert distribution([]) is None


def test_the_distribution_covers_every_partnership_with_scores(cast):
    with_total(cast.partnership, 1)  # 7
    for value in (0, 2, 3):  # 0, 14, 21
        with_total(PartnershipFactory(), value)
    PartnershipFactory()  # no scores: not counted
    result = benchmark(partnership=cast.partnership, framework=current_framework(), round=1)
    assert result.shown and result.others == 3
    assert result.total.count == 4
    assert (result.total.minimum, result.total.median, result.total.maximum) == (0, Fraction(21, 2), 21)
    assert result.domains["clarity"].median == Fraction(3, 2)
    assert benchmark(partnership=cast.partnership, framework=current_framework(), round=2).shown is False


def test_the_page_never_names_another_partnership(client, cast):
    with_total(cast.partnership, 1)
    others = [PartnershipFactory(name=f"Secretshire {n} Partnership") for n in range(3)]
    for other, value in zip(others, (0, 2, 3), strict=True):
        with_total(other, value)
    response = page(client, cast.lead, "cascade_benchmarks", cast.partnership.slug)
    body = text(response)
    assert "Secretshire" not in response.content.decode()
    assert "Total (0-21) 7.0 0.0 5.3 10.5 15.8 21.0 4" in body


def test_fewer_than_three_others_withholds_the_distribution(client, cast):
    with_total(cast.partnership, 1)
    for value in (0, 3):
        with_total(PartnershipFactory(name=f"Hidden {value}"), value)
    body = text(page(client, cast.lead, "cascade_benchmarks", cast.partnership.slug))
    assert "only when at least 3 other partnerships have scores" in body
    assert "2 other partnerships have scores so far" in body
    assert "Lower quartile" not in body
    assert "Your total: 7.0 out of 21" in body


def test_a_commissioner_sees_every_partnership_they_commission_by_name(client, cast):
    second = PartnershipFactory(name="Southshire CYP Partnership")
    with_total(cast.partnership, 1)
    with_total(second, 2)
    with_total(PartnershipFactory(name="Not commissioned"), 3)
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    member_of_second = member(second, Role.COMMISSIONER)
    Membership.objects.filter(user=member_of_second).update(user=commissioner)
    response = page(client, commissioner, "cascade_benchmarks", cast.partnership.slug)
    body = text(response)
    assert "Partnerships you can see" in body
    assert f"{cast.partnership.name} 7.0 High" in body
    assert "Southshire CYP Partnership 14.0 High" in body
    assert "Not commissioned" not in response.content.decode()
    # a member of only one partnership gets no such list
    client.logout()
    assert "Partnerships you can see" not in text(
        page(client, cast.reader, "cascade_benchmarks", cast.partnership.slug)
    )
