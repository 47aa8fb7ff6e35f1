"""Lead contacts: the stale rule, missing kinds, adding and replacing, the emailed single-use link,
and the task that asks stale holders to confirm."""

import datetime
import re
import time
from urllib.parse import urlparse

import pytest
import time_machine
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from partnership.models import AuditEvent, LeadContact, OrganisationKind, PartnershipOrganisation, SentNotification
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import audit
from partnership.services import leads as service
from partnership.tasks import leads as lead_tasks

from ..conftest import sign_in, wait_for
from ..factories import OrganisationFactory, member
from .factories import LeadContactFactory

Kind = LeadContact.Kind
Status = PartnershipOrganisation.Status
UTC = datetime.UTC


def add_member(partnership, status=Status.ACTIVE, **organisation):
    return PartnershipOrganisation.objects.create(
        partnership=partnership, organisation=OrganisationFactory(**organisation), status=status
    )


def lead_in(partnership, **fields):
    fields.setdefault("member", add_member(partnership))
    return LeadContactFactory(**fields)


def link_path(email) -> str:
    url = re.search(re.escape(settings.SITE_URL) + r"(/lead-contacts/confirm/[^/\s]+/)", email.body)
    assert url, email.body
    return url.group(1)


# --- the stale rule ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_is_stale_only_after_the_confirmation_period(cast):
    confirmed = datetime.datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
    lead = lead_in(cast.partnership, last_confirmed_at=confirmed)
    stale_ids = lambda: set(service.stale_leads(cast.partnership).values_list("pk", flat=True))  # noqa: E731
    with time_machine.travel(datetime.datetime(2025, 5, 15, 9, 0, tzinfo=UTC), tick=False):
        assert not service.is_stale(lead)  # exactly four months: still current
        assert lead.pk not in stale_ids()
    with time_machine.travel(datetime.datetime(2025, 5, 15, 9, 0, 1, tzinfo=UTC), tick=False):
        assert service.is_stale(lead)
        assert lead.pk in stale_ids()


@pytest.mark.django_db
def test_the_period_is_the_partnerships_and_a_never_confirmed_lead_is_stale(cast):
    cast.partnership.lead_confirmation_months = 6
    cast.partnership.save()
    five_months = lead_in(cast.partnership, last_confirmed_at=timezone.now() - datetime.timedelta(days=152))
    never = lead_in(cast.partnership, last_confirmed_at=None)
    ended = lead_in(cast.partnership, last_confirmed_at=None, ended_on=timezone.localdate())
    assert not service.is_stale(five_months)
    assert service.is_stale(never)
    assert not service.is_stale(ended)
    assert set(service.stale_leads(cast.partnership)) == {never}


# --- missing kinds ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (OrganisationKind.PRIMARY, [Kind.SENIOR_MH_LEAD]),
        (OrganisationKind.FE_COLLEGE, [Kind.SENIOR_MH_LEAD]),
        (OrganisationKind.CYPMHS, [Kind.CYPMHS_LINK, Kind.SPA_CONTACT]),
        (OrganisationKind.VCSO, [Kind.VCSO_CONTACT]),
        (OrganisationKind.ICB, []),
    ],
)
def test_missing_kinds_follow_the_organisation_kind(cast, kind, expected):
    membership = add_member(cast.partnership, kind=kind, urn=None)
    assert service.missing_kinds(membership) == expected


@pytest.mark.django_db
def test_a_named_lead_is_not_missing_and_the_mhst_link_never_is(cast):
    cypmhs = add_member(cast.partnership, kind=OrganisationKind.CYPMHS, urn=None)
    LeadContactFactory(member=cypmhs, kind=Kind.CYPMHS_LINK)
    assert service.missing_kinds(cypmhs) == [Kind.SPA_CONTACT]
    school = add_member(cast.partnership)
    LeadContactFactory(member=school, kind=Kind.SENIOR_MH_LEAD, ended_on=timezone.localdate())
    LeadContactFactory(member=school, kind=Kind.MHST_LINK)
    assert service.missing_kinds(school) == [Kind.SENIOR_MH_LEAD]  # an ended lead does not count


@pytest.mark.django_db
def test_missing_leads_cover_active_members_only_and_filter_by_kind(cast):
    lapsed = add_member(cast.partnership, Status.LAPSED)
    cypmhs = add_member(cast.partnership, kind=OrganisationKind.CYPMHS, urn=None)
    missing = service.missing_leads(cast.partnership)
    assert lapsed not in {row.member for row in missing}
    assert {(row.member, row.kind) for row in missing if row.member == cypmhs} == {
        (cypmhs, Kind.CYPMHS_LINK),
        (cypmhs, Kind.SPA_CONTACT),
    }
    assert [row.kind for row in service.missing_leads(cast.partnership, Kind.SPA_CONTACT)] == [Kind.SPA_CONTACT]


