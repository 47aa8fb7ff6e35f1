"""Readiness rules (issue 6 item 3): ten items, ready only when all ten are met, met needs evidence
and records who confirmed it, moving off met clears that; who may change an item; audit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from mhst.models import READINESS_ITEMS, ReadinessCode, ReadinessItem, ReadinessStatus
from mhst.services import readiness
from partnership.models import AuditEvent
from partnership.models.audit import AuditAction

from .factories import approved, make_world

pytestmark = pytest.mark.django_db

CODES = list(ReadinessCode.values)


@pytest.fixture
def world():
    w = make_world()
    approved(w.team, {w.school: "0.50"}, by=w.area_lead)
    return w


def meet(world, codes, by=None):
    for code in codes:
        readiness.update_item(world.partnership, world.school, code, by or world.school_lead, "met", f"Evidence {code}")


def test_checklist_has_the_ten_items_in_order_and_missing_rows_read_not_started(world):
    items = readiness.checklist(world.partnership, world.school)
    assert READINESS_ITEMS == 10
    assert [item.code for item in items] == CODES
    assert all(item.status == ReadinessStatus.NOT_STARTED for item in items)
    assert all(item.confirmed_by is None and item.evidence == "" for item in items)
    assert items[0].description.startswith("Named lead or contact to work with the local commissioner")
    assert not ReadinessItem.objects.exists()  # reading saves nothing


def test_ready_only_when_all_ten_met(world):
    meet(world, CODES[:9])
    assert readiness.met_count(readiness.checklist(world.partnership, world.school)) == 9
    assert readiness.met_count(world.partnership, world.school) == 9
    assert not readiness.is_ready(world.partnership, world.school)
    readiness.update_item(world.partnership, world.school, CODES[9], world.school_lead, "in_progress", "Planning")
    assert not readiness.is_ready(world.partnership, world.school)
    meet(world, CODES[9:])
    assert readiness.is_ready(world.partnership, world.school)
    assert readiness.progress(world.partnership, [world.school.pk, world.other_school.pk]) == {
        world.school.pk: 10,
        world.other_school.pk: 0,
    }


def test_met_without_evidence_is_refused_and_nothing_is_saved(world):
    for evidence in ("", "   "):
        with pytest.raises(ValidationError) as caught:
            readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "met", evidence)
        assert caught.value.message_dict == {"evidence": ["Enter the evidence that this item is met"]}
    assert not ReadinessItem.objects.exists()
    assert not AuditEvent.objects.filter(object_type="mhst.readinessitem").exists()


def test_met_records_who_confirmed_and_when_and_moving_off_met_clears_it(world):
    item = readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "met", "Ms Lee")
    assert item.status == "met"
    assert item.confirmed_by == world.school_lead
    assert item.confirmed_at is not None
    item = readiness.update_item(world.partnership, world.school, "named_lead", world.manager, "in_progress", "Ms Lee")
    item.refresh_from_db()
    assert item.status == "in_progress"
    assert item.confirmed_by is None
    assert item.confirmed_at is None
    assert readiness.progress(world.partnership, [world.school.pk]) == {world.school.pk: 0}


def test_the_database_refuses_met_without_evidence_or_confirmation(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReadinessItem.objects.create(
            partnership=world.partnership, school=world.school, code="named_lead", status="met"
        )


def test_school_lead_updates_own_school_but_not_another(world):
    readiness.update_item(world.partnership, world.school, "accommodation", world.school_lead, "in_progress", "")
    with pytest.raises(PermissionDenied):
        readiness.update_item(world.partnership, world.other_school, "accommodation", world.school_lead, "met", "x")
    assert not ReadinessItem.objects.filter(school=world.other_school).exists()


def test_manager_of_an_allocated_team_may_update_and_of_another_team_may_not(world):
    readiness.update_item(world.partnership, world.school, "evaluation", world.manager, "met", "Survey signed up")
    for user in (world.other_manager, world.practitioner_user, world.area_lead, world.steering, world.commissioner):
        with pytest.raises(PermissionDenied):
            readiness.update_item(world.partnership, world.school, "evaluation", user, "not_started", "")
    assert ReadinessItem.objects.get(school=world.school, code="evaluation").status == "met"


def test_manager_of_a_team_whose_allocation_is_only_proposed_may_not(world):
    approved(world.other_team, {world.school: "0.20"}, by=world.area_lead, status="proposed")
    with pytest.raises(PermissionDenied):
        readiness.update_item(world.partnership, world.school, "evaluation", world.other_manager, "met", "x")


def test_unknown_code_or_status_is_refused(world):
    with pytest.raises(ValidationError):
        readiness.update_item(world.partnership, world.school, "nonsense", world.school_lead, "met", "x")
    with pytest.raises(ValidationError):
        readiness.update_item(world.partnership, world.school, "evaluation", world.school_lead, "done", "x")


def test_changes_are_audited_with_status_before_and_after(world):
    readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "met", "Ms Lee, SMHL")
    created = AuditEvent.objects.get(object_type="mhst.readinessitem", action=AuditAction.CREATE)
    assert created.actor == world.school_lead
    assert created.partnership_id == world.partnership.pk
    assert created.detail["status"] == ["not_started", "met"]
    assert created.detail["code"] == "named_lead"
    assert created.detail["changes"]["evidence"] == ["", "Ms Lee, SMHL"]
    readiness.update_item(world.partnership, world.school, "named_lead", world.manager, "in_progress", "Ms Lee, SMHL")
    updated = AuditEvent.objects.get(object_type="mhst.readinessitem", action=AuditAction.UPDATE)
    assert updated.actor == world.manager
    assert updated.detail["status"] == ["met", "in_progress"]
    assert "evidence" not in updated.detail["changes"]


def test_an_unchanged_item_writes_nothing(world):
    readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "not_started", "")
    assert not ReadinessItem.objects.exists()
    readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "met", "x")
    readiness.update_item(world.partnership, world.school, "named_lead", world.school_lead, "met", "x")
    assert AuditEvent.objects.filter(object_type="mhst.readinessitem").count() == 1


def test_progress_counts_in_one_query(world, django_assert_num_queries):
    meet(world, CODES[:3])
    with django_assert_num_queries(1):
        counts = readiness.progress(world.partnership, [world.school.pk, world.other_school.pk])
    assert counts == {world.school.pk: 3, world.other_school.pk: 0}
