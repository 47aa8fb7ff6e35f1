"""Terms of reference: versions, the draft -> approved -> published lifecycle, read-only rules,
the diff between versions, and review-date reminders."""

import datetime
import html
import time

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from partnership.models import AuditEvent, SentNotification, TermsOfReference
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import groups as service
from partnership.tasks.groups import send_terms_review_reminders

from ..conftest import sign_in, wait_for
from ..factories import member
from .factories import GroupFactory, TermsOfReferenceFactory

Status = TermsOfReference.Status


def today():
    return timezone.localdate()


@pytest.fixture
def group(cast):
    return GroupFactory(partnership=cast.partnership, name="Steering group")


def content(**changes) -> dict:
    base = {
        "purpose": "To lead.\nTo agree priorities.",
        "membership": "The area lead.\nA CYPMHS representative.",
        "chair": "The area lead.",
        "quorum": 4,
        "quorum_sectors": ["education", "health"],
        "meeting_frequency": "bimonthly",
        "decision_making": "By consensus.",
        "reporting_line": "Health and wellbeing board.",
        "review_date": today() + datetime.timedelta(days=365),
    }
    return {**base, **changes}


def form_data(**changes) -> dict:
    data = content(**changes)
    data["review_date"] = data["review_date"].isoformat()
    return data


def url(name, cast, group, terms=None):
    args = [cast.partnership.slug, group.pk] + ([terms.pk] if terms else [])
    return reverse(name, args=args)


# --- service: lifecycle ------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_first_draft_is_version_one_and_is_audited(cast, group):
    terms = service.create_draft(group=group, by=cast.lead, **content())
    assert (terms.version, terms.status, terms.created_by) == (1, Status.DRAFT, cast.lead)
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="partnership.termsofreference")
    assert event.detail == {"group": group.pk, "version": 1}
    assert event.partnership_id == cast.partnership.pk


@pytest.mark.django_db
def test_a_new_draft_takes_the_next_version_and_starts_from_the_latest(cast, group):
    TermsOfReferenceFactory(group=group, version=1, status=Status.SUPERSEDED)
    TermsOfReferenceFactory(group=group, version=2, status=Status.PUBLISHED, purpose="Version two's purpose.")
    initial = service.draft_initial(group)
    assert initial["purpose"] == "Version two's purpose."
    assert set(initial) == set(TermsOfReference.CONTENT_FIELDS)
    assert service.create_draft(group=group, by=cast.lead, **content()).version == 3


@pytest.mark.django_db
def test_only_one_draft_at_a_time(cast, group):
    service.create_draft(group=group, by=cast.lead, **content())
    with pytest.raises(ValidationError) as error:
        service.create_draft(group=group, by=cast.lead, **content())
    assert error.value.messages == ["Version 1 is already a draft. Change or discard it before starting another."]


@pytest.mark.django_db
def test_a_draft_can_be_changed_and_the_change_is_audited(cast, group):
    terms = service.create_draft(group=group, by=cast.lead, **content())
    service.update_draft(terms=terms, by=cast.lead, **content(quorum=5))
    terms.refresh_from_db()
    assert terms.quorum == 5
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.detail == {"version": 1, "changed": ["quorum"]}


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED, Status.SUPERSEDED])
def test_only_a_draft_can_be_changed(cast, group, status):
    terms = TermsOfReferenceFactory(group=group, status=status, quorum=3)
    with pytest.raises(ValidationError) as error:
        service.update_draft(terms=terms, by=cast.lead, **content(quorum=9))
    assert "can no longer be changed. Start a new draft to change it." in error.value.messages[0]
    terms.refresh_from_db()
    assert terms.quorum == 3


@pytest.mark.django_db
def test_approving_a_draft_records_who_and_when(cast, group):
    terms = TermsOfReferenceFactory(group=group)
    service.approve_terms(terms=terms, by=cast.lead)
    terms.refresh_from_db()
    assert terms.status == Status.APPROVED
    assert terms.approved_by == cast.lead and terms.approved_at is not None
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE)
    assert event.detail["status"] == ["draft", "approved"]
    with pytest.raises(ValidationError):
        service.approve_terms(terms=terms, by=cast.lead)


@pytest.mark.django_db
def test_publishing_supersedes_the_previous_version(cast, group):
    old = TermsOfReferenceFactory(group=group, version=1, status=Status.PUBLISHED)
    new = TermsOfReferenceFactory(group=group, version=2, status=Status.APPROVED)
    service.publish_terms(terms=new, by=cast.lead)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (Status.SUPERSEDED, Status.PUBLISHED)
    assert new.published_by == cast.lead and new.published_at is not None
    assert group.published_terms() == new
    transitions = {
        e.detail["version"]: e.detail["status"] for e in AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE)
    }
    assert transitions == {1: ["published", "superseded"], 2: ["approved", "published"]}


