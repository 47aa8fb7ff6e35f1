"""Bad input found in review: each gets a clear error, never a 500 or an aborted import."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import (
    DirectoryService,
    GroupMember,
    LeadContact,
    Meeting,
    Organisation,
    PartnershipOrganisation,
)
from partnership.roles import Role
from partnership.services import leads as lead_service

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from .factories import GroupFactory, TermsOfReferenceFactory
from .test_directory import form_data
from .test_gias import run, school, write
from .test_leads import lead_in

pytestmark = pytest.mark.django_db
SUPERSCRIPT_TWO = "\u00b2"  # "²".isdigit() is True, but int("²") fails


def test_an_over_long_email_on_the_public_lead_link_is_a_form_error(client, cast):
    lead = lead_in(cast.partnership)
    lead_service.request_confirmation(lead)
    lead.refresh_from_db()
    token = lead_service.make_token(lead)
    email = "a" * 250 + "@example.org"
    response = client.post(
        reverse("lead_confirm", args=[token]), {"action": "replace", "name": "New Lead", "email": email}
    )
    assert response.status_code == 200
    assert "254 characters or fewer" in response.content.decode()
    assert LeadContact.objects.count() == 1


def test_an_absurd_typical_wait_is_a_form_error(client, cast):
    provider = OrganisationFactory()
    PartnershipOrganisation.objects.create(partnership=cast.partnership, organisation=provider, status="active")
    sign_in(client, cast.lead)
    response = client.post(
        reverse("directory_create", args=[cast.partnership.slug]), form_data(provider, typical_wait_days="99999999999")
    )
    assert response.status_code == 200
    assert "3650 days" in response.content.decode()
    assert not DirectoryService.objects.exists()


def test_non_ascii_digits_in_query_strings_are_ignored(client, cast):
    sign_in(client, cast.lead)
    meetings = reverse("meeting_list", args=[cast.partnership.slug])
    assert client.get(meetings, {"group": SUPERSCRIPT_TWO}).status_code == 200
    apply = reverse("member_apply", args=[cast.partnership.slug])
    assert client.get(apply, {"q": SUPERSCRIPT_TWO * 2}).status_code == 200


def test_a_schedule_far_in_the_future_is_a_form_error(client, cast):
    group = GroupFactory(partnership=cast.partnership)
    TermsOfReferenceFactory(group=group, status="published")
    sign_in(client, cast.lead)
    url = reverse("meeting_schedule", args=[cast.partnership.slug, group.pk])
    response = client.post(url, {"first_date": "9999-06-01", "time": "10:00", "location": "County Hall"})
    assert response.status_code == 200
    assert "within five years of today" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_seat_cannot_start_in_the_future(client, cast):
    group = GroupFactory(partnership=cast.partnership)
    person = member(cast.partnership, Role.STEERING_MEMBER)
    membership = person.memberships.get()
    sign_in(client, cast.lead)
    future = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(
        reverse("group_seat_add", args=[cast.partnership.slug, group.pk]),
        {"membership": membership.pk, "role": "member", "joined_on": future.isoformat()},
    )
    assert response.status_code == 200
    assert "today or in the past" in response.content.decode()
    assert not GroupMember.objects.exists()


def test_a_huge_pupil_count_is_a_bad_row_not_an_aborted_import(tmp_path):
    path = write(tmp_path / "gias.csv", [school(100001), school(100002, NumberOfPupils="99999999999")])
    report = run(path)
    assert report.created == 1
    assert [bad.line for bad in report.bad_rows] == [3]
    assert "too large" in str(report.bad_rows[0])
    assert Organisation.objects.filter(urn=100001).exists()