@pytest.mark.django_db
def test_the_lead_list_shows_stale_and_missing_leads_filtered_by_kind(client, cast):
    lead_in(cast.partnership, name="Sally Stale", last_confirmed_at=timezone.now() - datetime.timedelta(days=200))
    lead_in(cast.partnership, name="Freddie Fresh")
    add_member(cast.partnership, name="Nameless CYPMHS", kind=OrganisationKind.CYPMHS, urn=None)
    sign_in(client, cast.lead)
    url = reverse("lead_list", args=[cast.partnership.slug])
    page = client.get(url).content.decode()
    assert "Sally Stale" in page and "Stale: not confirmed since" in page
    assert "Freddie Fresh" not in page
    assert "Nameless CYPMHS" in page
    filtered = client.get(url, {"kind": "spa_contact"}).content.decode()
    assert "Sally Stale" not in filtered and "Nameless CYPMHS" in filtered


# --- adding and replacing -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_a_lead_links_the_account_of_a_partnership_member_by_email(cast):
    holder = member(cast.partnership, Role.STEERING_MEMBER, email="jo.lead@school.example")
    member(cast.other_partnership, Role.STEERING_MEMBER, email="other@school.example")
    school = add_member(cast.partnership)
    lead = service.add_lead(
        member=school, by=cast.lead, kind=Kind.SENIOR_MH_LEAD, name="Jo", email="Jo.Lead@school.example"
    )
    assert lead.user == holder
    assert lead.last_confirmed_at is not None and not service.is_stale(lead)
    cypmhs = add_member(cast.partnership, kind=OrganisationKind.CYPMHS, urn=None)
    outsider = service.add_lead(
        member=cypmhs, by=cast.lead, kind=Kind.SPA_CONTACT, name="O", email="other@school.example"
    )
    assert outsider.user is None  # an account in another partnership is not linked
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(lead.pk), actor=cast.lead).exists()


@pytest.mark.django_db
def test_a_second_current_lead_of_a_kind_is_refused(cast):
    lead = lead_in(cast.partnership)
    with pytest.raises(service.ValidationError, match="replace them instead"):
        service.add_lead(member=lead.member, by=cast.lead, kind=lead.kind, name="Another", email="a@school.example")


@pytest.mark.django_db
def test_replacing_a_lead_keeps_the_history(cast):
    old = lead_in(cast.partnership, name="Old Lead")
    new = service.replace_lead(lead=old, by=cast.lead, name="New Lead", email="new@school.example", reason="Retired")
    old.refresh_from_db()
    assert old.ended_on == timezone.localdate() and old.ended_reason == "Retired"
    assert old.replaced_by == new and new.is_current and new.kind == old.kind
    events = AuditEvent.objects.filter(object_type="partnership.leadcontact")
    assert events.get(object_id=str(old.pk), action=AuditAction.STATE_CHANGE).detail["replaced_by"] == new.pk
    assert events.filter(object_id=str(new.pk), action=AuditAction.CREATE).exists()
    with pytest.raises(service.ValidationError, match="no longer"):
        service.replace_lead(lead=old, by=cast.lead, name="X", email="x@school.example")


@pytest.mark.django_db
def test_the_add_and_replace_pages(client, cast):
    school = add_member(cast.partnership)
    sign_in(client, cast.lead)
    add_url = reverse("lead_add", args=[cast.partnership.slug, school.pk])
    invalid = client.post(add_url, {"kind": "senior_mh_lead", "name": "", "email": "not-an-email"})
    assert invalid.status_code == 200
    assert "Enter the full name" in invalid.content.decode()
    assert "Enter an email address in the correct format" in invalid.content.decode()
    data = {"kind": "senior_mh_lead", "name": "Ruth Lead", "email": "ruth@school.example", "job_title": "Head"}
    assert client.post(add_url, data).status_code == 302
    lead = school.lead_contacts.get()
    replace_url = reverse("lead_replace", args=[cast.partnership.slug, lead.pk])
    response = client.post(replace_url, {"name": "Sam New", "email": "sam@school.example", "reason": "Left the school"})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Sam New" in page and "Ruth Lead" in page and "Left the school" in page


