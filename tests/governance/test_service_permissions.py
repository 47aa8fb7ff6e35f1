"""Services check permissions themselves (ADR 0008): a view that forgets is not a hole.

Each governance write below is refused (PermissionDenied) to an area lead of another partnership
and to a steering member of the same partnership, and a refusal writes nothing: no row changes and
no audit event. The same call made by the partnership's area lead succeeds, so each refusal is the
permission check and nothing else.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.forms.actions import ProgressForm
from partnership.models import (
    Action,
    ActionUpdate,
    AuditEvent,
    DirectoryService,
    FundingStream,
    Group,
    GroupMember,
    Membership,
    Partnership,
    Risk,
    ServiceSchedule,
    SustainabilityPlan,
    TermsOfReference,
)
from partnership.roles import Role
from partnership.services import actions as action_service
from partnership.services import directory as directory_service
from partnership.services import groups as group_service
from partnership.services import risks as risk_service
from partnership.services import sustainability as plan_service

from ..conftest import sign_in
from ..factories import MembershipFactory, PartnershipFactory, UserFactory, member
from .factories import (
    ActionFactory,
    DirectoryServiceFactory,
    GroupFactory,
    GroupMemberFactory,
    RiskFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db

Status = TermsOfReference.Status
WATCHED = (
    Partnership,
    Group,
    GroupMember,
    TermsOfReference,
    Risk,
    Action,
    ActionUpdate,
    DirectoryService,
    ServiceSchedule,
    SustainabilityPlan,
    FundingStream,
)


def state() -> dict:
    """Every row the services below could write, and how many audit events there are."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in WATCHED}
    rows["plan_risks"] = list(SustainabilityPlan.risks.through.objects.order_by("pk").values())
    rows["audit_events"] = AuditEvent.objects.count()
    return rows


def reader_membership(cast) -> Membership:
    return Membership.objects.get(user=cast.reader, partnership=cast.partnership)


def _today():
    return timezone.localdate()


def _terms_content() -> dict:
    built = TermsOfReferenceFactory.build()
    return {name: getattr(built, name) for name in group_service.CONTENT_FIELDS}


def _plan(cast) -> SustainabilityPlan:
    return SustainabilityPlan.objects.create(partnership=cast.partnership, updated_by=cast.lead)


# Each case builds what it needs in the cast's partnership and returns the call to make as `by`.
def create_group(cast):
    return lambda by: group_service.create_group(
        partnership=cast.partnership, by=by, name="Schools forum", kind=Group.Kind.FORUM
    )


def update_group(cast):
    group = GroupFactory(partnership=cast.partnership)
    return lambda by: group_service.update_group(group=group, by=by, name="Renamed")


def add_seat(cast):
    group = GroupFactory(partnership=cast.partnership)
    membership = reader_membership(cast)
    return lambda by: group_service.add_seat(
        group=group, by=by, membership=membership, role=GroupMember.SeatRole.MEMBER
    )


def end_seat(cast):
    membership = reader_membership(cast)
    seat = GroupMemberFactory(
        group=GroupFactory(partnership=cast.partnership),
        user=membership.user,
        organisation=membership.organisation,
        joined_on=_today() - datetime.timedelta(days=30),
    )
    return lambda by: group_service.end_seat(seat=seat, by=by)


def create_draft(cast):
    group = GroupFactory(partnership=cast.partnership)
    return lambda by: group_service.create_draft(group=group, by=by, **_terms_content())


def update_draft(cast):
    terms = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.partnership), created_by=cast.lead)
    return lambda by: group_service.update_draft(terms=terms, by=by, purpose="A new purpose.")


def approve_terms(cast):
    terms = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.partnership), created_by=cast.lead)
    return lambda by: group_service.approve_terms(terms=terms, by=by)


def publish_terms(cast):
    group = GroupFactory(partnership=cast.partnership)
    TermsOfReferenceFactory(group=group, version=1, status=Status.PUBLISHED, created_by=cast.lead)
    terms = TermsOfReferenceFactory(group=group, version=2, status=Status.APPROVED, created_by=cast.lead)
    return lambda by: group_service.publish_terms(terms=terms, by=by)