@pytest.mark.django_db
def test_publishing_also_supersedes_an_older_approved_version(cast, group):
    skipped = TermsOfReferenceFactory(group=group, version=1, status=Status.APPROVED)
    newer = TermsOfReferenceFactory(group=group, version=2, status=Status.APPROVED)
    service.publish_terms(terms=newer, by=cast.lead)
    skipped.refresh_from_db()
    assert skipped.status == Status.SUPERSEDED


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.PUBLISHED, Status.SUPERSEDED])
def test_only_an_approved_version_can_be_published(cast, group, status):
    terms = TermsOfReferenceFactory(group=group, status=status)
    with pytest.raises(ValidationError):
        service.publish_terms(terms=terms, by=cast.lead)
    terms.refresh_from_db()
    assert terms.status == status


@pytest.mark.django_db
def test_an_older_version_cannot_be_published_over_a_newer_one(cast, group):
    older = TermsOfReferenceFactory(group=group, version=1, status=Status.APPROVED)
    newer = TermsOfReferenceFactory(group=group, version=2, status=Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        service.publish_terms(terms=older, by=cast.lead)
    assert "Version 2 is already published" in error.value.messages[0]
    newer.refresh_from_db()
    assert newer.status == Status.PUBLISHED


@pytest.mark.django_db
def test_discarding_deletes_only_a_draft(cast, group):
    published = TermsOfReferenceFactory(group=group, version=1, status=Status.PUBLISHED)
    draft = TermsOfReferenceFactory(group=group, version=2)
    service.discard_draft(terms=draft, by=cast.lead)
    assert list(group.terms.all()) == [published]
    event = AuditEvent.objects.get(action=AuditAction.DELETE)
    assert event.detail == {"group": group.pk, "version": 2}
    assert event.partnership_id == cast.partnership.pk
    with pytest.raises(ValidationError):
        service.discard_draft(terms=published, by=cast.lead)


# --- diff --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_diff_shows_only_changed_fields_with_long_text_line_by_line(group):
    old = TermsOfReferenceFactory(group=group, version=1, status=Status.SUPERSEDED, **content())
    new = TermsOfReferenceFactory(
        group=group,
        version=2,
        status=Status.PUBLISHED,
        **content(
            purpose="To lead.\nTo agree priorities each year.",
            quorum=5,
            quorum_sectors=["health", "education", "local_authority"],
        ),
    )
    changes = service.diff_terms(old, new)
    assert [c.name for c in changes] == ["purpose", "quorum", "quorum_sectors"]
    purpose, quorum, sectors = changes
    assert purpose.lines == [
        ("same", "To lead."),
        ("removed", "To agree priorities."),
        ("added", "To agree priorities each year."),
    ]
    assert (quorum.old, quorum.new, quorum.is_long) == ("4", "5", False)
    assert sectors.new == "Health, Schools and colleges, Local authority"


@pytest.mark.django_db
def test_sector_order_alone_is_not_a_change(group):
    old = TermsOfReferenceFactory(
        group=group, version=1, status=Status.SUPERSEDED, quorum_sectors=["education", "health"]
    )
    new = TermsOfReferenceFactory(group=group, version=2, quorum_sectors=["health", "education"])
    assert service.diff_terms(old, new) == []


@pytest.mark.django_db
def test_diff_page_marks_added_and_removed_lines_in_text(client, cast, group):
    old = TermsOfReferenceFactory(group=group, version=1, status=Status.SUPERSEDED, **content())
    new = TermsOfReferenceFactory(
        group=group, version=2, status=Status.PUBLISHED, **content(membership="The area lead.\nA school lead.")
    )
    sign_in(client, cast.reader)
    body = html.unescape(client.get(url("terms_diff", cast, group) + f"?old={old.pk}&new={new.pk}").content.decode())
    assert "<h3>Membership</h3>" in body
    assert "<ins><strong>Added:</strong> A school lead.</ins>" in body
    assert "<del><strong>Removed:</strong> A CYPMHS representative.</del>" in body
    assert "<h3>Purpose</h3>" not in body and "<h3>Quorum" not in body
    # Without a choice, the page compares the two latest versions.
    assert "Added:</strong> A school lead." in html.unescape(
        client.get(url("terms_diff", cast, group)).content.decode()
    )


@pytest.mark.django_db
def test_diff_page_refuses_versions_of_another_group(client, cast, group):
    mine = TermsOfReferenceFactory(group=group, version=1)
    theirs = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.other_partnership), version=1)
    sign_in(client, cast.lead)
    response = client.get(url("terms_diff", cast, group) + f"?old={mine.pk}&new={theirs.pk}")
    assert response.status_code == 200
    assert "Select a version of this group" in html.unescape(response.content.decode())
    response = client.get(url("terms_diff", cast, group) + "?old=x&new=")
    assert response.status_code == 200


