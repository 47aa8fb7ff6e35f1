"""The sign-in failure digest through a real Celery worker consuming from the real Redis broker.

Run alone with: .venv/bin/pytest -m celery
"""

import time

import pytest
from django.core import mail

from config.celery import app
from partnership.models import SentNotification
from partnership.models.audit import AuditAction
from partnership.services import audit
from partnership.tasks import send_sign_in_failure_digests

from ..conftest import wait_for


@pytest.mark.celery
def test_digest_task_runs_on_a_real_worker_and_is_idempotent(cast, celery_worker):
    audit.record(
        actor=audit.ANONYMOUS,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="partnership.user",
        object_id=cast.reader.pk,
        detail={"attempted_login": cast.reader.email},
    )
    send_sign_in_failure_digests.delay()
    assert wait_for(lambda: SentNotification.objects.exists())
    assert wait_for(lambda: len(mail.outbox) == 1)
    send_sign_in_failure_digests.delay()
    time.sleep(1.0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.lead.email]


def test_the_digest_is_on_the_beat_schedule():
    schedule = app.conf.beat_schedule
    assert schedule["sign-in-failure-digest"]["task"] == send_sign_in_failure_digests.name