def discard_draft(cast):
    terms = TermsOfReferenceFactory(group=GroupFactory(partnership=cast.partnership), created_by=cast.lead)
    return lambda by: group_service.discard_draft(terms=terms, by=by)


def set_public_pages(cast):
    return lambda by: group_service.set_public_pages(partnership=cast.partnership, by=by, publish=True)


def create_risk(cast):
    return lambda by: risk_service.create_risk(
        partnership=cast.partnership,
        by=by,
        title="Loss of the MHST",
        likelihood=2,
        impact=5,
        review_date=_today() + datetime.timedelta(days=90),
    )


def update_risk(cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.OPEN)
    return lambda by: risk_service.update_risk(
        risk=risk, by=by, title="Re-scored", likelihood=5, impact=5, review_date=risk.review_date, status="closed"
    )


def keep_risk(cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.PROPOSED)
    return lambda by: risk_service.keep_risk(risk=risk, by=by)


def remove_risk(cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.PROPOSED)
    return lambda by: risk_service.remove_risk(risk=risk, by=by)


def create_action(cast):
    membership = reader_membership(cast)
    return lambda by: action_service.create_action(
        partnership=cast.partnership,
        by=by,
        title="Name a CYPMHS link for every school",
        owner=membership.user,
        owner_organisation=membership.organisation,
        due_date=_today() + datetime.timedelta(days=30),
    )


def update_action(cast):
    membership = reader_membership(cast)
    action = ActionFactory(
        partnership=cast.partnership, owner=membership.user, owner_organisation=membership.organisation
    )
    return lambda by: action_service.update_action(
        action=action,
        by=by,
        title="Renamed",
        description="",
        owner=membership.user,
        owner_organisation=membership.organisation,
        due_date=action.due_date + datetime.timedelta(days=7),
        source=Action.Source.OTHER,
    )


def record_progress(cast):
    """An action the steering member does not own: only the area lead may update it."""
    lead_membership = Membership.objects.get(user=cast.lead, partnership=cast.partnership)
    action = ActionFactory(
        partnership=cast.partnership, owner=cast.lead, owner_organisation=lead_membership.organisation
    )
    return lambda by: action_service.record_progress(action=action, by=by, text="Done.", status=Action.Status.COMPLETE)


def _directory_fields(cast) -> dict:
    built = DirectoryServiceFactory.build(provider=reader_membership(cast).organisation)
    return {name: getattr(built, name) for name in directory_service.EDITABLE_FIELDS}


def _directory_entry(cast, **kwargs) -> DirectoryService:
    return DirectoryServiceFactory(
        partnership=cast.partnership,
        provider=reader_membership(cast).organisation,
        last_reviewed_by=cast.lead,
        last_reviewed_on=_today() - datetime.timedelta(days=400),
        **kwargs,
    )


def create_service(cast):
    fields = _directory_fields(cast)
    schedules = [("MO", datetime.time(9), datetime.time(17))]
    return lambda by: directory_service.create_service(
        partnership=cast.partnership, by=by, fields=fields, schedules=schedules, today=_today()
    )


def update_service(cast):
    entry = _directory_entry(cast)
    fields = {**_directory_fields(cast), "name": "Renamed service"}
    schedules = [("TU", datetime.time(10), datetime.time(15))]
    return lambda by: directory_service.update_service(service=entry, by=by, fields=fields, schedules=schedules)


def mark_reviewed(cast):
    entry = _directory_entry(cast)
    return lambda by: directory_service.mark_reviewed(service=entry, by=by, today=_today())


def deactivate_service(cast):
    entry = _directory_entry(cast)
    return lambda by: directory_service.deactivate_service(service=entry, by=by)


def save_plan(cast):
    risk = RiskFactory(partnership=cast.partnership, status=Risk.Status.OPEN)
    return lambda by: plan_service.save_plan(
        partnership=cast.partnership,
        by=by,
        accountable_owner=cast.lead,
        embedding="In the local transformation plan.",
        funding_summary="ICB recurrent funding.",
        review_date=_today() + datetime.timedelta(days=180),
        risks=[risk],
    )


