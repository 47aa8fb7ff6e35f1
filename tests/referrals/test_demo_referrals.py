"""The demo referrals (demo/referrals.py): idempotent, every status, realistic waits, some breaches,
consistent histories, valid fictional children, and nothing queued or emailed."""

import time

import pytest
from django.core import mail
from django.utils import timezone

from demo import referrals as demo_referrals
from demo.personas import PERSONAS, persona_email
from demo.seed import seed_demo
from partnership.models import AuditEvent, Organisation, SentNotification, User
from partnership.roles import Permission
from referrals.models import InformationRequest, Message, Referral, RotaShift, SinglePointOfAccess, Status, StatusChange
from referrals.queue import queue_for, with_waits
from referrals.services.transitions import missing_for_submission
from referrals.states import OPEN, TRANSITIONS
from referrals.validation import nhs_number
from referrals.waiting import Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch, django_capture_on_commit_callbacks):
    """seed_demo, then the referrals seed (as demo/seed.py will call it), with queueing watched."""
    from partnership import outbox

    queued = []
    monkeypatch.setattr(outbox, "_publish", lambda task, args, kwargs: queued.append(args))
    partnership = seed_demo()
    mail.outbox.clear()  # what the rest of the demo sends is not this seed's
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        seed(partnership)
    elapsed = time.monotonic() - started
    assert callbacks == []  # nothing waits for the commit to queue a notification
    return partnership, queued, elapsed


def seed(partnership):
    organisations = {org.name: org for org in Organisation.objects.all()}
    people = {local: User.objects.get(email=persona_email(local)) for local, *_ in PERSONAS}
    demo_referrals.seed(partnership, organisations, people)


def counts():
    return (
        User.objects.count(),
        SinglePointOfAccess.objects.count(),
        RotaShift.objects.count(),
        list(Referral.objects.order_by("pk").values_list("pk", "status", "version", "number", "submitted_at")),
        StatusChange.objects.count(),
        InformationRequest.objects.count(),
        Message.objects.count(),
        AuditEvent.objects.count(),
    )


def test_seeding_twice_changes_nothing(seeded, django_capture_on_commit_callbacks):
    partnership, queued, elapsed = seeded
    first = counts()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        seed(partnership)
    assert counts() == first
    assert callbacks == []
    assert elapsed < 30
    assert queued == [] and mail.outbox == []  # no notification queued or sent, on either run
    assert not SentNotification.objects.filter(key__startswith="referral-").exists()


def check_every_status_about_300_referrals_and_some_urgent(partnership):
    referrals = Referral.objects.filter(partnership=partnership)
    assert 290 <= referrals.count() <= 310
    assert set(referrals.values_list("status", flat=True)) == set(Status.values)
    submitted = referrals.exclude(status=Status.DRAFT)
    urgent = submitted.filter(urgency="urgent").count() / submitted.count()
    assert 0.02 <= urgent <= 0.10
    oldest = timezone.localdate(submitted.order_by("submitted_at").first().submitted_at)
    assert 150 <= (timezone.localdate() - oldest).days <= 183
    assert referrals.values("school").distinct().count() >= 10


def check_waits_are_realistic_with_some_breaches(partnership):
    spa = SinglePointOfAccess.objects.get(partnership=partnership)
    assert 10 <= demo_referrals.median_wait(spa) <= 16
    waits = demo_referrals.first_contact_waits(spa)
    assert max(waits) > 40  # a long tail
    assert sum(w > 28 for w in waits) >= 3  # breaches after the event
    open_now = with_waits(Referral.objects.filter(spa=spa, status__in=OPEN))
    assert open_now.filter(clock=Clock.BREACHED).exists()  # breaching now
    assert open_now.filter(clock=Clock.GREEN).exists()


def check_histories_follow_the_state_machine(partnership):
    allowed = {(source, t.target) for t in TRANSITIONS.values() for source in t.source}
    for referral in Referral.objects.filter(partnership=partnership).prefetch_related("status_changes"):
        changes = list(referral.status_changes.all())
        assert referral.version == 1 + len(changes)
        current = Status.DRAFT
        for change in changes:
            assert (change.from_status, change.to_status) in allowed
            assert change.from_status == current
            current = change.to_status
        assert current == referral.status
        if referral.status == Status.DRAFT:
            continue
        assert referral.reference.startswith(f"SPA-{referral.year}-")
        assert changes[0].at == referral.submitted_at
        assert [c.at for c in changes] == sorted(c.at for c in changes)
        assert changes[-1].at <= timezone.now()
        assert missing_for_submission(referral) == {}
        if referral.status == Status.ACCEPTED:
            assert referral.thrive and referral.allocated_service
        if referral.status == Status.NOT_ACCEPTED:
            assert referral.not_accepted_reason and referral.decision_explanation
        if referral.status == Status.INFO_REQUESTED:
            assert referral.information_requests.filter(answered_at__isnull=True).exists()
    numbers = list(Referral.objects.exclude(number=None).values_list("year", "number"))
    assert len(numbers) == len(set(numbers))


def check_children_are_fictional_with_test_range_nhs_numbers(partnership):
    for value in (
        Referral.objects.filter(partnership=partnership).exclude(nhs_number="").values_list("nhs_number", flat=True)
    ):
        assert value.startswith("999") and nhs_number(value) == value
    surnames = set(Referral.objects.values_list("child_last_name", flat=True))
    assert surnames <= set(demo_referrals.SURNAMES)


def check_the_demo_duty_clinician_has_a_riverside_referral_to_claim(partnership):
    clinician = User.objects.get(email=persona_email("duty.clinician"))
    waiting = queue_for(clinician).filter(
        school__name="Riverside Primary School", status=Status.SUBMITTED, claimed_by__isnull=True
    )
    assert waiting.exists()
    school_staff = User.objects.get(email=persona_email("school.staff"))
    assert Referral.objects.for_user(school_staff, Permission.VIEW_SCHOOL_REFERRALS).filter(pk=waiting.first().pk)


def check_the_spa_and_a_rota_with_a_gap_next_week(partnership):
    spa = SinglePointOfAccess.objects.get(partnership=partnership)
    assert spa.provider.name.startswith("Northshire CYPMHS")
    assert spa.channels and spa.hours and spa.acceptance_criteria and spa.thresholds
    assert spa.reasons.count() >= 5
    today = timezone.localdate()
    shifts = RotaShift.objects.filter(spa=spa)
    days = {timezone.localdate(s.starts_at) for s in shifts}
    assert min(days) <= today - timezone.timedelta(days=10) and max(days) >= today + timezone.timedelta(days=10)
    weekdays_next_week = [today + timezone.timedelta(days=7 - today.weekday() + offset) for offset in range(5)]
    covered = {timezone.localdate(s.starts_at) for s in shifts.filter(role="duty_clinician")}
    assert [d for d in weekdays_next_week if d not in covered]  # the deliberate gap


def test_the_demo_referrals(seeded):
    """One seed (about 8 s), every check: the referrals, their waits and histories, the SPA and rota."""
    partnership, _, _ = seeded
    check_every_status_about_300_referrals_and_some_urgent(partnership)
    check_waits_are_realistic_with_some_breaches(partnership)
    check_histories_follow_the_state_machine(partnership)
    check_children_are_fictional_with_test_range_nhs_numbers(partnership)
    check_the_demo_duty_clinician_has_a_riverside_referral_to_claim(partnership)
    check_the_spa_and_a_rota_with_a_gap_next_week(partnership)