@pytest.mark.django_db
def test_a_member_manages_their_own_organisations_leads_only(client, cast):
    school = OrganisationFactory(name="Hillcrest Academy")
    user = member(cast.partnership, Role.SCHOOL_MH_LEAD, organisation=school, totp=True)
    own = PartnershipOrganisation.objects.get(partnership=cast.partnership, organisation=school)
    other = add_member(cast.partnership)
    theirs = add_member(cast.other_partnership)
    sign_in(client, user)
    assert client.get(reverse("lead_add", args=[cast.partnership.slug, own.pk])).status_code == 200
    assert client.get(reverse("lead_add", args=[cast.partnership.slug, other.pk])).status_code == 403
    assert client.get(reverse("lead_add", args=[cast.other_partnership.slug, theirs.pk])).status_code == 404
    assert client.get(reverse("lead_add", args=[cast.partnership.slug, theirs.pk])).status_code == 404
    other_lead = LeadContactFactory(member=other)
    assert (
        client.post(reverse("lead_confirm_signed_in", args=[cast.partnership.slug, other_lead.pk])).status_code == 403
    )
    own_lead = LeadContactFactory(member=own, last_confirmed_at=None)
    response = client.post(reverse("lead_confirm_signed_in", args=[cast.partnership.slug, own_lead.pk]))
    assert response.status_code == 302
    own_lead.refresh_from_db()
    assert not service.is_stale(own_lead)


@pytest.mark.django_db
def test_a_referrer_without_own_organisation_rights_cannot_change_leads(client, cast):
    school = OrganisationFactory()
    user = member(cast.partnership, Role.SCHOOL_STAFF, organisation=school, totp=True)
    own = PartnershipOrganisation.objects.get(partnership=cast.partnership, organisation=school)
    sign_in(client, user)
    assert client.get(reverse("lead_add", args=[cast.partnership.slug, own.pk])).status_code == 403
    with pytest.raises(PermissionError):
        service.add_lead(member=own, by=user, kind=Kind.SENIOR_MH_LEAD, name="X", email="x@school.example")


# --- the emailed single-use link -------------------------------------------------------------------


@pytest.fixture
def asked(cast):
    """A stale lead whose holder has been emailed a link; returns (lead, path of the link)."""
    lead = lead_in(
        cast.partnership,
        name="Dana Holder",
        email="dana@school.example",
        last_confirmed_at=timezone.now() - datetime.timedelta(days=200),
        member=add_member(cast.partnership, name="Oakfield Junior School"),
    )
    assert service.request_confirmation(lead)
    [email] = mail.outbox
    return lead, link_path(email)


@pytest.mark.django_db
def test_the_email_holds_a_signed_link_and_no_other_details(asked):
    lead, path = asked
    [email] = mail.outbox
    assert email.to == ["dana@school.example"]
    assert f"{settings.SITE_URL}{path}" in email.body
    token = path.split("/")[-2]
    assert signing.TimestampSigner(salt="lead-contact-confirm").unsign_object(token) == {
        "lead": lead.pk,
        "nonce": lead.confirmation_nonce,
    }
    assert SentNotification.objects.filter(key=f"lead-confirm:{lead.pk}:{lead.confirmation_nonce}").exists()


@pytest.mark.django_db
def test_the_link_page_shows_the_organisation_kind_and_holder_and_get_changes_nothing(client, asked):
    lead, path = asked
    before = LeadContact.objects.get(pk=lead.pk)
    for _ in range(2):  # an email scanner's prefetch, then the person
        response = client.get(path)
        assert response.status_code == 200
    page = response.content.decode()
    assert "Oakfield Junior School" in page and "senior mental health lead" in page and "Dana Holder" in page
    assert "dana@school.example" not in page
    assert "Yes, I am still the lead" in page and "I am no longer the lead" in page
    after = LeadContact.objects.get(pk=lead.pk)
    assert (after.last_confirmed_at, after.confirmation_nonce) == (before.last_confirmed_at, before.confirmation_nonce)


@pytest.mark.django_db
def test_confirming_through_the_link_works_once_and_is_audited(client, asked):
    lead, path = asked
    response = client.post(path, {"action": "confirm"})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    lead.refresh_from_db()
    assert not service.is_stale(lead) and lead.confirmation_nonce == ""
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(lead.pk))
    assert event.actor is None and event.actor_label == audit.ANONYMOUS.label
    assert event.detail == {"via": "emailed link"}
    again = client.post(path, {"action": "confirm"})
    assert again.status_code == 410
    assert "Ask your partnership's area lead" in again.content.decode()
    assert client.get(path).status_code == 410


@pytest.mark.django_db
def test_an_expired_link_is_gone(client, asked):
    _, path = asked
    with time_machine.travel(timezone.now() + datetime.timedelta(days=14, minutes=1)):
        response = client.post(path, {"action": "confirm"})
        assert response.status_code == 410
        assert "expired" in response.content.decode()
        assert client.get(path).status_code == 410


@pytest.mark.django_db
@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "nonsense", lambda t: t.replace(":", ";", 1)])
def test_a_tampered_link_is_a_bad_request(client, asked, mangle):
    lead, path = asked
    token = path.split("/")[-2]
    response = client.post(reverse("lead_confirm", args=[mangle(token)]), {"action": "confirm"})
    assert response.status_code == 400
    assert "area lead" in response.content.decode()
    lead.refresh_from_db()
    assert service.is_stale(lead)


