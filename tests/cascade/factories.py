"""Shared CASCADE factories. Each keeps its partnership consistent with its parent: pass the
parent (a cohort, a workshop, a table) and the rest follows."""

import datetime

import factory
from django.utils import timezone

from cascade.models import Cohort, DomainScore, ScoringTable, Sector, Workshop, WorkshopAttendance
from cascade.services.framework import current_framework

from ..factories import OrganisationFactory, PartnershipFactory, UserFactory

#: the seven domain codes of CASCADE 2015, in framework order (issue 4)
DOMAIN_CODES = (
    "clarity",
    "agreed_contact",
    "structures",
    "common_outcomes",
    "ability_to_learn",
    "integrated_working",
    "evidence_based",
)


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")


class WorkshopFactory(factory.django.DjangoModelFactory):
    """On the current (shipped) framework. A round 2 needs `held_on` after its cohort's round 1."""

    class Meta:
        model = Workshop

    cohort = factory.SubFactory(CohortFactory)
    partnership = factory.SelfAttribute("cohort.partnership")
    round = Workshop.Round.ONE
    framework = factory.LazyFunction(current_framework)
    held_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    venue = "Civic Centre"


class ScoringTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringTable

    workshop = factory.SubFactory(WorkshopFactory)
    label = factory.Sequence(lambda n: str(n + 1))


class DomainScoreFactory(factory.django.DjangoModelFactory):
    """Pass `domain` (one of the table's framework's domains) and `score`."""

    class Meta:
        model = DomainScore

    table = factory.SubFactory(ScoringTableFactory)
    domain = factory.LazyAttribute(lambda o: o.table.workshop.framework.domains.order_by("position").first())
    score = 1
    updated_by = factory.SubFactory(UserFactory)


def score_all(table, scores, by):
    """One score per domain of the table's framework, in domain order."""
    domains = table.workshop.framework.domains.order_by("position")
    return [
        DomainScoreFactory(table=table, domain=domain, score=score, updated_by=by)
        for domain, score in zip(domains, scores, strict=True)
    ]


class WorkshopAttendanceFactory(factory.django.DjangoModelFactory):
    """The organisation should be a member of the workshop's partnership when the test cares."""

    class Meta:
        model = WorkshopAttendance

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Attendee {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    sector = Sector.EDUCATION
