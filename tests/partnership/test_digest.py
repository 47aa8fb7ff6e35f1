from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from partnership.models import AuditEvent, SentNotification
from partnership.models.audit import AuditAction
from partnership.services import audit
from partnership.services.digests import send_sign_in_failure_digests

pytestmark = pytest.mark.django_db


def fail_sign_in(user, when=None):
    event = audit.record(
        actor=audit.ANONYMOUS,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="partnership.user",
        object_id=user.pk,
        detail={"attempted_login": user.email},
    )
    return event


def test_area_leads_get_one_digest_of_their_members_failed_sign_ins(cast):
    for _ in range(3):
        fail_sign_in(cast.reader)
    fail_sign_in(cast.outsider)  # another partnership's member: not in this digest
    assert send_sign_in_failure_digests() == 2  # one per partnership with failures
    own = next(m for m in mail.outbox if cast.lead.email in m.to)
    assert own.to == [cast.lead.email]
    assert "3 failed sign-in attempts to 1 member accounts" in own.body
    assert cast.reader.email in own.body and cast.outsider.email not in own.body


def test_running_the_digest_twice_sends_it_once(cast):
    fail_sign_in(cast.reader)
    send_sign_in_failure_digests()
    send_sign_in_failure_digests()
    assert len(mail.outbox) == 1
    assert SentNotification.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.NOTIFICATION_SENT).count() == 1


def test_no_failures_no_email(cast):
    assert send_sign_in_failure_digests() == 0
    assert mail.outbox == []


def test_failures_older_than_a_day_are_left_out(cast):
    fail_sign_in(cast.reader)
    assert send_sign_in_failure_digests(now=timezone.now() + timedelta(hours=25)) == 0