@pytest.mark.django_db
def test_a_link_forged_for_another_lead_with_a_guessed_nonce_fails(client, asked, cast):
    other = lead_in(cast.partnership, last_confirmed_at=None)
    token = signing.TimestampSigner(salt="lead-contact-confirm").sign_object({"lead": other.pk, "nonce": ""})
    assert client.get(reverse("lead_confirm", args=[token])).status_code == 410


@pytest.mark.django_db
def test_the_link_stops_working_when_the_organisation_leaves(client, asked, cast):
    lead, path = asked
    PartnershipOrganisation.objects.filter(pk=lead.member_id).update(status=Status.LEFT)
    response = client.post(path, {"action": "confirm"})
    assert response.status_code == 410 and "no longer a member" in response.content.decode()


@pytest.mark.django_db
def test_replacing_an_ended_lead_through_the_page_is_an_error(client, cast):
    old = lead_in(cast.partnership, name="Ended Lead", ended_on=timezone.localdate())
    sign_in(client, cast.lead)
    data = {"name": "N", "email": "n@school.example", "reason": "Left"}
    response = client.post(reverse("lead_replace", args=[cast.partnership.slug, old.pk]), data)
    assert response.status_code == 200
    assert "Ended Lead is no longer the lead: there is nothing to replace." in response.content.decode()
    assert LeadContact.objects.filter(member=old.member).count() == 1


@pytest.mark.django_db
def test_a_newer_request_makes_the_older_link_stop_working(client, asked):
    lead, path = asked
    assert service.request_confirmation(lead)
    assert client.get(path).status_code == 410
    assert client.get(link_path(mail.outbox[-1])).status_code == 200


@pytest.mark.django_db
def test_replacing_through_the_link_keeps_the_history(client, asked):
    lead, path = asked
    invalid = client.post(path, {"action": "replace", "name": "", "email": "x"})
    assert invalid.status_code == 200 and "Enter the full name" in invalid.content.decode()
    response = client.post(
        path, {"action": "replace", "name": "Eli Newcombe", "email": "eli@school.example", "job_title": "Deputy head"}
    )
    assert response.status_code == 200 and "Eli Newcombe is now recorded" in response.content.decode()
    lead.refresh_from_db()
    new = lead.replaced_by
    assert lead.ended_on is not None and new.name == "Eli Newcombe" and new.is_current
    assert not service.is_stale(new)
    events = AuditEvent.objects.filter(actor_label="anonymous", object_type="partnership.leadcontact")
    assert events.get(object_id=str(lead.pk), action=AuditAction.STATE_CHANGE).detail["via"] == "emailed link"
    assert events.filter(object_id=str(new.pk), action=AuditAction.CREATE).exists()
    assert client.post(path, {"action": "confirm"}).status_code == 410


# --- the task ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_stale_holders_are_asked_once_every_fourteen_days(cast):
    old = timezone.now() - datetime.timedelta(days=200)
    stale = lead_in(cast.partnership, last_confirmed_at=old)
    lead_in(cast.partnership)  # fresh
    lead_in(cast.partnership, last_confirmed_at=old, member=add_member(cast.partnership, Status.LAPSED))
    lead_in(cast.partnership, last_confirmed_at=old, ended_on=timezone.localdate())
    lead_in(cast.other_partnership, last_confirmed_at=old)
    cast.other_partnership.is_active = False
    cast.other_partnership.save()
    assert service.request_stale_confirmations() == 1
    assert service.request_stale_confirmations() == 0
    assert [email.to for email in mail.outbox] == [[stale.email]]
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert service.request_stale_confirmations() == 1
    assert len(mail.outbox) == 2
    assert SentNotification.objects.filter(key__startswith=f"lead-confirm:{stale.pk}:").count() == 2


@pytest.mark.celery
def test_the_task_on_a_real_worker_emails_once_and_the_link_clears_the_stale_flag(cast, celery_worker, client):
    lead = lead_in(cast.partnership, last_confirmed_at=timezone.now() - datetime.timedelta(days=200))
    assert service.is_stale(lead)
    lead_tasks.request_stale_lead_confirmations.delay()
    assert wait_for(lambda: len(mail.outbox) == 1)
    lead_tasks.request_stale_lead_confirmations.delay()
    time.sleep(1.0)
    assert len(mail.outbox) == 1
    path = urlparse(re.search(r"https?://\S+", mail.outbox[0].body).group(0)).path
    assert client.post(path, {"action": "confirm"}).status_code == 200
    lead.refresh_from_db()
    assert not service.is_stale(lead)
    assert lead not in service.stale_leads(cast.partnership)


def test_the_task_is_on_the_beat_schedule():
    schedule = app.conf.beat_schedule
    assert schedule["stale-lead-contact-confirmations"]["task"] == lead_tasks.request_stale_lead_confirmations.name