def add_funding_stream(cast):
    return lambda by: plan_service.add_funding_stream(
        partnership=cast.partnership,
        by=by,
        name="MHST wave 9",
        funder="NHS England",
        annual_amount=Decimal("250000.00"),
        ends_on=_today() + datetime.timedelta(days=365),
    )


def remove_funding_stream(cast):
    stream = FundingStream.objects.create(
        plan=_plan(cast), name="Pilot", funder="ICB", ends_on=_today() + datetime.timedelta(days=30)
    )
    return lambda by: plan_service.remove_funding_stream(stream=stream, by=by)


MANAGER_ONLY = [
    # groups and terms of reference
    create_group,
    update_group,
    add_seat,
    end_seat,
    create_draft,
    update_draft,
    approve_terms,
    publish_terms,
    discard_draft,
    set_public_pages,
    # risks
    create_risk,
    update_risk,
    keep_risk,
    remove_risk,
    # actions
    create_action,
    update_action,
    record_progress,
    # directory
    create_service,
    update_service,
    mark_reviewed,
    deactivate_service,
    # sustainability
    save_plan,
    add_funding_stream,
    remove_funding_stream,
]


@pytest.mark.parametrize("case", MANAGER_ONLY, ids=lambda case: case.__name__)
def test_only_the_partnerships_area_lead_may_call_it_and_a_refusal_writes_nothing(cast, case):
    call = case(cast)
    before = state()
    for by in (cast.outsider, cast.reader):
        with pytest.raises(PermissionDenied):
            call(by)
        assert state() == before, f"{case.__name__} wrote something for {by.email}"
    call(cast.lead)
    assert AuditEvent.objects.count() > before["audit_events"]


def test_an_area_lead_of_another_partnership_cannot_record_a_directory_export(cast):
    before = state()
    with pytest.raises(PermissionDenied):
        directory_service.record_export(by=cast.outsider, partnership=cast.partnership, kind="csv", rows=0, filters={})
    assert state() == before


def test_a_member_who_can_see_the_partnership_may_record_a_directory_export(cast):
    before = AuditEvent.objects.count()
    directory_service.record_export(by=cast.reader, partnership=cast.partnership, kind="csv", rows=3, filters={})
    assert AuditEvent.objects.count() == before + 1


def test_an_inactive_area_lead_is_refused(cast):
    cast.lead.is_active = False
    cast.lead.save()
    with pytest.raises(PermissionDenied):
        create_group(cast)(cast.lead)
    assert not Group.objects.filter(name="Schools forum").exists()


# --- only the area lead cancels an action ------------------------------------------------------
@pytest.fixture
def owned(cast):
    """An overdue action owned by the steering member (who may update their own actions)."""
    membership = reader_membership(cast)
    return ActionFactory(
        partnership=cast.partnership,
        owner=membership.user,
        owner_organisation=membership.organisation,
        due_date=_today() - datetime.timedelta(days=3),
    )


@pytest.mark.parametrize("status", [Action.Status.IN_PROGRESS, Action.Status.COMPLETE, Action.Status.NOT_STARTED])
def test_the_owner_may_set_any_status_but_cancelled(cast, owned, status):
    if status == Action.Status.NOT_STARTED:
        owned.status = Action.Status.IN_PROGRESS
        owned.save()
    action_service.record_progress(action=owned, by=cast.reader, text="Moving on.", status=status)
    owned.refresh_from_db()
    assert owned.status == status


def test_the_owner_cannot_cancel_their_action_and_nothing_is_written(cast, owned):
    before = state()
    with pytest.raises(ValidationError) as refused:
        action_service.record_progress(action=owned, by=cast.reader, text="No longer needed.", status="cancelled")
    assert refused.value.message_dict["status"] == [action_service.CANCEL_REFUSED]
    assert state() == before
    owned.refresh_from_db()
    assert owned.status == Action.Status.NOT_STARTED


