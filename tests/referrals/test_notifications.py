"""Notifications about referrals (referrals/notify.py, referrals/emails.py, referrals/tasks/notifications.py):
who is emailed on each change and message, that emails carry no child's details, that a task run
twice sends once, and that a broker outage never breaks the user's request."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from partnership.models import Membership, OutboxMessage, SentNotification
from partnership.models.audit import AuditAction, AuditEvent
from partnership.roles import Role
from referrals import notify
from referrals.models import Status, StatusChange
from referrals.services.messages import post_message
from referrals.tasks.notifications import notify_message, notify_status_change

from ..factories import member
from .factories import act, details_for, draft, make_world, referral_in

pytestmark = pytest.mark.django_db

SITE = "https://cyp.example.nhs.uk"
TASKS = {t.name: t for t in (notify_status_change, notify_message)}


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def queued(monkeypatch):
    """The notification tasks handed to the broker (through the outbox), instead of Redis: (task name, args)."""
    from partnership import outbox

    calls = []

    def publish(task, args, kwargs):
        if task in TASKS:
            calls.append((task, tuple(args)))

    monkeypatch.setattr(outbox, "_publish", publish)
    return calls


@pytest.fixture
def world():
    w = make_world()
    w.mh_lead = member(w.partnership, Role.SCHOOL_MH_LEAD, organisation=w.school, totp=True)
    w.colleague = member(w.partnership, Role.SCHOOL_STAFF, organisation=w.school, totp=True)
    return w


def deliver(queued) -> None:
    """Run what was queued, as the worker would."""
    while queued:
        name, args = queued.pop(0)
        TASKS[name](*args)


def step(world, referral, name, queued, django_capture_on_commit_callbacks, **details):
    """Make a transition through the service, run its on-commit hooks, then the queued tasks."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, name, **(details or details_for(world, name)))
    deliver(queued)
    referral.refresh_from_db()
    return list(mail.outbox)


def assert_no_child_details(message, referral):
    referral.refresh_from_db()
    text = f"{message.subject}\n{message.body}"
    born = referral.date_of_birth
    for secret in (
        referral.child_first_name,
        referral.child_last_name,
        referral.nhs_number,
        "943 476 5919",
        referral.postcode,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        f"{born.day} {born:%B %Y}",
        referral.situation,
    ):
        assert secret.lower() not in text.lower(), secret
    assert referral.reference in message.subject and referral.reference in message.body


def recipients(messages):
    return sorted(address for m in messages for address in m.to)


def school_link(world, referral):
    return SITE + reverse("referrals_school_detail", args=[world.partnership.slug, referral.pk])


def triage_link(world, referral):
    return SITE + reverse("referrals_triage_detail", args=[world.partnership.slug, referral.pk])


# --- to the school -----------------------------------------------------------------------------


