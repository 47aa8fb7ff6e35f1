"""The agreement between a team and a school (issue 6 item 4): who may make it, the palette from the
team's active offer, the team's contact, the endorsement date, audit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from mhst.models import Agreement, OfferItem
from mhst.services.agreements import save_agreement
from partnership.models import AuditEvent
from partnership.models.audit import AuditAction

from .factories import add_practitioner, approved, make_world, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = make_world()
    approved(w.team, {w.school: "0.50"}, by=w.area_lead)
    w.groups = OfferItem.objects.create(team=w.team, function=1, title="CBT group for anxiety")
    w.training = OfferItem.objects.create(team=w.team, function=2, title="Staff training on low mood")
    w.old = OfferItem.objects.create(team=w.team, function=3, title="Old clinic", is_active=False)
    w.theirs = OfferItem.objects.create(team=w.other_team, function=1, title="Their parent group")
    return w


def test_team_manager_creates_with_palette_from_the_team_offer(world):
    agreement = save_agreement(
        world.team,
        world.school,
        world.manager,
        palette=[world.groups, world.training.pk],
        school_contact_name="Ms Lee",
        team_contact=world.practitioner,
        endorsed_by="Mr Head, headteacher",
        endorsed_on=today(),
        review_on=today() + datetime.timedelta(days=365),
    )
    assert set(agreement.palette.all()) == {world.groups, world.training}
    assert agreement.team_contact == world.practitioner
    assert agreement.updated_by == world.manager
    event = AuditEvent.objects.get(object_type="mhst.agreement", action=AuditAction.CREATE)
    assert event.actor == world.manager
    assert event.detail["changes"]["palette"][1] == str(["CBT group for anxiety", "Staff training on low mood"])


def test_school_lead_updates_and_the_change_is_audited(world):
    save_agreement(world.team, world.school, world.manager, palette=[world.groups], review_on=today())
    save_agreement(world.team, world.school, world.school_lead, palette=[world.training], school_contact_name="Ms Lee")
    event = AuditEvent.objects.get(object_type="mhst.agreement", action=AuditAction.UPDATE)
    assert event.actor == world.school_lead
    assert event.detail["changes"] == {
        "palette": [str(["CBT group for anxiety"]), str(["Staff training on low mood"])],
        "school_contact_name": ["", "Ms Lee"],
    }
    assert Agreement.objects.get().review_on == today()  # fields not given stay


@pytest.mark.parametrize("who", ["other_manager", "other_school_lead", "practitioner_user", "area_lead", "steering"])
def test_others_may_not(world, who):
    with pytest.raises(PermissionDenied):
        save_agreement(world.team, world.school, getattr(world, who), school_contact_name="x")
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("item", ["theirs", "old"])
def test_palette_from_another_team_or_an_inactive_item_is_refused(world, item):
    with pytest.raises(ValidationError) as caught:
        save_agreement(world.team, world.school, world.manager, palette=[world.groups, getattr(world, item)])
    assert "palette" in caught.value.message_dict
    assert not Agreement.objects.exists()


def test_team_contact_must_be_of_the_team(world):
    theirs = add_practitioner(world.other_team, name="Their EMHP")
    with pytest.raises(ValidationError) as caught:
        save_agreement(world.team, world.school, world.manager, team_contact=theirs)
    assert "team_contact" in caught.value.message_dict


def test_endorsement_cannot_be_in_the_future(world):
    with pytest.raises(ValidationError) as caught:
        save_agreement(world.team, world.school, world.manager, endorsed_on=today() + datetime.timedelta(days=1))
    assert "endorsed_on" in caught.value.message_dict


def test_no_agreement_with_a_team_not_allocated_to_the_school(world):
    with pytest.raises(ValidationError):
        save_agreement(world.team, world.other_school, world.manager, school_contact_name="x")
    assert not Agreement.objects.exists()
