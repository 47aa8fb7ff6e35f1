"""Proposing, adjusting and deciding an allocation (mhst/services/allocation.py): the approval path,
the inputs as recorded, audit, and who may do what."""

import datetime
import uuid
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mhst.models import AllocationStatus, ReadinessItem
from mhst.services import allocation as service
from partnership.models import AuditEvent, Decision, Meeting
from partnership.models.audit import AuditAction
from referrals.models import Referral

from ..factories import OrganisationFactory, PartnershipOrganisationFactory
from ..governance.factories import GroupFactory, MeetingFactory
from ..referrals.factories import complete_fields, spa_in
from .factories import approved, make_world, proposal, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def propose(world, schools=None, **kw):
    return service.propose(
        team=world.team,
        by=kw.pop("by", world.manager),
        school_ids=[s.pk for s in (schools or [world.school, world.other_school])],
        effective_from=kw.pop("effective_from", today()),
        rationale=kw.pop("rationale", "Share by need."),
        **kw,
    )


def referrals_from(world, n, days_ago=30):
    """`n` submitted referrals from the world's school (only their count matters here)."""
    spa = spa_in(world.partnership)
    submitted = timezone.now() - datetime.timedelta(days=days_ago)
    for _ in range(n):
        Referral.objects.create(
            partnership=world.partnership,
            spa=spa,
            school=world.school,
            created_by=world.school_lead,
            idempotency_key=str(uuid.uuid4()),
            status="submitted",
            number=Referral.objects.count() + 1,
            year=submitted.year,
            submitted_at=submitted,
            **complete_fields(),
        )


def test_a_proposal_records_every_input_and_is_not_active(world):
    allocation = propose(world)
    assert allocation.status == AllocationStatus.PROPOSED and not allocation.is_active
    assert service.active_allocation(world.team) is None
    # Qualified capacity: EMHP 1.00 + senior 0.50 (trainee and administrator not counted).
    assert allocation.capacity_wte == D("1.50")
    lines = {line.school_id: line for line in allocation.lines.all()}
    first = lines[world.school.pk]
    assert (first.pupils, first.fsm_percent, first.deprivation_decile, first.readiness_met) == (600, D("30.00"), 2, 0)
    assert first.referral_rate == D("0.00") and first.referrals_12m == 0
    # Weights 1,1,1,1,0 (factory). School: pupils 600/600=1, FSM .3, decile 2 -> 8/9, rate 0/0 -> 0.
    assert first.need_score == (D(100) * (1 + D("0.3") + D(8) / 9 + 0) / 4).quantize(D("0.01"))
    assert sum(line.calculated_wte for line in lines.values()) == D("1.50")
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="mhst.allocation")
    assert event.detail["version"] == 1 and event.detail["capacity_wte"] == "1.50"


def test_the_referral_rate_counts_submitted_referrals_of_the_last_12_months(world):
    referrals_from(world, 3)
    referrals_from(world, 2, days_ago=400)  # too old
    line = propose(world).lines.get(school=world.school)
    assert line.referrals_12m == 3
    assert line.referral_rate == D("5.00")  # 3 x 1000 / 600


def test_readiness_met_counts_as_an_input(world):
    ReadinessItem.objects.create(
        partnership=world.partnership,
        school=world.school,
        code="named_lead",
        status="met",
        evidence="Ms Patel named",
        confirmed_by=world.school_lead,
        confirmed_at=timezone.now(),
    )
    assert propose(world).lines.get(school=world.school).readiness_met == 1


def test_the_same_inputs_give_the_same_result(world):
    first = propose(world)
    service.withdraw(allocation=first, by=world.manager, reason="Recalculate")
    second = propose(world)

    def summary(a):
        return [
            (x.school_id, x.need_score, x.rank, x.calculated_wte, x.workings) for x in a.lines.order_by("school_id")
        ]

    assert summary(first) == summary(second)
    assert second.number == 2