def test_submission_emails_the_referrer_and_the_schools_mental_health_lead_only(
    world, queued, django_capture_on_commit_callbacks
):
    referral = draft(world)
    sent = step(world, referral, "submit", queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == sorted([world.referrer.email, world.mh_lead.email])
    assert world.colleague.email not in recipients(sent)
    assert world.other_referrer.email not in recipients(sent)
    for message in sent:
        assert message.subject == f"Referral {referral.reference}: received"
        assert school_link(world, referral) in message.body
        assert len(message.to) == 1  # one email each: nobody sees another recipient's address
        assert_no_child_details(message, referral)


def test_a_routine_submission_does_not_email_the_duty_team(world, queued, django_capture_on_commit_callbacks):
    sent = step(world, draft(world), "submit", queued, django_capture_on_commit_callbacks)
    assert not {world.clinician.email, world.duty_lead.email} & set(recipients(sent))


def test_an_urgent_submission_emails_the_whole_duty_team(world, queued, django_capture_on_commit_callbacks):
    outsider_cypmhs = member(world.partnership, Role.MHST_PRACTITIONER, organisation=world.spa.provider)
    referral = draft(world, urgency="urgent")
    sent = step(world, referral, "submit", queued, django_capture_on_commit_callbacks)
    urgent = [m for m in sent if m.subject == f"New urgent referral {referral.reference}"]
    assert recipients(urgent) == sorted([world.clinician.email, world.second_clinician.email, world.duty_lead.email])
    assert outsider_cypmhs.email not in recipients(sent)  # no TRIAGE_REFERRALS
    for message in urgent:
        assert triage_link(world, referral) in message.body
        assert_no_child_details(message, referral)


@pytest.mark.parametrize(
    ("transition", "words"),
    [("accept", "accepted"), ("signpost", "signposted"), ("not_accept", "has not been accepted")],
)
def test_a_decision_emails_the_school(world, queued, django_capture_on_commit_callbacks, transition, words):
    referral = referral_in(world, Status.IN_TRIAGE)
    sent = step(world, referral, transition, queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == sorted([world.referrer.email, world.mh_lead.email])
    for message in sent:
        assert message.subject == f"Referral {referral.reference}: decision made"
        assert words in message.body
        assert_no_child_details(message, referral)
    assert "Outside age." not in sent[0].body  # the explanation is for the page behind sign-in


def test_a_request_for_information_emails_the_school(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.IN_TRIAGE)
    sent = step(world, referral, "request_information", queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == sorted([world.referrer.email, world.mh_lead.email])
    assert sent[0].subject == f"Referral {referral.reference}: more information needed"
    assert "Has the GP been involved?" not in sent[0].body
    assert_no_child_details(sent[0], referral)


def test_a_referrer_who_has_left_the_school_is_not_emailed(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.IN_TRIAGE)
    Membership.objects.filter(user=world.referrer).update(is_active=False)
    sent = step(world, referral, "accept", queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == [world.mh_lead.email]


@pytest.mark.parametrize("path", [["claim"], ["claim", "release"], ["claim", "accept", "first_contact", "close"]])
def test_other_changes_email_nobody(world, queued, django_capture_on_commit_callbacks, path):
    referral = referral_in(world, Status.SUBMITTED)
    for name in path:
        sent = step(world, referral, name, queued, django_capture_on_commit_callbacks)
        if name != "accept":
            assert sent == [], name


# --- to the duty team ---------------------------------------------------------------------------


def test_an_answer_emails_the_clinician_who_claimed_the_referral(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.INFO_REQUESTED)
    sent = step(world, referral, "answer", queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == [world.clinician.email]
    assert sent[0].subject == f"Referral {referral.reference}: the school has answered"
    assert triage_link(world, referral) in sent[0].body
    assert "Yes, seen in October." not in sent[0].body
    assert_no_child_details(sent[0], referral)


def test_an_answer_goes_to_the_duty_team_when_the_claimant_has_left(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.INFO_REQUESTED)
    Membership.objects.filter(user=world.clinician).update(is_active=False)
    sent = step(world, referral, "answer", queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == sorted([world.second_clinician.email, world.duty_lead.email])


# --- messages ----------------------------------------------------------------------------------


def post(world, referral, by, from_duty_team, queued, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        post_message(
            referral_id=referral.pk, by=by, body="Zebedee Quagmire was upset today.", from_duty_team=from_duty_team
        )
    deliver(queued)
    referral.refresh_from_db()
    return list(mail.outbox)


def test_a_message_from_the_duty_team_emails_the_school(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.IN_TRIAGE)
    sent = post(world, referral, world.clinician, True, queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == sorted([world.referrer.email, world.mh_lead.email])
    assert sent[0].subject == f"Referral {referral.reference}: new message"
    assert school_link(world, referral) in sent[0].body
    for message in sent:
        assert "upset" not in message.body
        assert_no_child_details(message, referral)


def test_a_message_from_the_school_emails_the_claimant(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.IN_TRIAGE)
    sent = post(world, referral, world.mh_lead, False, queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == [world.clinician.email]
    assert triage_link(world, referral) in sent[0].body
    assert_no_child_details(sent[0], referral)


def test_a_message_on_an_unclaimed_referral_emails_the_duty_team(world, queued, django_capture_on_commit_callbacks):
    referral = referral_in(world, Status.SUBMITTED)
    sent = post(world, referral, world.referrer, False, queued, django_capture_on_commit_callbacks)
    assert recipients(sent) == sorted([world.clinician.email, world.second_clinician.email, world.duty_lead.email])


# --- the hooks and the tasks -----------------------------------------------------------------------


def test_the_hooks_queue_the_id_only(world, queued, django_capture_on_commit_callbacks):
    referral = draft(world)
    with django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "submit")
    change = StatusChange.objects.get(referral=referral)
    assert queued == [("referrals.tasks.notify_status_change", (change.pk,))]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = post_message(referral_id=referral.pk, by=world.referrer, body="Hello", from_duty_team=False)
    assert queued == [("referrals.tasks.notify_message", (message.pk,))]


def test_a_task_run_twice_sends_each_email_once(world, queued, django_capture_on_commit_callbacks):
    referral = draft(world, urgency="urgent")
    step(world, referral, "submit", queued, django_capture_on_commit_callbacks)
    first = len(mail.outbox)
    assert first == 5  # referrer, school lead, three duty staff
    change = StatusChange.objects.get(referral=referral)
    assert OutboxMessage.objects.get(task=notify_status_change.name, object_id=change.pk).done_at is not None
    assert notify_status_change(change.pk) is None  # the outbox message is done: nothing runs
    OutboxMessage.objects.all().delete()  # even without it, each email's own key holds
    assert notify_status_change(change.pk) == 0
    assert len(mail.outbox) == first
    assert SentNotification.objects.filter(key__startswith=f"referral-status:{change.pk}:").count() == 5
    events = AuditEvent.objects.filter(action=AuditAction.NOTIFICATION_SENT, object_id=str(referral.pk))
    assert events.count() == 5
    for event in events:
        assert "Zebedee" not in str(event.detail) and "9434765919" not in str(event.detail)


def test_a_task_for_a_missing_id_sends_nothing(world):
    assert notify_status_change(2**31 - 1) == 0
    assert notify_message(2**31 - 1) == 0
    assert mail.outbox == []


def test_the_broker_being_down_does_not_break_the_request(
    world, broker_down, caplog, django_capture_on_commit_callbacks
):
    referral = draft(world)
    with (
        caplog.at_level(logging.WARNING, logger="partnership.outbox"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        submitted = act(world, referral, "submit")
    assert submitted.status == Status.SUBMITTED
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert "notify_status_change" in caplog.text and "OperationalError" in caplog.text
    assert "Zebedee" not in caplog.text and "Quagmire" not in caplog.text
    # the notification is kept for the relay, unsent
    message = OutboxMessage.objects.get(task=notify_status_change.name)
    assert message.sent_at is None and message.done_at is None


def test_suppressed_queues_nothing(world, queued, django_capture_on_commit_callbacks):
    referral = draft(world)
    with notify.suppressed(), django_capture_on_commit_callbacks(execute=True):
        act(world, referral, "submit")
    assert queued == []
    assert not notify.is_suppressed() and not OutboxMessage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        notify.transition_made(1)
    assert queued == [("referrals.tasks.notify_status_change", (1,))]
