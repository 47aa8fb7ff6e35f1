"""The triage queue in the browser: what it shows (never a child's name), its counts, filters,
sorting, waiting-time clock (with time-machine), pagination and bad filter values."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from referrals.models import Referral

from ..conftest import sign_in
from .factories import act, draft, local_days_ago, make_world, referral_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def submitted(world, days_ago=0, school=None, **fields):
    referral = draft(world, **fields)
    if school is not None:
        Referral.objects.filter(pk=referral.pk).update(school=school)
    act(world, referral, "submit", by=world.other_referrer if school == world.other_school else world.referrer)
    if days_ago:
        Referral.objects.filter(pk=referral.pk).update(submitted_at=local_days_ago(days_ago))
    referral.refresh_from_db()
    return referral


def queue(client, world, **params):
    response = client.get(reverse("referrals_queue", args=[world.partnership.slug]), params)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def shown(body) -> list[str]:
    """The references in the table, in order."""
    return re.findall(r">(SPA-\d{4}-\d{6})</a>", body)


def test_the_queue_shows_references_schools_and_waits_never_a_childs_name(client, world):
    fresh = submitted(world)
    old = submitted(world, days_ago=23, urgency="urgent")
    late = submitted(world, days_ago=31)
    claimed = referral_in(world, "in_triage")
    closed = referral_in(world, "closed")
    foreign = make_world("Other")
    theirs = submitted(foreign)
    sign_in(client, world.clinician)
    views = AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).count()
    body = queue(client, world)
    assert set(shown(body)) == {r.reference for r in (fresh, old, late, claimed, closed)}
    assert f"/triage/{theirs.pk}/" not in body  # references are numbered per SPA: compare ids
    assert "Zebedee" not in body and "Quagmire" not in body and "9434765919" not in body
    assert world.school.name in body
    assert "Green: day 0" in body and "Red: day 23" in body and "Breached: 31 days" in body
    assert "Urgent" in body and "In triage" in body and "Closed" in body
    assert world.clinician.full_name in body  # claimed by
    # not a child-details view: nothing to audit
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).count() == views
    counts = re.sub(r"\s+", " ", body.split('data-testid="queue-counts"')[1].split("</ul>")[0])
    assert "<strong>4</strong> open" in counts  # closed is not open
    assert "<strong>3</strong> unclaimed" in counts
    assert "<strong>1</strong> at day 22 or more" in counts
    assert "<strong>1</strong> past the four-week standard" in counts
    # urgent first, then oldest
    assert shown(body)[0] == old.reference


def test_an_empty_queue_says_so(client, world):
    sign_in(client, world.clinician)
    body = queue(client, world)
    assert "No referrals match these filters." in body
    assert "<strong>0</strong> open" in body


def test_filters(client, world):
    routine = submitted(world, days_ago=3)
    urgent = submitted(world, days_ago=16, urgency="urgent")
    elsewhere = submitted(world, days_ago=25, school=world.other_school)
    mine = referral_in(world, "in_triage")
    theirs = referral_in(world, "in_triage")
    Referral.objects.filter(pk=theirs.pk).update(claimed_by=world.second_clinician)
    done = referral_in(world, "signposted")
    sign_in(client, world.clinician)

    def refs(**params):
        return set(shown(queue(client, world, **params)))

    everything = {r.reference for r in (routine, urgent, elsewhere, mine, theirs, done)}
    assert refs() == everything
    assert refs(status=["in_triage"]) == {mine.reference, theirs.reference}
    assert refs(status=["submitted", "signposted"]) == {
        routine.reference,
        urgent.reference,
        elsewhere.reference,
        done.reference,
    }
    assert refs(urgency="urgent") == {urgent.reference}
    assert refs(school=world.other_school.pk) == {elsewhere.reference}
    assert refs(claimed_by="me") == {mine.reference, done.reference}  # the claimant stays after the decision
    assert refs(claimed_by="nobody") == {routine.reference, urgent.reference, elsewhere.reference}
    assert refs(claimed_by=world.second_clinician.pk) == {theirs.reference}
    assert refs(open="on") == everything - {done.reference}
    assert refs(min_days=10) == {urgent.reference, elsewhere.reference}
    assert refs(min_days=10, max_days=20) == {urgent.reference}
    assert refs(clock="amber") == {urgent.reference}
    assert refs(clock="red") == {elsewhere.reference}
    assert refs(clock="green") == {routine.reference, mine.reference, theirs.reference}  # only open referrals


def test_sorting(client, world):
    a = submitted(world, days_ago=5)
    b = submitted(world, days_ago=20)
    c = submitted(world, days_ago=1, urgency="urgent")
    sign_in(client, world.clinician)
    assert shown(queue(client, world)) == [c.reference, b.reference, a.reference]  # urgent, then oldest
    assert shown(queue(client, world, ordering="-days_waiting")) == [b.reference, a.reference, c.reference]
    assert shown(queue(client, world, ordering="days_waiting")) == [c.reference, a.reference, b.reference]
    assert shown(queue(client, world, ordering="-submitted")) == [c.reference, a.reference, b.reference]
    assert shown(queue(client, world, ordering="submitted")) == [b.reference, a.reference, c.reference]
    assert shown(queue(client, world, ordering="-urgency"))[-1] == c.reference


def test_the_clock_moves_with_the_calendar(client, world):
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        referral = submitted(world)
    for days, tag, clock in (
        (14, "Green: day 14", "green"),
        (15, "Amber: day 15", "amber"),
        (22, "Red: day 22", "red"),
        (28, "Red: day 28", "red"),
        (29, "Breached: 29 days", "breached"),
    ):
        with time_machine.travel(start + datetime.timedelta(days=days), tick=False):
            client.logout()
            sign_in(client, world.clinician)
            body = queue(client, world)
            assert tag in body, days
            assert shown(queue(client, world, clock=clock)) == [referral.reference], days
            assert shown(queue(client, world, min_days=days, max_days=days)) == [referral.reference], days
            assert shown(queue(client, world, min_days=days + 1)) == [], days


def test_the_clock_stops_at_first_contact(client, world):
    referral = referral_in(world, "first_contact")
    Referral.objects.filter(pk=referral.pk).update(submitted_at=local_days_ago(40))
    sign_in(client, world.clinician)
    assert shown(queue(client, world, clock="breached")) == []  # not open: no clock
    body = queue(client, world)
    assert shown(body) == [referral.reference]
    assert "Breached:" not in body and "Red: day" not in body


def test_bad_filter_values_are_ignored_with_a_message_never_a_500(client, world):
    referral = submitted(world)
    sign_in(client, world.clinician)
    for junk in ("\u00b2<script>'\"=1+1", "-1", "99999999999999999999", "x"):
        params = dict.fromkeys(
            ("status", "urgency", "school", "min_days", "max_days", "clock", "claimed_by", "ordering", "open", "page"),
            junk,
        )
        body = queue(client, world, **params)
        if junk != "99999999999999999999":  # a real (huge) number of days: a valid filter
            assert referral.reference in body, junk
    assert "Some filters were not used" in queue(client, world, urgency="sometimes")


def test_the_queue_is_paginated(client, world):
    referrals = [submitted(world, days_ago=n) for n in range(26)]
    sign_in(client, world.clinician)
    first = queue(client, world)
    assert len(shown(first)) == 25 and "26 referrals" in first
    second = queue(client, world, page=2)
    assert shown(second) == [referrals[0].reference]  # the newest comes last
    assert shown(queue(client, world, page=2, urgency="routine")) == [referrals[0].reference]