# --- pages -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_terms_page_shows_every_part_and_who_approved_and_published(client, cast, group):
    terms = TermsOfReferenceFactory(
        group=group,
        status=Status.PUBLISHED,
        approved_by=cast.lead,
        approved_at=timezone.now(),
        published_by=cast.lead,
        published_at=timezone.now(),
        **content(),
    )
    sign_in(client, cast.reader)
    body = html.unescape(client.get(url("terms_detail", cast, group, terms)).content.decode())
    for text in (
        "To agree priorities.",
        "Schools and colleges, Health",
        "Every two months",
        "Quorum (members present)",
    ):
        assert text in body
    assert f"Approved by {cast.lead.full_name}" in body and f"Published by {cast.lead.full_name}" in body
    assert "Approve this version" not in body and "Start a new draft" not in body  # the reader changes nothing


@pytest.mark.django_db
def test_the_lead_sees_the_next_step_for_each_status(client, cast, group):
    sign_in(client, cast.lead)
    draft = TermsOfReferenceFactory(group=group, version=2)
    assert "Approve this version" in client.get(url("terms_detail", cast, group, draft)).content.decode()
    approved = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.partnership), status=Status.APPROVED)
    body = client.get(url("terms_detail", cast, approved.group, approved)).content.decode()
    assert "Publish this version" in body and "Start a new draft" in body


@pytest.mark.django_db
def test_creating_a_draft_through_the_page(client, cast, group):
    TermsOfReferenceFactory(group=group, version=1, status=Status.PUBLISHED, purpose="The old purpose.")
    sign_in(client, cast.lead)
    body = client.get(url("terms_create", cast, group)).content.decode()
    assert "The old purpose." in body and "starts as a copy of version 1" in body
    response = client.post(url("terms_create", cast, group), form_data())
    draft = group.terms.get(version=2)
    assert response.url == url("terms_detail", cast, group, draft)
    assert draft.status == Status.DRAFT and draft.quorum_sectors == ["education", "health"]
    # A second "new draft" goes to the existing draft.
    response = client.get(url("terms_create", cast, group))
    assert response.url == url("terms_edit", cast, group, draft)


@pytest.mark.django_db
def test_the_terms_form_shows_errors(client, cast, group):
    sign_in(client, cast.lead)
    data = form_data(purpose="", quorum="0", review_date=today() - datetime.timedelta(days=1))
    response = client.post(url("terms_create", cast, group), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    for message in ("Enter the purpose", "The quorum must be at least 1", "The review date must be in the future"):
        assert message in body
    assert not group.terms.exists()


@pytest.mark.django_db
def test_editing_a_draft_through_the_page(client, cast, group):
    draft = TermsOfReferenceFactory(group=group, **content())
    sign_in(client, cast.lead)
    response = client.post(url("terms_edit", cast, group, draft), form_data(chair="A chair chosen yearly."))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.chair == "A chair chosen yearly."


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED, Status.SUPERSEDED])
def test_the_edit_page_of_a_fixed_version_says_so_and_offers_a_new_draft(client, cast, group, status):
    terms = TermsOfReferenceFactory(group=group, status=status, chair="Unchanged.")
    sign_in(client, cast.lead)
    body = client.get(url("terms_edit", cast, group, terms)).content.decode()
    assert "can no longer be changed" in body
    assert "Start a new draft" in body and url("terms_create", cast, group) in body
    response = client.post(url("terms_edit", cast, group, terms), form_data(chair="Changed."))
    assert response.status_code == 200
    terms.refresh_from_db()
    assert terms.chair == "Unchanged."


@pytest.mark.django_db
def test_approve_and_publish_through_the_pages(client, cast, group):
    old = TermsOfReferenceFactory(group=group, version=1, status=Status.PUBLISHED)
    draft = TermsOfReferenceFactory(group=group, version=2)
    sign_in(client, cast.lead)
    assert "Approve this version" in client.get(url("terms_approve", cast, group, draft)).content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # the page only asks
    assert client.post(url("terms_approve", cast, group, draft)).status_code == 302
    body = client.get(url("terms_publish", cast, group, draft)).content.decode()
    assert "Publish this version" in body and "Version 2 will replace version 1" in body
    assert client.post(url("terms_publish", cast, group, draft)).status_code == 302
    old.refresh_from_db()
    draft.refresh_from_db()
    assert (old.status, draft.status) == (Status.SUPERSEDED, Status.PUBLISHED)