def test_the_area_lead_may_cancel_it(cast, owned):
    action_service.record_progress(action=owned, by=cast.lead, text="No longer needed.", status="cancelled")
    owned.refresh_from_db()
    assert owned.status == Action.Status.CANCELLED


def test_an_owner_who_is_also_the_area_lead_may_cancel(cast):
    membership = Membership.objects.get(user=cast.lead, partnership=cast.partnership)
    action = ActionFactory(partnership=cast.partnership, owner=cast.lead, owner_organisation=membership.organisation)
    action_service.record_progress(action=action, by=cast.lead, text="Dropped.", status="cancelled")
    action.refresh_from_db()
    assert action.status == Action.Status.CANCELLED


def test_the_progress_form_offers_cancelled_only_to_the_area_lead(cast, owned):
    owner_choices = [value for value, _ in ProgressForm(action=owned, user=cast.reader).fields["status"].choices]
    lead_choices = [value for value, _ in ProgressForm(action=owned, user=cast.lead).fields["status"].choices]
    assert owner_choices == ["", "not_started", "in_progress", "complete"]
    assert lead_choices == ["", "not_started", "in_progress", "complete", "cancelled"]
    form = ProgressForm({"text": "Stop it.", "status": "cancelled"}, action=owned, user=cast.reader)
    assert not form.is_valid() and "status" in form.errors


def test_the_owner_posting_cancelled_on_the_page_sees_why_and_nothing_changes(client, cast, owned):
    sign_in(client, cast.reader)
    url = reverse("action_update", args=[cast.partnership.slug, owned.pk])
    response = client.post(url, {"text": "No longer needed.", "status": "cancelled"})
    assert response.status_code == 200
    owned.refresh_from_db()
    assert owned.status == Action.Status.NOT_STARTED
    assert not ActionUpdate.objects.filter(action=owned).exists()


# --- public pages list only seats that stand today --------------------------------------------
def test_public_steering_groups_list_only_started_seats_of_active_current_members():
    partnership = PartnershipFactory(publishes_public_pages=True)
    other = PartnershipFactory()
    steering = GroupFactory(partnership=partnership, kind=Group.Kind.STEERING, name="Steering group")
    today = _today()

    def seated(name, *, joined_on=today, membership_active=True, user_active=True, in_partnership=True):
        user = UserFactory(full_name=name, is_active=user_active)
        m = MembershipFactory(user=user, partnership=partnership if in_partnership else other)
        if not membership_active:
            m.is_active = False
            m.save()
        return GroupMemberFactory(group=steering, user=user, organisation=m.organisation, joined_on=joined_on)

    seated("Sitting today", joined_on=today)
    seated("Sitting a year", joined_on=today - datetime.timedelta(days=365))
    seated("Starts tomorrow", joined_on=today + datetime.timedelta(days=1))
    seated("Left the partnership", membership_active=False)
    seated("Deactivated user", user_active=False)
    seated("Member elsewhere only", in_partnership=False)
    ended = seated("Seat ended", joined_on=today - datetime.timedelta(days=60))
    ended.left_on = today - datetime.timedelta(days=1)
    ended.save()

    [(name, seats)] = group_service.public_steering_groups(partnership)
    assert name == "Steering group"
    assert sorted(seat.name for seat in seats) == ["Sitting a year", "Sitting today"]


def test_the_public_page_does_not_name_a_seat_that_has_not_started(client):
    partnership = PartnershipFactory(publishes_public_pages=True)
    steering = GroupFactory(partnership=partnership, kind=Group.Kind.STEERING)
    for name, joined_on in (("Anna Present", _today()), ("Zed Future", _today() + datetime.timedelta(days=10))):
        user = member(partnership, Role.STEERING_MEMBER, full_name=name)
        m = Membership.objects.get(user=user, partnership=partnership)
        GroupMemberFactory(group=steering, user=user, organisation=m.organisation, joined_on=joined_on)
    body = client.get(reverse("public_partnership", args=[partnership.slug])).content.decode()
    assert "Anna Present" in body
    assert "Zed Future" not in body
