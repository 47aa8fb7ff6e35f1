"""The referral state machine: every allowed and forbidden transition, the rules of each, the
immutable status rows and audit events, idempotent submission and references."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404
from django.utils import timezone

from partnership.models import AuditEvent
from referrals.models import NotAcceptedReason, Referral, Status, StatusChange
from referrals.services.drafts import create_draft, update_draft
from referrals.services.transitions import StaleVersion, apply, reassign
from referrals.states import TRANSITIONS, allowed_from

from .factories import act, complete_fields, details_for, draft, make_world, referral_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


CASES = list(itertools.product(Status.values, TRANSITIONS))


@pytest.mark.parametrize(("status", "name"), CASES, ids=[f"{s}-{n}" for s, n in CASES])
def test_every_transition_from_every_state(world, status, name):
    referral = referral_in(world, status)
    rows, version = StatusChange.objects.filter(referral=referral).count(), referral.version
    if name in allowed_from(status):
        act(world, referral, name, **details_for(world, name))
        referral.refresh_from_db()
        assert referral.status == TRANSITIONS[name].target
        assert referral.version == version + 1
        last = StatusChange.objects.filter(referral=referral).last()
        assert (last.from_status, last.to_status) == (status, TRANSITIONS[name].target)
    elif name == "submit" and status != Status.DRAFT:
        act(world, referral, name)  # already submitted: a repeat is a no-op
        referral.refresh_from_db()
        assert (referral.status, referral.version) == (status, version)
    elif status == Status.DRAFT and TRANSITIONS[name].permission.value == "triage_referrals":
        with pytest.raises(Http404):  # the duty team never sees a school's draft
            act(world, referral, name, **details_for(world, name))
    else:
        with pytest.raises(ValidationError) as refused:
            act(world, referral, name, **details_for(world, name))
        assert "status" in refused.value.message_dict
        referral.refresh_from_db()
        assert (referral.status, referral.version) == (status, version)
    if name not in allowed_from(status):
        assert StatusChange.objects.filter(referral=referral).count() == rows


def test_a_transition_writes_one_status_row_and_one_audit_event_without_child_details(world):
    referral = draft(world)
    act(world, referral, "submit")
    referral.refresh_from_db()
    assert referral.reference == f"SPA-{timezone.localdate().year}-000001"
    event = AuditEvent.objects.filter(object_type="referrals.referral", action="state_change").get()
    assert event.detail["to"] == "submitted" and event.detail["reference"] == referral.reference
    text = str(event.detail)
    assert "Zebedee" not in text and "Quagmire" not in text and "NS1" not in text


def test_references_count_up_per_spa_and_year(world):
    first, second = draft(world), draft(world)
    act(world, second, "submit")
    act(world, first, "submit")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.number, first.number) == (1, 2)
    other = make_world("Other")
    third = draft(other)
    act(other, third, "submit")
    third.refresh_from_db()
    assert third.number == 1


def test_an_incomplete_draft_is_refused_naming_each_missing_answer(world):
    referral = draft(world, situation="", consent_date=None)
    with pytest.raises(ValidationError) as refused:
        act(world, referral, "submit")
    assert set(refused.value.message_dict) == {"situation", "consent_date"}
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT and referral.number is None


def test_creating_with_the_same_key_twice_gives_one_referral(world):
    values = complete_fields()
    one, created = create_draft(
        partnership=world.partnership, by=world.referrer, school=world.school, idempotency_key="k-1", **values
    )
    two, created_again = create_draft(
        partnership=world.partnership, by=world.referrer, school=world.school, idempotency_key="k-1", **values
    )
    assert (created, created_again) == (True, False)
    assert one.pk == two.pk and Referral.objects.count() == 1


def test_a_double_submit_with_the_old_version_makes_one_transition(world):
    referral = draft(world)
    version = referral.version
    apply(referral_id=referral.pk, by=world.referrer, name="submit", expected_version=version)
    apply(referral_id=referral.pk, by=world.referrer, name="submit", expected_version=version)
    assert StatusChange.objects.filter(referral=referral).count() == 1


def test_a_stale_version_is_refused_with_the_current_referral(world):
    referral = referral_in(world, Status.SUBMITTED)
    stale = referral.version
    act(world, referral, "claim")
    with pytest.raises(StaleVersion) as refused:
        apply(referral_id=referral.pk, by=world.second_clinician, name="claim", expected_version=stale)
    assert refused.value.current.claimed_by == world.clinician
    assert StatusChange.objects.filter(referral=referral, to_status=Status.IN_TRIAGE).count() == 1


def test_only_the_claimant_or_the_duty_lead_decides(world):
    referral = referral_in(world, Status.IN_TRIAGE)
    with pytest.raises(PermissionDenied):
        act(world, referral, "accept", by=world.second_clinician, **details_for(world, "accept"))
    act(world, referral, "accept", by=world.duty_lead, **details_for(world, "accept"))
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.decided_by == world.duty_lead


def test_the_duty_lead_reassigns_a_claimed_referral(world):
    referral = referral_in(world, Status.IN_TRIAGE)
    with pytest.raises(PermissionDenied):
        reassign(referral_id=referral.pk, by=world.clinician, to=world.second_clinician, expected_version=None)
    reassign(referral_id=referral.pk, by=world.duty_lead, to=world.second_clinician, expected_version=referral.version)
    referral.refresh_from_db()
    assert referral.claimed_by == world.second_clinician and referral.status == Status.IN_TRIAGE
    act(world, referral, "signpost", by=world.second_clinician, **details_for(world, "signpost"))


@pytest.mark.parametrize(
    ("name", "details", "field"),
    [
        ("accept", {"thrive": "", "service": None}, "thrive"),
        ("accept", {"thrive": "tier_3", "service": 1}, "thrive"),
        ("accept", {"thrive": "getting_help", "service": "abc"}, "service"),
        ("accept", {"thrive": "getting_help", "service": 999999}, "service"),
        ("not_accept", {"reason": None, "explanation": "x"}, "reason"),
        ("not_accept", {"reason": "1; drop table", "explanation": "x"}, "reason"),
        ("signpost", {"explanation": "  "}, "explanation"),
        ("request_information", {"question": ""}, "question"),
    ],
)
def test_decisions_need_their_details(world, name, details, field):
    referral = referral_in(world, Status.IN_TRIAGE)
    with pytest.raises(ValidationError) as refused:
        act(world, referral, name, **details)
    assert field in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE


def test_another_partnerships_service_or_reason_is_refused(world):
    other = make_world("Other")
    referral = referral_in(world, Status.IN_TRIAGE)
    with pytest.raises(ValidationError):
        act(world, referral, "accept", thrive="getting_help", service=other.service.pk)
    reason = NotAcceptedReason.objects.filter(spa=other.spa).first()
    with pytest.raises(ValidationError):
        act(world, referral, "not_accept", reason=reason.pk, explanation="x")


def test_first_contact_dates_must_be_real(world):
    referral = referral_in(world, Status.ACCEPTED)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for on in (None, tomorrow, timezone.localdate() - datetime.timedelta(days=400)):
        with pytest.raises(ValidationError):
            act(world, referral, "first_contact", on=on)


def test_an_answer_goes_back_to_triage_with_the_answer_kept(world):
    referral = referral_in(world, Status.INFO_REQUESTED)
    act(world, referral, "answer", answer="The GP saw them in October.")
    referral.refresh_from_db()
    assert referral.status == Status.IN_TRIAGE
    request = referral.information_requests.get()
    assert request.answer == "The GP saw them in October." and request.answered_by == world.referrer


def test_other_schools_and_outsiders_get_404_and_read_only_roles_403(world):
    referral = referral_in(world, Status.SUBMITTED)
    other = make_world("Other")
    with pytest.raises(Http404):
        apply(referral_id=referral.pk, by=other.clinician, name="claim", expected_version=None)
    with pytest.raises(Http404):
        apply(referral_id=referral.pk, by=world.other_referrer, name="answer", expected_version=None)
    with pytest.raises(PermissionDenied):  # the school sees it but can't triage it
        apply(referral_id=referral.pk, by=world.referrer, name="claim", expected_version=None)
    assert StatusChange.objects.filter(referral=referral).count() == 1


def test_a_submitted_referral_can_no_longer_be_edited(world):
    referral = referral_in(world, Status.SUBMITTED)
    with pytest.raises(ValidationError):
        update_draft(referral_id=referral.pk, by=world.referrer, situation="Changed")
    with pytest.raises(ValidationError):
        update_draft(referral_id=draft(world).pk, by=world.referrer, thrive="getting_help")


def test_status_rows_are_append_only_in_the_database(world):
    referral = referral_in(world, Status.SUBMITTED)
    row = StatusChange.objects.get(referral=referral)
    with pytest.raises(DatabaseError), transaction.atomic():
        StatusChange.objects.filter(pk=row.pk).update(note="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        StatusChange.objects.filter(pk=row.pk).delete()