@pytest.mark.django_db
def test_a_wrong_transition_shows_an_error_not_a_500(client, cast, group):
    draft = TermsOfReferenceFactory(group=group)
    sign_in(client, cast.lead)
    response = client.post(url("terms_publish", cast, group, draft))
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Only an approved version can be published" in body
    assert "<title>Error:" in body


@pytest.mark.django_db
def test_discard_asks_then_deletes(client, cast, group):
    draft = TermsOfReferenceFactory(group=group)
    sign_in(client, cast.lead)
    assert "Keep the draft" in client.get(url("terms_discard", cast, group, draft)).content.decode()
    assert group.terms.exists()
    response = client.post(url("terms_discard", cast, group, draft))
    assert response.url == reverse("group_detail", args=[cast.partnership.slug, group.pk])
    assert not group.terms.exists()


@pytest.mark.django_db
def test_terms_of_another_group_or_partnership_are_not_found(client, cast, group):
    elsewhere = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.other_partnership))
    sibling = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.partnership))
    sign_in(client, cast.lead)
    for name in ("terms_detail", "terms_edit", "terms_approve", "terms_publish", "terms_discard"):
        assert client.get(url(name, cast, group, elsewhere)).status_code == 404
        assert client.get(url(name, cast, group, sibling)).status_code == 404  # wrong group in the URL


# --- review reminders --------------------------------------------------------------------------
@pytest.mark.django_db
def test_review_state():
    published = TermsOfReference(status=Status.PUBLISHED, review_date=today() + datetime.timedelta(days=30))
    assert service.review_state(published) == "due"
    published.review_date = today() + datetime.timedelta(days=31)
    assert service.review_state(published) is None
    published.review_date = today() - datetime.timedelta(days=1)
    assert service.review_state(published) == "overdue"
    draft = TermsOfReference(status=Status.DRAFT, review_date=today() - datetime.timedelta(days=1))
    assert service.review_state(draft) is None


@pytest.mark.django_db
def test_review_reminders_go_to_area_leads_once_per_version_and_window(cast, group):
    second_lead = member(cast.partnership, Role.AREA_LEAD, email="lead2@own.example")
    terms = TermsOfReferenceFactory(
        group=group, status=Status.PUBLISHED, review_date=today() + datetime.timedelta(days=10)
    )
    TermsOfReferenceFactory(group=group, version=99, status=Status.DRAFT, review_date=today())
    far = TermsOfReferenceFactory(
        group=GroupFactory(partnership=cast.partnership),
        status=Status.PUBLISHED,
        review_date=today() + datetime.timedelta(days=200),
    )
    assert service.send_terms_review_reminders() == 1
    assert service.send_terms_review_reminders() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([cast.lead.email, second_lead.email])
    assert cast.reader.email not in message.to
    assert message.subject == "Terms of reference review due: Steering group"
    assert reverse("terms_detail", args=[cast.partnership.slug, group.pk, terms.pk]) in message.body
    assert SentNotification.objects.filter(key=f"terms-review:{terms.pk}:due").exists()
    event = AuditEvent.objects.get(action=AuditAction.NOTIFICATION_SENT)
    assert event.object_id == str(terms.pk) and event.detail["window"] == "due"

    # Once the date has passed, one more reminder: overdue.
    later = terms.review_date + datetime.timedelta(days=1)
    assert service.send_terms_review_reminders(today=later) == 1
    assert service.send_terms_review_reminders(today=later + datetime.timedelta(days=7)) == 0
    assert mail.outbox[1].subject == "Terms of reference review overdue: Steering group"
    assert SentNotification.objects.filter(key=f"terms-review:{terms.pk}:overdue").exists()
    assert not SentNotification.objects.filter(key__startswith=f"terms-review:{far.pk}:").exists()


@pytest.mark.django_db
def test_no_reminders_for_inactive_partnerships(cast, group):
    TermsOfReferenceFactory(group=group, status=Status.PUBLISHED, review_date=today())
    cast.partnership.is_active = False
    cast.partnership.save()
    assert service.send_terms_review_reminders() == 0
    assert mail.outbox == []


@pytest.mark.celery
def test_review_reminder_task_runs_on_a_real_worker_and_is_idempotent(cast, celery_worker):
    group = GroupFactory(partnership=cast.partnership)
    TermsOfReferenceFactory(group=group, status=Status.PUBLISHED, review_date=today() - datetime.timedelta(days=3))
    send_terms_review_reminders.delay()
    assert wait_for(lambda: SentNotification.objects.filter(key__startswith="terms-review:").exists())
    assert wait_for(lambda: len(mail.outbox) == 1)
    send_terms_review_reminders.delay()
    time.sleep(1.0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.lead.email]


def test_the_review_reminders_are_on_the_beat_schedule():
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert send_terms_review_reminders.name in tasks
