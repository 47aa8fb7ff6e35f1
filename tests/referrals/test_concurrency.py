"""Two clinicians claiming the same referral at the same moment, on two real database
connections: exactly one succeeds, the other is told, and the history shows one transition."""

import threading

import pytest
from django.db import connection

from referrals.models import Status, StatusChange
from referrals.services.transitions import StaleVersion, apply

from .factories import draft, make_world

RUNS = 15


def race(referral_id, version, clinicians):
    barrier = threading.Barrier(len(clinicians))
    outcomes = []

    def claim(user):
        try:
            barrier.wait(timeout=10)
            apply(referral_id=referral_id, by=user, name="claim", expected_version=version)
            outcomes.append(("claimed", user.pk))
        except StaleVersion as stale:
            outcomes.append(("stale", stale.current.claimed_by_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(user,)) for user in clinicians]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_clinicians_claiming_at_once_one_wins_every_time():
    world = make_world()
    clinicians = [world.clinician, world.second_clinician]
    for _ in range(RUNS):
        referral = draft(world)
        apply(referral_id=referral.pk, by=world.referrer, name="submit", expected_version=referral.version)
        referral.refresh_from_db()
        outcomes = race(referral.pk, referral.version, clinicians)
        assert sorted(kind for kind, _ in outcomes) == ["claimed", "stale"], outcomes
        winner = next(pk for kind, pk in outcomes if kind == "claimed")
        loser_saw = next(pk for kind, pk in outcomes if kind == "stale")
        assert loser_saw == winner  # the refusal carries the current state: who claimed it
        referral.refresh_from_db()
        assert referral.status == Status.IN_TRIAGE and referral.claimed_by_id == winner
        assert StatusChange.objects.filter(referral=referral, to_status=Status.IN_TRIAGE).count() == 1