def test_only_the_teams_own_manager_proposes(world):
    for user in (world.other_manager, world.area_lead, world.practitioner_user, world.school_lead):
        with pytest.raises(PermissionDenied):
            propose(world, by=user)


def test_proposing_needs_a_published_method(world):
    world.method.delete()
    with pytest.raises(ValidationError, match="not published its allocation method"):
        propose(world)


def test_one_open_proposal_at_a_time(world):
    propose(world)
    with pytest.raises(ValidationError, match="still waiting"):
        propose(world)


def test_schools_outside_the_partnership_are_refused(world):
    stranger = OrganisationFactory()
    with pytest.raises(ValidationError) as error:
        propose(world, schools=[world.school, stranger])
    assert "schools" in error.value.message_dict
    lapsed = OrganisationFactory()
    PartnershipOrganisationFactory(partnership=world.partnership, organisation=lapsed, status="lapsed")
    with pytest.raises(ValidationError):
        propose(world, schools=[lapsed])


def test_a_team_with_no_qualified_capacity_proposes_zero_shares(world):
    world.team.practitioners.update(ended_on=today() - datetime.timedelta(days=1))
    allocation = propose(world)
    assert allocation.capacity_wte == 0
    assert all(line.calculated_wte == 0 for line in allocation.lines.all())
    assert allocation.notes == ["The team has no qualified capacity on this date: every share is 0."]


def test_adjusting_needs_a_reason_and_is_audited(world):
    allocation = propose(world)
    line = allocation.lines.get(school=world.other_school)
    with pytest.raises(ValidationError) as error:
        service.adjust(line=line, by=world.manager, wte="0.40", reason=" ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        service.adjust(line=line, by=world.manager, wte="lots", reason="x")
    assert "wte" in error.value.message_dict
    before = line.calculated_wte
    service.adjust(line=line, by=world.manager, wte="0.40", reason="Starts a new nurture group")
    line.refresh_from_db()
    assert (line.adjusted_wte, line.share_wte, line.calculated_wte) == (D("0.40"), D("0.40"), before)
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="mhst.allocation").get()
    assert event.detail["changed"] == {"share_wte": [str(before), "0.40"]}


def test_approvers_may_change_a_proposal_others_may_not(world):
    line = propose(world).lines.first()
    service.adjust(line=line, by=world.steering, wte="0.10", reason="Changed at the meeting")
    for user in (world.other_manager, world.school_lead, world.commissioner):
        with pytest.raises(PermissionDenied):
            service.adjust(line=line, by=user, wte="0.20", reason="No")


def test_approval_at_a_held_steering_meeting_makes_it_active(world):
    allocation = propose(world)
    decided = service.decide(
        allocation=allocation, by=world.area_lead, meeting=world.meeting, approve=True, decision_text="Approved v1."
    )
    assert decided.status == AllocationStatus.APPROVED and decided.is_active
    assert service.active_allocation(world.team) == decided
    decision = Decision.objects.get(pk=decided.decision_id)
    assert decision.meeting == world.meeting and decision.text == "Approved v1." and decision.reference == "D0001"
    assert decided.decided_by == world.area_lead
    events = AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, object_type="mhst.allocation")
    assert events.get().detail["to"] == "approved"


def test_a_new_version_supersedes_the_active_one_only_when_approved(world):
    first = propose(world)
    service.decide(allocation=first, by=world.area_lead, meeting=world.meeting, approve=True, decision_text="v1")
    second = propose(world, schools=[world.school])
    first.refresh_from_db()
    assert first.status == AllocationStatus.APPROVED and service.active_allocation(world.team) == first
    service.decide(allocation=second, by=world.steering, meeting=world.meeting, approve=True, decision_text="v2")
    first.refresh_from_db()
    assert first.status == AllocationStatus.SUPERSEDED
    assert service.active_allocation(world.team).number == 2


