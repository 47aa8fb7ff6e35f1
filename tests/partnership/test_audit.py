import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.services import audit

from ..conftest import sign_in
from ..factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_record_refuses_to_write_without_an_actor():
    with pytest.raises(ValueError, match="actor"):
        audit.record(actor=None, action=AuditAction.EXPORT)
    assert not AuditEvent.objects.exists()


def test_record_keeps_who_what_and_which_object(cast):
    event = audit.record(actor=cast.lead, action=AuditAction.UPDATE, obj=cast.partnership, detail={"x": 1})
    assert event.actor == cast.lead
    assert event.actor_label == "lead@own.example"
    assert (event.object_type, event.object_id) == ("partnership.partnership", str(cast.partnership.pk))
    assert event.partnership_id == cast.partnership.pk
    assert event.detail == {"x": 1}


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm(cast):
    event = audit.record(actor=audit.SYSTEM, action=AuditAction.EXPORT)
    event.action = AuditAction.DELETE
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().update(action="sign_in")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_update_or_delete_audit_rows():
    event = audit.record(actor=audit.SYSTEM, action=AuditAction.EXPORT)
    for sql in (
        "UPDATE partnership_auditevent SET action = 'sign_in' WHERE id = %s",
        "DELETE FROM partnership_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == AuditAction.EXPORT


def test_sign_in_and_sign_out_are_audited_with_request_id_and_address(client, cast):
    sign_in(client, cast.lead)
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor == cast.lead
    assert event.ip_address == "127.0.0.1"
    assert len(event.request_id) >= 8
    client.post(reverse("account_logout"))
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=cast.lead).count() == 1


def test_the_request_id_header_is_kept_when_sane(client, cast):
    client.post(
        reverse("account_login"),
        {"login": cast.lead.email, "password": TEST_PASSWORD},
        headers={"X-Request-ID": "trace-12345678"},
    )
    assert AuditEvent.objects.get(action=AuditAction.SIGN_IN).request_id == "trace-12345678"


def test_failed_sign_in_is_audited_against_the_targeted_account(client):
    user = UserFactory(email="someone@example.org")
    response = client.post(reverse("account_login"), {"login": "someone@example.org", "password": "wrong"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.actor is None and event.actor_label == "anonymous"
    assert (event.object_type, event.object_id) == ("partnership.user", str(user.pk))
    assert event.detail == {"attempted_login": "someone@example.org"}


def test_admin_can_read_but_not_change_or_delete_audit_events(client):
    admin = UserFactory(is_staff=True, is_superuser=True, totp=True)
    event = audit.record(actor=audit.SYSTEM, action=AuditAction.EXPORT)
    sign_in(client, admin)
    assert client.get(reverse("admin:partnership_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:partnership_auditevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:partnership_auditevent_add")).status_code == 403
    assert (
        client.post(reverse("admin:partnership_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
