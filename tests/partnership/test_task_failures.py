"""Celery task failures are recorded (TaskFailure) and shown to admins, without the exception's
message or any argument that is not an id."""

import uuid

import pytest
from celery import shared_task
from django.contrib import admin
from django.urls import reverse

from partnership.models import AuditEvent, TaskFailure
from partnership.tasks.failures import describe_arguments, exception_type, record_failure
from tests.conftest import sign_in, wait_for
from tests.factories import member

SECRET = "Jane Example 943 476 5919"


class ReferralStuck(Exception):
    pass


@shared_task(name="tests.failures.always_fails")
def always_fails(referral_id: int, note: str = "") -> None:
    raise ReferralStuck(f"could not process {SECRET}")


@pytest.mark.celery
def test_a_failing_task_on_a_real_worker_is_recorded_without_its_message(celery_worker):
    result = always_fails.delay(17, note=SECRET)
    assert wait_for(lambda: TaskFailure.objects.filter(task_id=result.id).exists())
    failure = TaskFailure.objects.get(task_id=result.id)
    assert failure.task == "tests.failures.always_fails"
    assert failure.exception == "tests.partnership.test_task_failures.ReferralStuck"
    assert failure.args == "17, note=<str>"
    assert failure.resolved_at is None
    for value in (failure.task, failure.task_id, failure.args, failure.exception, str(failure)):
        assert "Jane" not in value and "943" not in value


def test_arguments_are_kept_only_when_they_are_ids():
    key = uuid.uuid4()
    assert describe_arguments((1, "22", str(key), key, True, None), {}) == f"1, 22, {key}, {key}, True, None"
    assert describe_arguments(("jane@example.org", 2.5, {"name": "x"}), {"email": "a@b"}) == (
        "<str>, <float>, <dict>, email=<str>"
    )
    assert describe_arguments(([1, 2, 3],), {"ids": ["x"]}) == "[1, 2, 3], ids=<list>"
    long = describe_arguments(tuple(range(1000)), {})
    assert len(long) == TaskFailure._meta.get_field("args").max_length and long.endswith("...")


def test_exception_type_names_builtins_plainly_and_others_by_module():
    assert exception_type(ValueError("x")) == "ValueError"
    assert exception_type(ReferralStuck("x")) == "tests.partnership.test_task_failures.ReferralStuck"


@pytest.mark.django_db
def test_recording_never_raises_when_the_database_refuses(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(TaskFailure.objects, "create", refuse)
    assert record_failure(task_name="t", task_id="1", args=(), kwargs={}, exception=ValueError()) is None


@pytest.fixture
def admin_user(db):
    from tests.factories import PartnershipFactory

    return member(PartnershipFactory(), email="admin@example.org", totp=True, is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_admins_see_open_failures_and_can_mark_them_resolved(client, admin_user):
    first = TaskFailure.objects.create(task="a.task", task_id="t1", args="1", exception="ValueError")
    second = TaskFailure.objects.create(task="b.task", task_id="t2", args="2", exception="KeyError")
    sign_in(client, admin_user)

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "2 background task failures are not resolved" in index.content.decode()

    changelist = reverse("admin:partnership_taskfailure_changelist")
    page = client.get(changelist + "?status=open")
    assert page.status_code == 200
    assert "a.task" in page.content.decode() and "b.task" in page.content.decode()

    response = client.post(
        changelist, {"action": "mark_resolved", "_selected_action": [first.pk], "index": 0}, follow=True
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.resolved_at is not None and second.resolved_at is None
    assert AuditEvent.objects.filter(object_type="partnership.taskfailure", object_id=str(first.pk)).exists()
    assert "1 background task failure is not resolved" in client.get(reverse("admin:index")).content.decode()
    resolved = client.get(changelist + "?status=resolved").content.decode()
    assert ">t1<" in resolved and ">t2<" not in resolved


@pytest.mark.django_db
def test_failures_cannot_be_added_or_deleted_in_the_admin(rf, admin_user):
    model_admin = admin.site._registry[TaskFailure]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request)


@pytest.mark.django_db
def test_the_admin_index_says_nothing_when_all_failures_are_resolved(client, admin_user):
    from django.utils import timezone

    TaskFailure.objects.create(task="a.task", exception="ValueError", resolved_at=timezone.now())
    sign_in(client, admin_user)
    assert "background task failure" not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_the_admin_warns_of_outbox_messages_waiting_too_long_and_lists_them_read_only(client, admin_user, rf):
    from datetime import timedelta

    from django.utils import timezone

    from partnership.models import OutboxMessage

    OutboxMessage.objects.create(task="referrals.tasks.notify_message", object_id=1)  # just made: not late
    late = OutboxMessage.objects.create(task="referrals.tasks.notify_message", object_id=2)
    OutboxMessage.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(hours=1))
    sign_in(client, admin_user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "1 background message is waiting longer than expected" in index
    pending = client.get(reverse("admin:partnership_outboxmessage_changelist") + "?status=pending")
    assert pending.status_code == 200 and "notify_message" in pending.content.decode()
    model_admin = admin.site._registry[OutboxMessage]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request) and not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    OutboxMessage.objects.filter(pk=late.pk).update(done_at=timezone.now())
    assert "waiting longer than expected" not in client.get(reverse("admin:index")).content.decode()
