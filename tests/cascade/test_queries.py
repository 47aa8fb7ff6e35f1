"""Results computed from scores in the database match a hand calculation, per partnership."""

from fractions import Fraction

import pytest
from django.utils import timezone

from cascade.models import Cohort, Domain, DomainScore, Framework, ScoringTable, Workshop
from cascade.queries import cohort_results, partnership_result
from cascade.results import Band
from partnership.roles import Permission, Role

from ..factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db
CODES = ["clarity", "agreed_contact", "structures", "common_outcomes", "ability_to_learn", "integrated_working"]
CODES.append("evidence_based")


@pytest.fixture
def framework():
    framework = Framework.objects.create(code="TEST", version="1", title="Test", guidance_source="test")
    for position, code in enumerate(CODES, start=1):
        Domain.objects.create(
            framework=framework, position=position, letter=code[0].upper(), code=code, title=code, guidance=["g"] * 4
        )
    return framework


def score_table(workshop, label, scores, by):
    table = ScoringTable.objects.create(workshop=workshop, label=label)
    for domain, score in zip(workshop.framework.domains.order_by("position"), scores, strict=True):
        DomainScore.objects.create(table=table, domain=domain, score=score, updated_by=by)


def workshop(partnership, framework, cohort, round_):
    cohort, _ = Cohort.objects.get_or_create(partnership=partnership, name=cohort)
    return Workshop.objects.create(
        partnership=partnership, cohort=cohort, round=round_, framework=framework, held_on=timezone.localdate()
    )


def test_partnership_and_cohort_results_from_the_database(framework):
    own, other = PartnershipFactory(), PartnershipFactory()
    lead = member(own, Role.AREA_LEAD)
    north = workshop(own, framework, "North", 1)
    south = workshop(own, framework, "South", 1)
    score_table(north, "1", [0, 1, 2, 3, 0, 1, 2], lead)
    score_table(north, "2", [1, 1, 2, 2, 0, 0, 3], lead)
    score_table(south, "1", [2, 0, 1, 3, 1, 1, 2], lead)
    score_table(workshop(own, framework, "North", 2), "1", [3] * 7, lead)  # round 2: not in round 1
    score_table(workshop(other, framework, "Elsewhere", 1), "1", [3] * 7, lead)  # another partnership
    scores = DomainScore.objects.for_user(lead, Permission.VIEW_CASCADE_RESULTS)
    result = partnership_result(scores, partnership=own, framework=framework, round=1)
    assert result.total == Fraction(28, 3)
    assert result.band == Band.HIGH
    cohorts = cohort_results(scores, partnership=own, framework=framework, round=1)
    assert {name: r.total for name, r in cohorts.items()} == {"North": 9, "South": 10}
    round2 = partnership_result(scores, partnership=own, framework=framework, round=2)
    assert round2.total == 21


def test_a_user_of_another_partnership_gets_no_scores(framework):
    own, other = PartnershipFactory(), PartnershipFactory()
    lead = member(own, Role.AREA_LEAD)
    outsider = member(other, Role.AREA_LEAD)
    score_table(workshop(own, framework, "North", 1), "1", [2] * 7, lead)
    scores = DomainScore.objects.for_user(outsider, Permission.VIEW_CASCADE_RESULTS)
    result = partnership_result(scores, partnership=own, framework=framework, round=1)
    assert result.total is None
