"""Memoranda of understanding: drafting, parties, signature, new versions, review reminders."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent, Membership, Mou, MouParty, SentNotification
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import mous as service
from partnership.tasks import mous as tasks

from ..conftest import sign_in, wait_for
from ..factories import OrganisationFactory, member
from .factories import MouFactory, MouPartyFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 2)

CONTENT = {
    "title": "Schools and CYPMHS joint working agreement",
    "purpose": "To agree how schools and CYPMHS work together.",
    "joint_working_areas": "Consultation, referral, joint training.",
    "roles_and_responsibilities": "Schools name a senior mental health lead.",
    "information_shared": "Referral outcomes and advice.",
    "information_when": "Within five working days of a decision.",
    "information_how": "Through the platform.",
    "start_date": "2026-04-01",
    "review_date": "2027-03-31",
}


def _party_member(partnership, name="Pat Signatory"):
    """A steering member acting for their own (active member) organisation."""
    user = member(partnership, Role.STEERING_MEMBER, full_name=name)
    return user, Membership.objects.get(user=user).organisation


def _draft_with_parties(cast, count=2):
    mou = MouFactory(partnership=cast.partnership, created_by=cast.lead)
    people = []
    for i in range(count):
        user, org = _party_member(cast.partnership, f"Signatory {i}")
        service.add_party(mou=mou, by=cast.lead, organisation=org, signatory=user, signatory_title="Head teacher")
        people.append(user)
    return mou, people


def _in_signature(cast, count=2):
    mou, people = _draft_with_parties(cast, count)
    service.send_for_signature(mou=mou, by=cast.lead)
    mou.refresh_from_db()
    return mou, people


# --- services ----------------------------------------------------------------------------------


def test_create_mou_is_audited_and_a_draft(cast):
    content = {**CONTENT, "start_date": TODAY, "review_date": TODAY + datetime.timedelta(days=365)}
    mou = service.create_mou(partnership=cast.partnership, by=cast.lead, **content)
    assert mou.status == Mou.Status.DRAFT and mou.version == 1
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="partnership.mou")
    assert event.actor == cast.lead and event.partnership_id == cast.partnership.pk


def test_review_date_must_be_after_start_date(cast):
    content = {**CONTENT, "start_date": TODAY, "review_date": TODAY}
    with pytest.raises(ValidationError) as error:
        service.create_mou(partnership=cast.partnership, by=cast.lead, **content)
    assert "review date must be after the start date" in str(error.value)


def test_only_the_area_lead_can_create(cast):
    content = {**CONTENT, "start_date": TODAY, "review_date": TODAY + datetime.timedelta(days=1)}
    with pytest.raises(PermissionDenied):
        service.create_mou(partnership=cast.partnership, by=cast.reader, **content)


def test_update_draft_audits_changed_fields(cast):
    mou = MouFactory(partnership=cast.partnership, created_by=cast.lead, title="Old")
    service.update_mou(mou=mou, by=cast.lead, title="New")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="partnership.mou")
    assert event.detail["changed"] == {"title": ["Old", "New"]}


def test_party_signatory_must_act_for_the_organisation(cast):
    mou = MouFactory(partnership=cast.partnership, created_by=cast.lead)
    user, _ = _party_member(cast.partnership)
    _, other_org = _party_member(cast.partnership)
    with pytest.raises(ValidationError, match="does not act for"):
        service.add_party(mou=mou, by=cast.lead, organisation=other_org, signatory=user)


def test_party_organisation_must_be_an_active_member(cast):
    mou = MouFactory(partnership=cast.partnership, created_by=cast.lead)
    outsider_org = OrganisationFactory()
    with pytest.raises(ValidationError, match="not an active member"):
        service.add_party(mou=mou, by=cast.lead, organisation=outsider_org, signatory=cast.reader)


def test_an_organisation_is_a_party_once(cast):
    mou = MouFactory(partnership=cast.partnership, created_by=cast.lead)
    user, org = _party_member(cast.partnership)
    service.add_party(mou=mou, by=cast.lead, organisation=org, signatory=user)
    with pytest.raises(ValidationError, match="already a party"):
        service.add_party(mou=mou, by=cast.lead, organisation=org, signatory=user)


def test_send_needs_two_parties(cast):
    mou, _ = _draft_with_parties(cast, count=1)
    with pytest.raises(ValidationError, match="at least two parties"):
        service.send_for_signature(mou=mou, by=cast.lead)
    mou.refresh_from_db()
    assert mou.status == Mou.Status.DRAFT


def test_send_fixes_content_and_emails_each_signatory_once(cast, settings):
    settings.SITE_URL = "https://cyp.example"
    mou, people = _in_signature(cast)
    assert mou.status == Mou.Status.IN_SIGNATURE and mou.sent_for_signature_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    link = f"https://cyp.example/partnerships/{cast.partnership.slug}/mous/{mou.pk}/"
    assert all(link in m.body for m in mail.outbox)
    assert SentNotification.objects.filter(key__startswith=f"mou-signature-request:{mou.pk}:").count() == 2
    with pytest.raises(ValidationError, match="sent for signature"):
        service.update_mou(mou=mou, by=cast.lead, title="Changed")
    with pytest.raises(ValidationError):
        service.remove_party(party=mou.parties.first(), by=cast.lead)
    with pytest.raises(ValidationError):
        service.send_for_signature(mou=mou, by=cast.lead)
    assert len(mail.outbox) == 2


def test_only_the_named_signatory_can_sign(cast):
    mou, (first, second) = _in_signature(cast)
    party = mou.parties.get(signatory=first)
    for someone in (second, cast.lead):
        with pytest.raises(PermissionDenied):
            service.sign(party=party, by=someone)
    party.refresh_from_db()
    assert not party.has_signed


def test_fully_signed_only_when_every_party_has_signed(cast):
    mou, (first, second) = _in_signature(cast)
    service.sign(party=mou.parties.get(signatory=first), by=first)
    mou.refresh_from_db()
    assert mou.status == Mou.Status.IN_SIGNATURE and mou.fully_signed_at is None
    with pytest.raises(ValidationError, match="already signed"):
        service.sign(party=mou.parties.get(signatory=first), by=first)
    service.sign(party=mou.parties.get(signatory=second), by=second)
    mou.refresh_from_db()
    assert mou.status == Mou.Status.SIGNED and mou.fully_signed_at is not None
    states = AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, object_type="partnership.mou")
    assert {e.detail["to"] for e in states} == {Mou.Status.IN_SIGNATURE, Mou.Status.SIGNED}


def test_signed_mou_cannot_be_edited_and_new_version_supersedes_when_signed(cast):
    mou, (first, second) = _in_signature(cast)
    for person in (first, second):
        service.sign(party=mou.parties.get(signatory=person), by=person)
    with pytest.raises(ValidationError, match="Start a new version"):
        service.update_mou(mou=mou, by=cast.lead, title="Changed")

    copy = service.start_new_version(mou=mou, by=cast.lead)
    assert copy.version == 2 and copy.supersedes == mou and copy.status == Mou.Status.DRAFT
    assert copy.title == mou.title
    assert {(p.organisation_id, p.signatory_id) for p in copy.parties.all()} == {
        (p.organisation_id, p.signatory_id) for p in mou.parties.all()
    }
    assert not copy.parties.filter(signed_at__isnull=False).exists()
    with pytest.raises(ValidationError, match="already been started"):
        service.start_new_version(mou=mou, by=cast.lead)

    service.update_mou(mou=copy, by=cast.lead, information_how="Through the platform only.")
    service.send_for_signature(mou=copy, by=cast.lead)
    service.sign(party=copy.parties.get(signatory=first), by=first)
    mou.refresh_from_db()
    assert mou.status == Mou.Status.SIGNED  # still in force until the new version is fully signed
    service.sign(party=copy.parties.get(signatory=second), by=second)
    mou.refresh_from_db()
    copy.refresh_from_db()
    assert copy.status == Mou.Status.SIGNED and mou.status == Mou.Status.SUPERSEDED


def test_new_version_only_from_a_signed_mou(cast):
    mou, _ = _draft_with_parties(cast)
    with pytest.raises(ValidationError):
        service.start_new_version(mou=mou, by=cast.lead)


def test_a_signatory_who_left_cannot_sign(cast):
    mou, (first, _) = _in_signature(cast)
    Membership.objects.filter(user=first).update(is_active=False)
    first = type(first).objects.get(pk=first.pk)
    with pytest.raises(ValidationError, match="no longer act for"):
        service.sign(party=mou.parties.get(signatory=first), by=first)


# --- review reminders --------------------------------------------------------------------------


def _signed(cast, review_date):
    mou = MouFactory(
        partnership=cast.partnership,
        created_by=cast.lead,
        status=Mou.Status.SIGNED,
        start_date=review_date - datetime.timedelta(days=365),
        review_date=review_date,
    )
    return mou


def test_review_reminders_go_to_area_leads_once_per_window(cast):
    due = _signed(cast, TODAY + datetime.timedelta(days=20))
    _signed(cast, TODAY + datetime.timedelta(days=60))  # not yet
    MouFactory(partnership=cast.partnership, created_by=cast.lead, review_date=TODAY)  # a draft: never
    assert service.send_mou_review_reminders(today=TODAY) == 1
    assert service.send_mou_review_reminders(today=TODAY) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.lead.email]
    assert due.title in mail.outbox[0].subject
    event = AuditEvent.objects.get(action=AuditAction.NOTIFICATION_SENT)
    assert event.detail["notification"] == "mou_review_reminder" and event.object_id == str(due.pk)
    # Once the review date has passed it is overdue: one more reminder, then nothing.
    later = TODAY + datetime.timedelta(days=25)
    assert service.send_mou_review_reminders(today=later) == 1
    assert service.send_mou_review_reminders(today=later) == 0
    assert "was due for review" in mail.outbox[1].body


def test_review_reminder_task_runs_the_service(cast):
    _signed(cast, timezone.localdate() - datetime.timedelta(days=1))
    assert tasks.send_mou_review_reminders() == 1
    assert tasks.send_mou_review_reminders() == 0
    assert tasks.send_mou_review_reminders.name == "partnership.tasks.send_mou_review_reminders"


# --- pages -------------------------------------------------------------------------------------


def test_create_page_shows_errors_in_the_summary(client, cast):
    sign_in(client, cast.lead)
    url = reverse("mou_create", args=[cast.partnership.slug])
    response = client.post(url, {**CONTENT, "title": "", "review_date": "2026-01-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter the title" in html
    assert "The review date must be after the start date" in html
    assert not Mou.objects.exists()
    response = client.post(url, {**CONTENT, "start_date": "not a date"})
    assert response.status_code == 200
    assert "Enter the start date as a real date" in response.content.decode()


def test_create_and_add_parties_through_the_pages(client, cast):
    sign_in(client, cast.lead)
    response = client.post(reverse("mou_create", args=[cast.partnership.slug]), CONTENT)
    mou = Mou.objects.get()
    assert response.url == reverse("mou_detail", args=[cast.partnership.slug, mou.pk])
    html = client.get(response.url).content.decode()
    assert "Draft" in html and "Add a party" in html and "Send for signature" in html
    assert "No parties have been added yet." in html
    user, _ = _party_member(cast.partnership, "Jordan Lead")
    membership = Membership.objects.get(user=user)
    add = reverse("mou_party_add", args=[cast.partnership.slug, mou.pk])
    assert "Jordan Lead, for" in client.get(add).content.decode()
    response = client.post(add, {"signatory": membership.pk, "signatory_title": "Head teacher"})
    assert response.status_code == 302
    assert MouParty.objects.get(mou=mou).signatory == user
    # An outsider's membership is not a choice: an error, never a 500.
    other = member(cast.other_partnership, Role.STEERING_MEMBER)
    response = client.post(add, {"signatory": Membership.objects.get(user=other).pk})
    assert response.status_code == 200
    assert "Select the signatory from the list" in response.content.decode()
    # Sending with one party shows why not.
    response = client.post(reverse("mou_send", args=[cast.partnership.slug, mou.pk]))
    assert response.status_code == 200
    assert "Add at least two parties" in response.content.decode()


def test_detail_page_shows_signatures_and_the_sign_button_only_to_the_signatory(client, cast):
    mou, (first, second) = _in_signature(cast)
    service.sign(party=mou.parties.get(signatory=first), by=first)
    url = reverse("mou_detail", args=[cast.partnership.slug, mou.pk])
    sign_in(client, second)
    html = client.get(url).content.decode()
    assert "Sign this memorandum" in html
    assert f"Signed on {timezone.localdate():%-d %B %Y} by Signatory 0" in html
    assert "Awaiting signature" in html
    assert "Awaiting signatures" in html  # the overall status, as text
    client.logout()
    sign_in(client, cast.lead)
    assert "Sign this memorandum" not in client.get(url).content.decode()


def test_signing_through_the_page(client, cast):
    mou, (first, second) = _in_signature(cast)
    party = mou.parties.get(signatory=first)
    url = reverse("mou_sign", args=[cast.partnership.slug, mou.pk, party.pk])
    sign_in(client, second)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.logout()
    sign_in(client, first)
    page = client.get(url).content.decode()
    assert f"I have read this memorandum and sign it for {party.organisation.name}" in page
    assert mou.information_how in page
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.has_signed


def test_signed_mou_edit_page_explains_and_changes_nothing(client, cast):
    mou, people = _in_signature(cast)
    for person in people:
        service.sign(party=mou.parties.get(signatory=person), by=person)
    sign_in(client, cast.lead)
    url = reverse("mou_edit", args=[cast.partnership.slug, mou.pk])
    response = client.post(url, {**CONTENT, "title": "Sneaky change"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be changed" in html and "Start a new version" in html
    mou.refresh_from_db()
    assert mou.title != "Sneaky change"
    response = client.post(reverse("mou_new_version", args=[cast.partnership.slug, mou.pk]))
    copy = Mou.objects.get(supersedes=mou)
    assert response.url == reverse("mou_detail", args=[cast.partnership.slug, copy.pk])


def test_another_partnerships_mou_is_404(client, cast):
    mou = MouFactory(partnership=cast.other_partnership)
    party = MouPartyFactory(mou=mou, signatory=cast.lead)
    sign_in(client, cast.lead)
    slug = cast.partnership.slug
    assert client.get(reverse("mou_detail", args=[slug, mou.pk])).status_code == 404
    assert client.get(reverse("mou_sign", args=[slug, mou.pk, party.pk])).status_code == 404
    assert client.get(reverse("mou_detail", args=[cast.other_partnership.slug, mou.pk])).status_code == 404


def test_mou_list_shows_status_as_text(client, cast):
    MouFactory(partnership=cast.partnership, created_by=cast.lead, title="Protocol A", status=Mou.Status.SIGNED)
    sign_in(client, cast.reader)
    html = client.get(reverse("mou_list", args=[cast.partnership.slug])).content.decode()
    assert "Protocol A" in html and "Signed" in html
    assert "Create a memorandum" not in html


# --- the task on a real worker -----------------------------------------------------------------


@pytest.mark.celery
def test_review_reminder_task_runs_on_a_real_worker_and_is_idempotent(cast, celery_worker):
    import time

    mou = _signed(cast, timezone.localdate() + datetime.timedelta(days=10))
    tasks.send_mou_review_reminders.delay()
    assert wait_for(lambda: len(mail.outbox) == 1)
    tasks.send_mou_review_reminders.delay()
    time.sleep(1.0)
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(key__startswith=f"mou-review:{mou.pk}:").count() == 1


def test_the_review_reminder_is_on_the_beat_schedule():
    from config.celery import app

    assert any(e["task"] == tasks.send_mou_review_reminders.name for e in app.conf.beat_schedule.values())
