"""The demo CASCADE data (demo/cascade.py): idempotent, and showing an improvement between rounds."""

import pytest

from cascade.models import Cohort, DomainScore, PlannedAction, ScoringTable, Workshop, WorkshopAttendance
from cascade.queries import partnership_result
from cascade.results import Band
from cascade.services.framework import current_framework
from demo import cascade as demo_cascade
from demo.personas import PERSONAS, persona_email
from demo.seed import seed_demo
from partnership.models import Action, AuditEvent, Organisation, Partnership, User

pytestmark = pytest.mark.django_db


def seed():
    partnership = seed_demo()
    organisations = {org.name: org for org in Organisation.objects.all()}
    people = {local: User.objects.get(email=persona_email(local)) for local, *_ in PERSONAS}
    demo_cascade.seed(partnership, organisations, people)
    return partnership


def counts():
    return (
        Partnership.objects.count(),
        Cohort.objects.count(),
        Workshop.objects.count(),
        ScoringTable.objects.count(),
        list(DomainScore.objects.order_by("pk").values_list("score", "what_works", "evidence")),
        WorkshopAttendance.objects.count(),
        PlannedAction.objects.count(),
        Action.objects.count(),
        AuditEvent.objects.count(),
    )


def test_seeding_twice_changes_nothing():
    seed()
    first = counts()
    seed()
    assert counts() == first


def test_the_demo_partnership_improves_from_round_1_to_round_2():
    partnership = seed()
    framework = current_framework()
    scores = DomainScore.objects.all()
    first = partnership_result(scores, partnership=partnership, framework=framework, round=1)
    second = partnership_result(scores, partnership=partnership, framework=framework, round=2)
    assert 4 <= first.total <= 5.5 and first.band in (Band.LOW, Band.FAIR)
    assert 6 <= second.total <= 7 and second.band == Band.HIGH
    assert second.total > first.total


def test_the_demo_has_closed_workshops_an_open_one_to_score_and_planned_actions():
    partnership = seed()
    own = Workshop.objects.filter(partnership=partnership)
    closed = own.filter(status=Workshop.Status.CLOSED)
    assert sorted(closed.values_list("cohort__name", "round")) == [
        (demo_cascade.NORTH, 1),
        (demo_cascade.NORTH, 2),
        (demo_cascade.SOUTH, 1),
        (demo_cascade.SOUTH, 2),
    ]
    for workshop in closed:
        assert 4 <= workshop.tables.count() <= 6
        assert DomainScore.objects.filter(table__workshop=workshop).count() == 7 * workshop.tables.count()
        round_one = workshop.round_one()
        if round_one:
            assert (workshop.held_on - round_one.held_on).days == 56
    live = own.get(status=Workshop.Status.OPEN)
    assert live.tables.count() == 2 and not DomainScore.objects.filter(table__workshop=live).exists()
    assert DomainScore.objects.filter(table__workshop__partnership=partnership).exclude(what_works="").exists()
    plans = PlannedAction.objects.filter(workshop__partnership=partnership)
    assert 4 <= plans.count() <= 6 and all(p.workshop.round == 1 for p in plans)
    assert plans.filter(action__due_date__lt=live.held_on).exists()
    north1 = own.get(cohort__name=demo_cascade.NORTH, round=1)
    north2 = own.get(cohort__name=demo_cascade.NORTH, round=2)
    both = set(north1.attendance.values_list("name", flat=True)) & set(north2.attendance.values_list("name", flat=True))
    dropped = set(north1.attendance.values_list("name", flat=True)) - both
    assert len(both) >= 10 and dropped


def test_other_partnerships_have_scores_for_the_benchmark():
    partnership = seed()
    framework = current_framework()
    scores = DomainScore.objects.all()
    others = Partnership.objects.exclude(pk=partnership.pk).filter(workshops__isnull=False).distinct()
    assert 3 <= others.count() <= 4
    totals = {partnership_result(scores, partnership=p, framework=framework, round=1).total for p in others}
    assert None not in totals and len(totals) == others.count()
