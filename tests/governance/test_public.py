"""The public pages: no sign-in, only for partnerships that publish them, and only published content.

Nothing about people beyond a steering group member's name, seat and organisation: no email
addresses, phone numbers, lead contacts, actions or risks.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import Group, GroupMember, Meeting, PartnershipOrganisation, TermsOfReference
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory, member
from .factories import (
    ActionFactory,
    GroupFactory,
    GroupMemberFactory,
    LeadContactFactory,
    MeetingFactory,
    RiskFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db

Status = TermsOfReference.Status
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b")


@pytest.fixture
def partnership():
    return PartnershipFactory(slug="northshire", name="Northshire CYP Partnership", publishes_public_pages=True)


@pytest.fixture
def steering(partnership):
    return GroupFactory(partnership=partnership, name="Northshire Steering Group", kind=Group.Kind.STEERING)


def public_page(client, partnership):
    response = client.get(reverse("public_partnership", args=[partnership.slug]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def public_terms(client, partnership, group):
    return client.get(reverse("public_terms", args=[partnership.slug, group.pk]))


def test_the_public_page_needs_no_sign_in(client, partnership):
    body = public_page(client, partnership)
    assert "<h1>Northshire CYP Partnership</h1>" in body


def test_a_partnership_that_does_not_publish_has_no_public_pages(client, partnership, steering):
    TermsOfReferenceFactory(group=steering, status=Status.PUBLISHED)
    partnership.publishes_public_pages = False
    partnership.save()
    assert client.get(reverse("public_partnership", args=[partnership.slug])).status_code == 404
    assert public_terms(client, partnership, steering).status_code == 404


def test_an_inactive_partnership_has_no_public_pages(client, partnership, steering):
    TermsOfReferenceFactory(group=steering, status=Status.PUBLISHED)
    partnership.is_active = False
    partnership.save()
    assert client.get(reverse("public_partnership", args=[partnership.slug])).status_code == 404
    assert public_terms(client, partnership, steering).status_code == 404


def test_an_unknown_partnership_is_not_found(client):
    assert client.get(reverse("public_partnership", args=["nowhere"])).status_code == 404


def test_signed_in_people_of_other_partnerships_see_the_same_public_page(client, cast, partnership):
    sign_in(client, cast.outsider)
    assert "Northshire CYP Partnership" in public_page(client, partnership)


def test_members_are_listed_by_sector_and_only_when_active(client, partnership):
    school = OrganisationFactory(name="Hillcrest Academy")
    cypmhs = OrganisationFactory(cypmhs=True, name="Northshire CYPMHS")
    PartnershipOrganisationFactory(partnership=partnership, organisation=school)
    PartnershipOrganisationFactory(partnership=partnership, organisation=cypmhs)
    for status in ("applied", "lapsed", "left"):
        PartnershipOrganisationFactory(
            partnership=partnership, organisation=OrganisationFactory(name=f"School {status}"), status=status
        )
    PartnershipOrganisationFactory(organisation=OrganisationFactory(name="Elsewhere School"))
    body = public_page(client, partnership)
    members = body.split("<h2>Member organisations</h2>")[1].split("<h2>")[0]
    assert members.index("<h3>Schools and colleges</h3>") < members.index("Hillcrest Academy")
    assert members.index("<h3>Health</h3>") < members.index("Northshire CYPMHS")
    assert members.index("Hillcrest Academy") < members.index("<h3>Health</h3>")
    for absent in ("School applied", "School lapsed", "School left", "Elsewhere School"):
        assert absent not in body
    assert PartnershipOrganisation.objects.count() == 6


def test_the_steering_group_shows_names_seats_and_organisations_only(client, partnership, steering):
    icb = OrganisationFactory(icb=True, name="NHS Northshire ICB")
    chair = member(partnership, Role.AREA_LEAD, organisation=icb, full_name="Alex Chair", email="alex@icb.example")
    GroupMemberFactory(group=steering, user=chair, organisation=icb, role=GroupMember.SeatRole.CHAIR)
    GroupMemberFactory(
        group=steering,
        user=member(partnership, Role.STEERING_MEMBER, full_name="Gone Person"),
        left_on=timezone.localdate(),
    )
    forum = GroupFactory(partnership=partnership, name="Schools forum", kind=Group.Kind.FORUM)
    GroupMemberFactory(group=forum, user=member(partnership, Role.SCHOOL_MH_LEAD, full_name="Forum Only"))
    body = public_page(client, partnership)
    seats = body.split("<h2>Northshire Steering Group</h2>")[1].split("<h2>")[0]
    assert "Alex Chair" in seats and "Chair" in seats and "NHS Northshire ICB" in seats
    assert "Gone Person" not in body
    assert "Forum Only" not in body  # only the steering group's membership is public
    assert "alex@icb.example" not in body


def test_no_email_addresses_phone_numbers_lead_contacts_actions_or_risks(client, partnership, steering):
    school = OrganisationFactory(name="Riverside Primary School")
    membership = PartnershipOrganisationFactory(partnership=partnership, organisation=school)
    contact = LeadContactFactory(
        member=membership, name="Lena Lead-Contact", email="lena@riverside.example", phone="01632 960 123"
    )
    person = member(partnership, Role.STEERING_MEMBER, organisation=school, email="sam@riverside.example")
    GroupMemberFactory(group=steering, user=person, organisation=school)
    ActionFactory(partnership=partnership, title="Secret action title", owner=person, owner_organisation=school)
    RiskFactory(partnership=partnership, title="Secret risk title")
    TermsOfReferenceFactory(group=steering, status=Status.PUBLISHED)
    MeetingFactory(group=steering, location="Room 12, County Hall", agenda="Secret agenda item")
    for body in (
        public_page(client, partnership),
        html.unescape(public_terms(client, partnership, steering).content.decode()),
    ):
        assert EMAIL.search(body) is None
        assert PHONE.search(body) is None
        for secret in (
            contact.name,
            contact.email,
            contact.phone,
            "Secret action",
            "Secret risk",
            "Room 12",
            "Secret agenda",
        ):
            assert secret not in body


def test_only_published_terms_are_linked(client, partnership, steering):
    TermsOfReferenceFactory(group=steering, version=1, status=Status.SUPERSEDED)
    TermsOfReferenceFactory(group=steering, version=2, status=Status.PUBLISHED)
    TermsOfReferenceFactory(group=steering, version=3, status=Status.DRAFT)
    drafting = GroupFactory(partnership=partnership, name="Drafting Forum", kind=Group.Kind.FORUM)
    TermsOfReferenceFactory(group=drafting, status=Status.DRAFT)
    approved = GroupFactory(partnership=partnership, name="Approved Working Group", kind=Group.Kind.WORKING)
    TermsOfReferenceFactory(group=approved, status=Status.APPROVED)
    body = public_page(client, partnership)
    terms = body.split("<h2>Terms of reference</h2>")[1].split("<h2>")[0]
    assert reverse("public_terms", args=[partnership.slug, steering.pk]) in terms
    assert "Drafting Forum" not in terms and "Approved Working Group" not in terms


def test_the_public_terms_are_the_published_version_only(client, partnership, steering):
    TermsOfReferenceFactory(group=steering, version=1, status=Status.SUPERSEDED, purpose="Old purpose.")
    TermsOfReferenceFactory(
        group=steering, version=2, status=Status.PUBLISHED, purpose="Published purpose.", quorum_sectors=["health"]
    )
    TermsOfReferenceFactory(group=steering, version=3, status=Status.DRAFT, purpose="Draft purpose.")
    response = public_terms(client, partnership, steering)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Published purpose." in body and "Version 2" in body and "Health" in body
    assert "Old purpose." not in body and "Draft purpose." not in body


@pytest.mark.parametrize("status", [Status.DRAFT, Status.APPROVED, Status.SUPERSEDED])
def test_a_group_without_published_terms_has_no_public_terms(client, partnership, steering, status):
    TermsOfReferenceFactory(group=steering, status=status)
    assert public_terms(client, partnership, steering).status_code == 404


def test_another_partnerships_terms_are_not_found_under_this_slug(client, partnership):
    other = PartnershipFactory(publishes_public_pages=True)
    theirs = GroupFactory(partnership=other)
    TermsOfReferenceFactory(group=theirs, status=Status.PUBLISHED)
    assert public_terms(client, partnership, theirs).status_code == 404
    assert public_terms(client, other, theirs).status_code == 200


def test_an_inactive_groups_terms_are_not_public(client, partnership, steering):
    TermsOfReferenceFactory(group=steering, status=Status.PUBLISHED)
    steering.is_active = False
    steering.save()
    assert public_terms(client, partnership, steering).status_code == 404


def test_upcoming_meeting_dates_and_group_names_only(client, partnership, steering):
    soon = timezone.now() + datetime.timedelta(days=20)
    MeetingFactory(group=steering, starts_at=soon, location="Committee Room 2")
    MeetingFactory(group=steering, starts_at=soon + datetime.timedelta(days=1), status=Meeting.Status.CANCELLED)
    MeetingFactory(group=steering, starts_at=timezone.now() - datetime.timedelta(days=3))
    MeetingFactory(group=GroupFactory(name="Elsewhere Group"), starts_at=soon)
    body = public_page(client, partnership)
    meetings = body.split("<h2>Upcoming meetings</h2>")[1].split("</ul>")[0]
    assert f"{timezone.localtime(soon):%-d %B %Y}: Northshire Steering Group" in meetings
    cancelled = timezone.localtime(soon + datetime.timedelta(days=1))
    assert f"{cancelled:%-d %B %Y}:" not in meetings
    assert "Elsewhere Group" not in meetings and "Committee Room 2" not in body
    assert meetings.count("<li>") == 1
