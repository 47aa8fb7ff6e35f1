"""Groups and their seats: the service rules (membership, liaison, one chair), and the pages."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent, Group, GroupMember, Membership, OrganisationKind, TermsOfReference
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import groups as service

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from .factories import GroupFactory, GroupMemberFactory, TermsOfReferenceFactory

pytestmark = pytest.mark.django_db

Seat = GroupMember.SeatRole


def membership_of(user, partnership) -> Membership:
    return Membership.objects.get(user=user, partnership=partnership)


@pytest.fixture
def group(cast):
    return GroupFactory(partnership=cast.partnership, name="Steering group")


@pytest.fixture
def forum(cast):
    return GroupFactory(partnership=cast.partnership, name="Schools forum", kind=Group.Kind.FORUM)


def page(client, user, name, *args):
    sign_in(client, user)
    return client.get(reverse(name, args=args))


# --- service: seats ----------------------------------------------------------------------------
def test_add_seat_uses_the_organisation_the_person_acts_for_and_is_audited(cast, group):
    school = OrganisationFactory(name="Hillcrest Academy")
    person = member(cast.partnership, Role.SCHOOL_MH_LEAD, organisation=school)
    seat = service.add_seat(
        group=group, by=cast.lead, membership=membership_of(person, cast.partnership), role=Seat.MEMBER
    )
    assert seat.organisation == school
    assert seat.joined_on == timezone.localdate()
    assert seat.left_on is None
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="partnership.groupmember")
    assert event.object_id == str(seat.pk)
    assert event.partnership_id == cast.partnership.pk
    assert event.detail["role"] == "member"


def test_add_seat_refuses_a_member_of_another_partnership(cast, group):
    stranger = member(cast.other_partnership, Role.STEERING_MEMBER)
    with pytest.raises(ValidationError) as error:
        service.add_seat(
            group=group, by=cast.lead, membership=membership_of(stranger, cast.other_partnership), role=Seat.MEMBER
        )
    assert "active member of the partnership" in str(error.value)
    assert not GroupMember.objects.exists()


def test_add_seat_refuses_an_inactive_membership(cast, group):
    person = member(cast.partnership, Role.STEERING_MEMBER)
    membership = membership_of(person, cast.partnership)
    membership.is_active = False
    membership.save()
    with pytest.raises(ValidationError):
        service.add_seat(group=group, by=cast.lead, membership=membership, role=Seat.MEMBER)


def test_a_person_holds_one_current_seat_per_group(cast, group):
    membership = membership_of(cast.reader, cast.partnership)
    service.add_seat(group=group, by=cast.lead, membership=membership, role=Seat.MEMBER)
    with pytest.raises(ValidationError) as error:
        service.add_seat(group=group, by=cast.lead, membership=membership, role=Seat.VICE_CHAIR)
    assert "already has a seat" in str(error.value)


def test_a_group_has_one_current_chair(cast, group):
    service.add_seat(group=group, by=cast.lead, membership=membership_of(cast.lead, cast.partnership), role=Seat.CHAIR)
    with pytest.raises(ValidationError) as error:
        service.add_seat(
            group=group, by=cast.lead, membership=membership_of(cast.reader, cast.partnership), role=Seat.CHAIR
        )
    assert error.value.error_dict["role"][0].messages == [
        f"This group already has a chair ({cast.lead}). End the current chair's seat first"
    ]


def test_a_new_chair_can_be_seated_once_the_old_chair_has_left(cast, group):
    chair = service.add_seat(
        group=group, by=cast.lead, membership=membership_of(cast.lead, cast.partnership), role=Seat.CHAIR
    )
    service.end_seat(seat=chair, by=cast.lead)
    new = service.add_seat(
        group=group, by=cast.lead, membership=membership_of(cast.reader, cast.partnership), role=Seat.CHAIR
    )
    assert service.current_chair(group) == new
    assert GroupMember.objects.filter(group=group).count() == 2


def test_a_liaison_seat_must_name_its_group(cast, group):
    with pytest.raises(ValidationError) as error:
        service.add_seat(
            group=group, by=cast.lead, membership=membership_of(cast.reader, cast.partnership), role=Seat.LIAISON
        )
    assert error.value.error_dict["liaison_from"][0].messages == ["Select the group the liaison comes from"]


def test_a_liaison_must_be_a_current_member_of_the_group_they_come_from(cast, group, forum):
    membership = membership_of(cast.reader, cast.partnership)
    with pytest.raises(ValidationError) as error:
        service.add_seat(group=group, by=cast.lead, membership=membership, role=Seat.LIAISON, liaison_from=forum)
    assert "is not a current member of Schools forum" in str(error.value)

    forum_seat = service.add_seat(group=forum, by=cast.lead, membership=membership, role=Seat.CHAIR)
    seat = service.add_seat(group=group, by=cast.lead, membership=membership, role=Seat.LIAISON, liaison_from=forum)
    assert seat.liaison_from == forum

    service.end_seat(seat=forum_seat, by=cast.lead)
    other = GroupFactory(partnership=cast.partnership)
    with pytest.raises(ValidationError):
        service.add_seat(group=other, by=cast.lead, membership=membership, role=Seat.LIAISON, liaison_from=forum)


def test_a_liaison_cannot_come_from_another_partnership_or_the_same_group(cast, group):
    elsewhere = GroupFactory(partnership=cast.other_partnership)
    membership = membership_of(cast.reader, cast.partnership)
    for source in (elsewhere, group):
        with pytest.raises(ValidationError) as error:
            service.add_seat(group=group, by=cast.lead, membership=membership, role=Seat.LIAISON, liaison_from=source)
        assert error.value.error_dict["liaison_from"][0].messages == ["Select another group of this partnership"]


def test_a_seat_that_is_not_liaison_names_no_source_group(cast, group, forum):
    seat = service.add_seat(
        group=group,
        by=cast.lead,
        membership=membership_of(cast.reader, cast.partnership),
        role=Seat.MEMBER,
        liaison_from=forum,
    )
    assert seat.liaison_from is None


def test_ending_a_seat_keeps_it_as_history_and_is_audited(cast, group):
    seat = GroupMemberFactory(group=group, joined_on=timezone.localdate() - datetime.timedelta(days=30))
    ended = service.end_seat(seat=seat, by=cast.lead)
    assert ended.left_on == timezone.localdate()
    assert GroupMember.objects.filter(pk=seat.pk).exists()
    assert not group.seats.current().exists()
    assert AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(seat.pk)).exists()
    with pytest.raises(ValidationError):
        service.end_seat(seat=seat, by=cast.lead)


def test_a_seat_cannot_end_before_it_started(cast, group):
    seat = GroupMemberFactory(group=group)
    with pytest.raises(ValidationError):
        service.end_seat(seat=seat, by=cast.lead, left_on=seat.joined_on - datetime.timedelta(days=1))


def test_group_names_are_unique_in_a_partnership(cast, group):
    with pytest.raises(ValidationError) as error:
        service.create_group(partnership=cast.partnership, by=cast.lead, name="steering group ", kind="steering")
    assert "already a group with this name" in str(error.value)
    other = service.create_group(partnership=cast.other_partnership, by=cast.outsider, name=group.name, kind="forum")
    assert other.partnership == cast.other_partnership


def test_update_group_audits_what_changed(cast, group):
    service.update_group(group=group, by=cast.lead, name="Renamed", summary=group.summary)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="partnership.group")
    assert event.detail["changed"] == {"name": ["Steering group", "Renamed"]}


# --- pages: groups -----------------------------------------------------------------------------
def test_group_list_filters_by_kind_and_keeps_the_filter(client, cast, group, forum):
    GroupFactory(partnership=cast.other_partnership, name="Not ours", kind=Group.Kind.FORUM)
    sign_in(client, cast.reader)
    url = reverse("group_list", args=[cast.partnership.slug])
    body = client.get(url).content.decode()
    assert "Steering group" in body and "Schools forum" in body and "Not ours" not in body
    body = client.get(url + "?kind=forum").content.decode()
    assert "Schools forum" in body
    assert reverse("group_detail", args=[cast.partnership.slug, group.pk]) not in body
    assert '<strong aria-current="page">Forums</strong>' in body
    body = client.get(url + "?kind=working").content.decode()
    assert "There are no groups of this type." in body


def test_group_list_pages_keep_the_filter(client, cast):
    for n in range(26):
        GroupFactory(partnership=cast.partnership, name=f"Forum {n:02d}", kind=Group.Kind.FORUM)
    sign_in(client, cast.reader)
    body = client.get(reverse("group_list", args=[cast.partnership.slug]) + "?kind=forum").content.decode()
    assert "?page=2&amp;kind=forum" in body
    assert "Forum 24" in body and "Forum 25" not in body


def test_group_list_says_when_there_are_no_groups(client, cast):
    body = page(client, cast.reader, "group_list", cast.partnership.slug).content.decode()
    assert "The partnership has no groups yet." in body
    assert "Save publishing choice" not in body  # the switch is for the area lead only


def test_the_lead_switches_public_pages_on_and_off(client, cast):
    sign_in(client, cast.lead)
    url = reverse("group_list", args=[cast.partnership.slug])
    response = client.post(url, {"publishes_public_pages": "on"})
    assert response.status_code == 302
    cast.partnership.refresh_from_db()
    assert cast.partnership.publishes_public_pages
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="partnership.partnership")
    assert event.detail["changed"] == {"publishes_public_pages": ["False", "True"]}
    client.post(url, {})
    cast.partnership.refresh_from_db()
    assert not cast.partnership.publishes_public_pages


def test_a_reader_cannot_switch_public_pages_on(client, cast):
    sign_in(client, cast.reader)
    response = client.post(reverse("group_list", args=[cast.partnership.slug]), {"publishes_public_pages": "on"})
    assert response.status_code == 403
    cast.partnership.refresh_from_db()
    assert not cast.partnership.publishes_public_pages


def test_create_group_shows_errors_then_creates(client, cast, group):
    sign_in(client, cast.lead)
    url = reverse("group_create", args=[cast.partnership.slug])
    body = client.post(url, {"name": "", "kind": ""}).content.decode()
    assert "There is a problem" in body and "Enter the name of the group" in body and "Select the type of group" in body
    body = client.post(url, {"name": "Steering group", "kind": "forum"}).content.decode()
    assert "There is already a group with this name in the partnership" in body
    response = client.post(url, {"name": "Data and Outcomes Working Group", "kind": "working", "summary": "Data."})
    created = Group.objects.get(name="Data and Outcomes Working Group")
    assert response.url == reverse("group_detail", args=[cast.partnership.slug, created.pk])
    assert created.partnership == cast.partnership


def test_edit_group_saves_and_an_unticked_box_makes_it_inactive(client, cast, group):
    sign_in(client, cast.lead)
    url = reverse("group_edit", args=[cast.partnership.slug, group.pk])
    response = client.post(url, {"name": "CYP Steering Group", "kind": "steering", "summary": "Leads."})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "CYP Steering Group" and not group.is_active


def test_group_page_shows_chair_first_liaison_source_sector_and_former_seats(client, cast, group, forum):
    cypmhs = OrganisationFactory(cypmhs=True, name="Northshire CYPMHS")
    chair = member(cast.partnership, Role.DUTY_LEAD, organisation=cypmhs, full_name="Zara Chair")
    liaison = member(cast.partnership, Role.SCHOOL_MH_LEAD, full_name="Lee Liaison")
    GroupMemberFactory(group=group, user=cast.reader, organisation=OrganisationFactory(), role=Seat.MEMBER)
    GroupMemberFactory(group=group, user=chair, organisation=cypmhs, role=Seat.CHAIR)
    GroupMemberFactory(group=forum, user=liaison, role=Seat.CHAIR)
    GroupMemberFactory(group=group, user=liaison, role=Seat.LIAISON, liaison_from=forum)
    GroupMemberFactory(
        group=group,
        user=member(cast.partnership, Role.COMMISSIONER, full_name="Former Person"),
        joined_on=datetime.date(2024, 1, 10),
        left_on=datetime.date(2025, 3, 31),
    )
    body = page(client, cast.reader, "group_detail", cast.partnership.slug, group.pk).content.decode()
    current = body.split("<h2>Current members</h2>")[1].split("<h2>Former members</h2>")[0]
    assert current.index("Zara Chair") < current.index(cast.reader.full_name)
    assert "Northshire CYPMHS" in current and "Health" in current
    assert "Strategic liaison from Schools forum" in current
    assert "Former Person" not in current
    former = body.split("<h2>Former members</h2>")[1]
    assert "Former Person" in former and "31 March 2025" in former
    assert "End seat" not in body  # the reader cannot change seats


@pytest.mark.parametrize(
    ("days", "text"), [(10, "Review due"), (-1, "Review overdue"), (90, None)], ids=["due", "overdue", "later"]
)
def test_group_page_says_when_the_review_is_due(client, cast, group, days, text):
    TermsOfReferenceFactory(
        group=group,
        status=TermsOfReference.Status.PUBLISHED,
        review_date=timezone.localdate() + datetime.timedelta(days=days),
    )
    body = page(client, cast.reader, "group_detail", cast.partnership.slug, group.pk).content.decode()
    if text:
        assert text in body
    else:
        assert "Review due" not in body and "Review overdue" not in body


def test_another_partnerships_group_is_not_found(client, cast):
    elsewhere = GroupFactory(partnership=cast.other_partnership)
    seat = GroupMemberFactory(group=elsewhere)
    sign_in(client, cast.lead)
    slug = cast.partnership.slug
    assert client.get(reverse("group_detail", args=[slug, elsewhere.pk])).status_code == 404
    assert client.get(reverse("group_edit", args=[slug, elsewhere.pk])).status_code == 404
    assert client.get(reverse("group_seat_add", args=[slug, elsewhere.pk])).status_code == 404
    assert client.get(reverse("group_seat_end", args=[slug, elsewhere.pk, seat.pk])).status_code == 404


# --- pages: seats ------------------------------------------------------------------------------
def test_add_seat_page_adds_a_seat(client, cast, group):
    sign_in(client, cast.lead)
    membership = membership_of(cast.reader, cast.partnership)
    response = client.post(
        reverse("group_seat_add", args=[cast.partnership.slug, group.pk]),
        {"membership": membership.pk, "role": "vice_chair", "liaison_from": "", "joined_on": "2026-01-05"},
    )
    assert response.status_code == 302
    seat = group.seats.get()
    assert (seat.user, seat.organisation, seat.role, seat.joined_on) == (
        cast.reader,
        membership.organisation,
        "vice_chair",
        datetime.date(2026, 1, 5),
    )


def test_add_seat_page_offers_only_this_partnerships_people(client, cast, group):
    stranger = member(cast.other_partnership, Role.STEERING_MEMBER, full_name="Stranger Danger")
    body = page(client, cast.lead, "group_seat_add", cast.partnership.slug, group.pk).content.decode()
    assert cast.reader.full_name in body
    assert "Stranger Danger" not in body
    response = client.post(
        reverse("group_seat_add", args=[cast.partnership.slug, group.pk]),
        {"membership": membership_of(stranger, cast.other_partnership).pk, "role": "member"},
    )
    assert response.status_code == 200
    assert "Select a person who is an active member of the partnership" in response.content.decode()
    assert not GroupMember.objects.exists()


def test_add_seat_page_explains_a_second_chair_and_offers_to_end_the_first(client, cast, group):
    chair = GroupMemberFactory(group=group, user=cast.lead, role=Seat.CHAIR)
    sign_in(client, cast.lead)
    url = reverse("group_seat_add", args=[cast.partnership.slug, group.pk])
    response = client.post(url, {"membership": membership_of(cast.reader, cast.partnership).pk, "role": "chair"})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "This group already has a chair" in body
    assert reverse("group_seat_end", args=[cast.partnership.slug, group.pk, chair.pk]) in body


def test_add_seat_page_shows_liaison_errors(client, cast, group, forum):
    sign_in(client, cast.lead)
    url = reverse("group_seat_add", args=[cast.partnership.slug, group.pk])
    membership = membership_of(cast.reader, cast.partnership)
    body = html.unescape(client.post(url, {"membership": membership.pk, "role": "liaison"}).content.decode())
    assert "Select the group the liaison comes from" in body
    response = client.post(url, {"membership": membership.pk, "role": "liaison", "liaison_from": forum.pk})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "is not a current member of Schools forum" in body
    assert 'href="#id_liaison_from"' in body


def test_add_seat_page_refuses_a_liaison_group_of_another_partnership(client, cast, group):
    elsewhere = GroupFactory(partnership=cast.other_partnership)
    sign_in(client, cast.lead)
    response = client.post(
        reverse("group_seat_add", args=[cast.partnership.slug, group.pk]),
        {
            "membership": membership_of(cast.reader, cast.partnership).pk,
            "role": "liaison",
            "liaison_from": elsewhere.pk,
        },
    )
    assert response.status_code == 200
    assert "Select another group of this partnership" in response.content.decode()


def test_end_seat_asks_first_then_ends_it(client, cast, group):
    seat = GroupMemberFactory(
        group=group, user=cast.reader, joined_on=timezone.localdate() - datetime.timedelta(days=100)
    )
    url = reverse("group_seat_end", args=[cast.partnership.slug, group.pk, seat.pk])
    body = page(client, cast.lead, "group_seat_end", cast.partnership.slug, group.pk, seat.pk).content.decode()
    assert "End seat" in body
    seat.refresh_from_db()
    assert seat.left_on is None
    body = client.post(url, {"left_on": "1999-01-01"}).content.decode()
    assert "There is a problem" in body and "must be on or after" in body
    response = client.post(url, {"left_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.left_on == timezone.localdate()
    # An ended seat has no end page.
    assert client.get(url).status_code == 404


# --- demo ------------------------------------------------------------------------------------------
def test_demo_groups_are_seeded_once():
    from demo.governance.groups import DATA_GROUP_NAME, FORUM_NAME, STEERING_GROUP_NAME
    from demo.seed import seed_demo

    partnership = seed_demo()
    counts = (Group.objects.count(), GroupMember.objects.count(), TermsOfReference.objects.count())
    seed_demo()
    assert (Group.objects.count(), GroupMember.objects.count(), TermsOfReference.objects.count()) == counts
    partnership.refresh_from_db()
    assert partnership.publishes_public_pages
    steering = Group.objects.get(partnership=partnership, name=STEERING_GROUP_NAME)
    forum = Group.objects.get(partnership=partnership, name=FORUM_NAME)
    assert Group.objects.filter(partnership=partnership, name=DATA_GROUP_NAME, kind="working").exists()
    assert service.current_chair(steering).user.email == "area.lead@northshire.example"
    liaison = steering.seats.current().get(role=Seat.LIAISON)
    assert liaison.liaison_from == forum
    assert service.current_chair(forum).user == liaison.user
    statuses = dict(steering.terms.values_list("version", "status"))
    assert statuses == {1: "superseded", 2: "published", 3: "draft"}
    v2 = steering.terms.get(version=2)
    assert (v2.quorum, sorted(v2.quorum_sectors), v2.meeting_frequency) == (4, ["education", "health"], "bimonthly")
    assert service.diff_terms(v2, steering.terms.get(version=3))
    assert forum.published_terms().meeting_frequency == "quarterly"
    assert OrganisationKind.ICB in {m.organisation.kind for m in steering.seats.current()}