def test_not_approved_leaves_the_active_allocation(world):
    active = approved(world.team, {world.school: "1.00"}, by=world.area_lead)
    refused = service.decide(
        allocation=propose(world), by=world.area_lead, meeting=world.meeting, approve=False, decision_text="Refused."
    )
    assert refused.status == AllocationStatus.NOT_APPROVED
    assert service.active_allocation(world.team) == active


def test_the_meeting_must_be_a_held_steering_group_meeting(world):
    allocation = propose(world)
    scheduled = MeetingFactory(group=world.meeting.group, starts_at=timezone.now() + datetime.timedelta(days=3))
    forum = MeetingFactory(
        group=GroupFactory(partnership=world.partnership, kind="forum"),
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=2),
    )
    for meeting in (scheduled, forum, None):
        with pytest.raises(ValidationError) as error:
            service.decide(allocation=allocation, by=world.area_lead, meeting=meeting, approve=True, decision_text="x")
        assert "meeting" in error.value.message_dict
    assert not Decision.objects.exists()
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.PROPOSED


def test_only_approvers_decide(world):
    allocation = propose(world)
    for user in (world.manager, world.commissioner, world.school_lead):
        with pytest.raises(PermissionDenied):
            service.decide(allocation=allocation, by=user, meeting=world.meeting, approve=True, decision_text="x")


def test_a_decided_version_cannot_change(world):
    allocation = propose(world)
    service.decide(allocation=allocation, by=world.area_lead, meeting=world.meeting, approve=True, decision_text="x")
    with pytest.raises(ValidationError, match="only a proposal can change"):
        service.adjust(line=allocation.lines.first(), by=world.area_lead, wte="0.1", reason="late")
    with pytest.raises(ValidationError, match="only a proposal can change"):
        service.decide(
            allocation=allocation, by=world.area_lead, meeting=world.meeting, approve=False, decision_text="x"
        )
    with pytest.raises(ValidationError, match="only a proposal can change"):
        service.withdraw(allocation=allocation, by=world.manager, reason="x")


def test_withdrawing(world):
    allocation = proposal(world.team, {world.school: "1.00"}, by=world.manager)
    with pytest.raises(PermissionDenied):
        service.withdraw(allocation=allocation, by=world.area_lead, reason="x")
    with pytest.raises(ValidationError):
        service.withdraw(allocation=allocation, by=world.manager, reason="")
    service.withdraw(allocation=allocation, by=world.manager, reason="Numbers changed")
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.WITHDRAWN and allocation.decision_note == "Numbers changed"


def test_publishing_the_method_makes_a_new_version(world):
    method = service.publish_method(
        partnership=world.partnership,
        by=world.area_lead,
        explanation="Deprivation first",
        pupils_weight="1",
        fsm_weight="3",
        deprivation_weight="3",
        referral_rate_weight="1",
        readiness_weight="0",
    )
    assert method.number == 2 and service.current_method(world.partnership) == method
    with pytest.raises(PermissionDenied):
        service.publish_method(partnership=world.partnership, by=world.steering, explanation="x", fsm_weight="1")
    with pytest.raises(ValidationError):
        service.publish_method(partnership=world.partnership, by=world.area_lead, explanation="x")


def test_a_manager_at_the_same_provider_but_not_in_the_team_does_not_manage_it(world):
    from mhst import access
    from partnership.roles import Role

    from ..factories import member
    from .factories import add_practitioner, make_team

    sister = make_team(world.partnership, world.provider, name="East MHST")
    colleague = member(world.partnership, Role.MHST_MANAGER, organisation=world.provider)
    sister.service_lead = colleague
    sister.save()
    assert access.can_manage_team(colleague, sister) and not access.can_manage_team(colleague, world.team)
    with pytest.raises(PermissionDenied):
        propose(world, by=colleague)
    # A practitioner post that has ended no longer counts.
    post = add_practitioner(world.team, user=colleague, started_on=today() - datetime.timedelta(days=90))
    assert access.can_manage_team(colleague, world.team)
    post.ended_on = today() - datetime.timedelta(days=1)
    post.save()
    assert not access.can_manage_team(colleague, world.team)
