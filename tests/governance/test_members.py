"""Membership of the partnership: applications, approval, lapse, leaving, reinstatement, and the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent, Organisation, OrganisationKind, PartnershipOrganisation, Sector
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import members as service

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from .factories import LeadContactFactory

pytestmark = pytest.mark.django_db

Status = PartnershipOrganisation.Status


def add_member(partnership, status=Status.ACTIVE, **organisation):
    return PartnershipOrganisation.objects.create(
        partnership=partnership, organisation=OrganisationFactory(**organisation), status=status
    )


def state_changes(obj):
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.STATE_CHANGE, object_type=obj._meta.label_lower, object_id=str(obj.pk)
        ).order_by("id")
    )


# --- applications ------------------------------------------------------------------------------


def test_an_application_from_the_register_is_recorded_and_audited(cast):
    school = OrganisationFactory(name="Riverside Primary School")
    application = service.record_application(
        partnership=cast.partnership, by=cast.lead, organisation=school, note="Wants to join the forum."
    )
    assert application.status == Status.APPLIED
    assert application.applied_on == timezone.localdate()
    assert application.applied_by == cast.lead
    assert application.application_note == "Wants to join the forum."
    [event] = state_changes(application)
    assert event.actor == cast.lead
    assert event.detail["from"] is None and event.detail["to"] == "applied"
    assert event.partnership_id == cast.partnership.pk


def test_an_application_can_add_a_non_school_organisation(cast):
    application = service.record_application(
        partnership=cast.partnership,
        by=cast.lead,
        new_organisation={
            "name": "Northshire Bereavement Support for Young People",
            "kind": OrganisationKind.VCSO,
            "ods_code": "",
            "charity_number": "1188123",
        },
    )
    organisation = application.organisation
    assert organisation.kind == OrganisationKind.VCSO
    assert organisation.charity_number == "1188123"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(organisation.pk)).exists()


def test_a_school_cannot_be_added_by_hand(cast):
    with pytest.raises(ValidationError, match="register"):
        service.record_application(
            partnership=cast.partnership,
            by=cast.lead,
            new_organisation={"name": "New School", "kind": OrganisationKind.PRIMARY},
        )


@pytest.mark.parametrize("status", list(Status))
def test_an_organisation_already_a_member_cannot_apply_twice(cast, status):
    existing = add_member(cast.partnership, status)
    with pytest.raises(ValidationError, match="already a member of this partnership"):
        service.record_application(partnership=cast.partnership, by=cast.lead, organisation=existing.organisation)
    assert PartnershipOrganisation.objects.filter(organisation=existing.organisation).count() == 1


def test_only_the_area_lead_records_applications(cast):
    with pytest.raises(PermissionError):
        service.record_application(partnership=cast.partnership, by=cast.reader, organisation=OrganisationFactory())


def test_the_register_search_finds_by_name_or_urn_and_returns_at_most_twenty(cast):
    for n in range(25):
        OrganisationFactory(name=f"Oakfield School {n}")
    target = OrganisationFactory(name="Willow Lane Primary School", urn=990012)
    assert service.search_register("oakfield").count() == service.SEARCH_LIMIT
    assert list(service.search_register("990012")) == [target]
    assert list(service.search_register("willow lane")) == [target]
    assert not service.search_register("a").exists()


def test_the_apply_page_searches_then_records_an_application(client, cast):
    school = OrganisationFactory(name="Kingsmead School", urn=990014)
    sign_in(client, cast.lead)
    url = reverse("member_apply", args=[cast.partnership.slug])
    page = client.get(url, {"q": "kingsmead"}).content.decode()
    assert "Kingsmead School" in page and "URN 990014" in page
    response = client.post(url, {"mode": "existing", "q": "kingsmead", "organisation": school.pk, "note": "Keen."})
    application = PartnershipOrganisation.objects.get(partnership=cast.partnership, organisation=school)
    assert response.status_code == 302
    assert response.url == reverse("member_detail", args=[cast.partnership.slug, application.pk])
    assert application.status == Status.APPLIED


def test_the_apply_page_shows_a_clear_error_for_a_second_application(client, cast):
    existing = add_member(cast.partnership, Status.LAPSED, name="Greystones High School")
    sign_in(client, cast.lead)
    url = reverse("member_apply", args=[cast.partnership.slug])
    response = client.post(url, {"mode": "existing", "q": "greystones", "organisation": existing.organisation.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Greystones High School is already a member of this partnership (status: lapsed)" in page


def test_the_apply_page_asks_for_an_organisation(client, cast):
    sign_in(client, cast.lead)
    response = client.post(reverse("member_apply", args=[cast.partnership.slug]), {"mode": "existing", "q": ""})
    assert response.status_code == 200
    assert "Select the organisation that is applying" in response.content.decode()


def test_the_apply_page_adds_a_new_organisation_and_refuses_a_known_ods_code(client, cast):
    Organisation.objects.create(name="Northshire CYPMHS", kind=OrganisationKind.CYPMHS, ods_code="RXN99")
    sign_in(client, cast.lead)
    url = reverse("member_apply", args=[cast.partnership.slug])
    assert "Organisation name" in client.get(url, {"new": "1"}).content.decode()
    duplicate = client.post(url, {"mode": "new", "name": "Another trust", "kind": "cypmhs", "ods_code": "rxn99"})
    assert duplicate.status_code == 200
    assert "ODS code RXN99 is already in the register" in duplicate.content.decode()
    response = client.post(
        url, {"mode": "new", "name": "Northshire Youth Counselling Service", "kind": "vcso", "charity_number": "1177"}
    )
    assert response.status_code == 302
    assert PartnershipOrganisation.objects.get(
        partnership=cast.partnership, organisation__name="Northshire Youth Counselling Service"
    ).status == (Status.APPLIED)


# --- transitions ----------------------------------------------------------------------------------

VALID = [
    ("approve", Status.APPLIED, Status.ACTIVE),
    ("decline", Status.APPLIED, Status.LEFT),
    ("lapse", Status.ACTIVE, Status.LAPSED),
    ("leave", Status.ACTIVE, Status.LEFT),
    ("leave", Status.LAPSED, Status.LEFT),
    ("reinstate", Status.LAPSED, Status.ACTIVE),
]
INVALID = [
    (action, status)
    for action in service.TRANSITIONS
    for status in Status
    if not any(a == action and s == status for a, s, _ in VALID)
]


def _do(action, membership, by):
    if action == "approve":
        return service.approve(member=membership, by=by)
    if action == "reinstate":
        return service.reinstate(member=membership, by=by, note="Attending again.")
    return getattr(service, action)(member=membership, by=by, reason="A reason.")


@pytest.mark.parametrize(("action", "start", "end"), VALID)
def test_valid_transitions_change_status_and_are_audited(cast, action, start, end):
    membership = add_member(cast.partnership, start)
    changed = _do(action, membership, cast.lead)
    assert changed.status == end
    [event] = state_changes(membership)
    assert (event.detail["from"], event.detail["to"]) == (start.value, end.value)
    assert event.actor == cast.lead


@pytest.mark.parametrize(("action", "start"), INVALID)
def test_invalid_transitions_raise_a_clear_error(cast, action, start):
    membership = add_member(cast.partnership, start, name="Brookside Special School")
    with pytest.raises(ValidationError) as raised:
        _do(action, membership, cast.lead)
    assert raised.value.messages[0].startswith("Brookside Special School cannot be")
    assert f"its membership is {start.label.lower()}" in raised.value.messages[0]
    membership.refresh_from_db()
    assert membership.status == start
    assert state_changes(membership) == []


def test_approval_records_who_approved_and_when_the_organisation_joined(cast):
    membership = add_member(cast.partnership, Status.APPLIED)
    approved = service.approve(member=membership, by=cast.lead)
    assert approved.approved_by == cast.lead
    assert approved.approved_at is not None
    assert approved.joined_on == timezone.localdate()


def test_decline_lapse_and_leave_need_a_reason_and_record_dates(cast):
    applied = add_member(cast.partnership, Status.APPLIED)
    with pytest.raises(ValidationError, match="Enter the reason"):
        service.decline(member=applied, by=cast.lead, reason="  ")
    declined = service.decline(member=applied, by=cast.lead, reason="Outside the area.")
    assert declined.status_note == "Outside the area."
    assert declined.left_on == timezone.localdate()
    lapsed = service.lapse(member=add_member(cast.partnership), by=cast.lead, reason="No contact for a year.")
    assert lapsed.lapsed_on == timezone.localdate()
    assert lapsed.status_note == "No contact for a year."
    reinstated = service.reinstate(member=lapsed, by=cast.lead)
    assert reinstated.lapsed_on is None and reinstated.status == Status.ACTIVE


def test_only_the_area_lead_changes_membership(cast):
    with pytest.raises(PermissionError):
        service.approve(member=add_member(cast.partnership, Status.APPLIED), by=cast.reader)


def test_approve_through_the_page_confirms_first(client, cast):
    membership = add_member(cast.partnership, Status.APPLIED, name="Thornbury House School")
    sign_in(client, cast.lead)
    url = reverse("member_approve", args=[cast.partnership.slug, membership.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Approve Thornbury House School&#39;s application?" in page.content.decode()
    membership.refresh_from_db()
    assert membership.status == Status.APPLIED  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.status == Status.ACTIVE and membership.approved_by == cast.lead
    detail = client.get(response.url).content.decode()
    assert "Thornbury House School is now an active member." in detail
    assert cast.lead.full_name in detail


def test_an_invalid_transition_through_the_page_is_an_error_not_a_500(client, cast):
    membership = add_member(cast.partnership, Status.LEFT, name="Fenwick Moor Primary School")
    sign_in(client, cast.lead)
    url = reverse("member_reinstate", args=[cast.partnership.slug, membership.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        page = response.content.decode()
        assert "There is a problem" in page
        assert "Fenwick Moor Primary School cannot be reinstated: its membership is left." in page
        assert "Reinstate membership</button>" not in page
    membership.refresh_from_db()
    assert membership.status == Status.LEFT


def test_declining_through_the_page_asks_for_a_reason(client, cast):
    membership = add_member(cast.partnership, Status.APPLIED)
    sign_in(client, cast.lead)
    url = reverse("member_decline", args=[cast.partnership.slug, membership.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Enter the reason" in response.content.decode()
    assert client.post(url, {"reason": "Not in the area."}).status_code == 302
    membership.refresh_from_db()
    assert membership.status == Status.LEFT and membership.status_note == "Not in the area."


def test_another_partnerships_member_is_not_found(client, cast):
    theirs = add_member(cast.other_partnership, Status.APPLIED)
    sign_in(client, cast.lead)
    for name in ("member_detail", "member_approve"):
        assert client.get(reverse(name, args=[cast.partnership.slug, theirs.pk])).status_code == 404
    assert client.post(reverse("member_approve", args=[cast.partnership.slug, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.APPLIED


# --- the list and the organisation page ---------------------------------------------------------------


def test_the_list_groups_members_by_sector_with_counts_and_filters_by_status(client, cast):
    add_member(cast.partnership, name="Aardvark CYPMHS", kind=OrganisationKind.CYPMHS, urn=None)
    add_member(cast.partnership, Status.LAPSED, name="Zebra Youth Charity", kind=OrganisationKind.VCSO, urn=None)
    sign_in(client, cast.reader)
    page = client.get(reverse("member_list", args=[cast.partnership.slug])).content.decode()
    # The cast's own two organisations are secondary schools.
    education = page.index(f"{Sector.EDUCATION.label} (2)")
    health = page.index(f"{Sector.HEALTH.label} (1)")
    voluntary = page.index("Voluntary and community sector (1)")
    assert education < health < voluntary
    assert "Applications waiting for a decision" not in page  # the reader is not the area lead
    lapsed = client.get(reverse("member_list", args=[cast.partnership.slug]), {"status": "lapsed"}).content.decode()
    assert "Zebra Youth Charity" in lapsed and "Aardvark CYPMHS" not in lapsed


def test_the_area_lead_sees_pending_applications_first(client, cast):
    add_member(cast.partnership, Status.APPLIED, name="Harbourview Primary Academy")
    sign_in(client, cast.lead)
    page = client.get(reverse("member_list", args=[cast.partnership.slug])).content.decode()
    pending = page.index("Applications waiting for a decision (1)")
    assert pending < page.index("Harbourview Primary Academy") < page.index("All members")


def test_the_list_is_paginated_and_keeps_its_filter(client, cast):
    for n in range(30):
        add_member(cast.partnership, name=f"School {n:02d}")
    sign_in(client, cast.lead)
    url = reverse("member_list", args=[cast.partnership.slug])
    first = client.get(url, {"status": "active"}).content.decode()
    assert "status=active&amp;page=2" in first
    second = client.get(url, {"status": "active", "page": 2}).content.decode()
    assert "School 29" in second and "School 00" not in second


def test_the_organisation_page_shows_details_membership_and_leads(client, cast):
    membership = add_member(
        cast.partnership,
        Status.APPLIED,
        name="Castlegate Community College",
        urn=990007,
        phase="Secondary",
        pupil_count=1420,
        fsm_percent="31.70",
        postcode="NS1 8MN",
    )
    service.approve(member=membership, by=cast.lead)
    confirmed = timezone.now() - datetime.timedelta(days=200)
    old = LeadContactFactory(member=membership, name="Former Lead", last_confirmed_at=confirmed)
    from partnership.services import leads

    leads.replace_lead(lead=old, by=cast.lead, name="Current Lead", email="current@school.example", reason="Retired")
    current = membership.lead_contacts.get(ended_on__isnull=True)
    current.last_confirmed_at = confirmed
    current.save()
    sign_in(client, cast.reader)
    page = client.get(reverse("member_detail", args=[cast.partnership.slug, membership.pk])).content.decode()
    for text in ("990007", "Secondary", "1420", "31.70%", "NS1 8MN", "Active", cast.lead.full_name):
        assert text in page, text
    assert f"Stale: not confirmed since {timezone.localtime(confirmed):%-d %B %Y}" in page
    assert "Former Lead" in page and "Retired" in page and "Replaced by Current Lead" in page
    assert "Approve the application" not in page  # the reader cannot change membership


def test_the_organisation_page_names_missing_lead_kinds(client, cast):
    membership = add_member(cast.partnership, name="Northshire CYPMHS", kind=OrganisationKind.CYPMHS, urn=None)
    sign_in(client, cast.lead)
    page = client.get(reverse("member_detail", args=[cast.partnership.slug, membership.pk])).content.decode()
    assert "a cypmhs named link (missing)" in page
    assert "a single point of access contact (missing)" in page
    assert "mhst link (missing)" not in page


def test_a_member_with_own_organisation_rights_sees_change_links_only_for_their_own(client, cast):
    school = OrganisationFactory(name="Hillcrest Academy")
    user = member(cast.partnership, Role.SCHOOL_MH_LEAD, organisation=school, totp=True)
    own = PartnershipOrganisation.objects.get(partnership=cast.partnership, organisation=school)
    other = add_member(cast.partnership)
    sign_in(client, user)
    assert (
        "Add a lead contact"
        in client.get(reverse("member_detail", args=[cast.partnership.slug, own.pk])).content.decode()
    )
    assert (
        "Add a lead contact"
        not in client.get(reverse("member_detail", args=[cast.partnership.slug, other.pk])).content.decode()
    )


# --- demo data ---------------------------------------------------------------------------------------


def test_the_demo_has_applications_a_lapsed_member_and_stale_missing_and_replaced_leads():
    from demo.seed import seed_demo
    from partnership.models import LeadContact
    from partnership.services import leads

    partnership = seed_demo()
    shape = lambda: (  # noqa: E731
        sorted(
            PartnershipOrganisation.objects.filter(partnership=partnership).values_list("organisation__name", "status")
        ),
        LeadContact.objects.count(),
        Organisation.objects.count(),
    )
    first = shape()
    seed_demo()
    assert shape() == first
    members = PartnershipOrganisation.objects.filter(partnership=partnership)
    assert set(members.filter(status=Status.APPLIED).values_list("organisation__name", flat=True)) == {
        "Northshire Bereavement Support for Young People",
        "Northshire Youth Counselling Service",
    }
    assert members.filter(status=Status.LAPSED).count() == 1
    stale = list(leads.stale_leads(partnership))
    assert 3 <= len(stale) < LeadContact.objects.filter(ended_on__isnull=True).count()
    assert len(leads.missing_leads(partnership)) >= 2
    former = LeadContact.objects.get(member__partnership=partnership, ended_on__isnull=False)
    assert former.replaced_by.user.email == "school.lead@northshire.example"
