"""Who sees a child (DESIGN.md section 3), through Referral.objects.for_user."""

import pytest

from partnership.roles import Role
from referrals.models import Referral, Status, StatusChange
from referrals.services.transitions import apply

from ..factories import OrganisationFactory, member
from .factories import draft, make_world

pytestmark = pytest.mark.django_db


def visible(user, **kwargs):
    return set(Referral.objects.for_user(user, **kwargs).values_list("pk", flat=True))


def submitted(world):
    referral = draft(world)
    apply(referral_id=referral.pk, by=world.referrer, name="submit", expected_version=referral.version)
    return referral


def test_each_role_sees_exactly_its_own_referrals():
    world, other = make_world(), make_world("Other")
    mine, still_draft, theirs = submitted(world), draft(world), submitted(other)
    other_school = draft(world)
    other_school.school = world.other_school
    other_school.save()

    assert visible(world.referrer) == {mine.pk, still_draft.pk}  # their school's, drafts included
    assert visible(world.other_referrer) == {other_school.pk}
    assert visible(world.clinician) == {mine.pk}  # their SPA's, never a draft
    assert visible(world.duty_lead) == {mine.pk}
    assert visible(other.clinician) == {theirs.pk}
    for role in (Role.AREA_LEAD, Role.COMMISSIONER, Role.STEERING_MEMBER, Role.FACILITATOR):
        assert visible(member(world.partnership, role)) == set(), role  # aggregates only


def test_a_duty_member_of_another_organisation_in_the_partnership_sees_nothing():
    world = make_world()
    submitted(world)
    stranger = member(world.partnership, Role.DUTY_CLINICIAN, organisation=OrganisationFactory(cypmhs=True))
    assert visible(stranger) == set()


def test_mhst_staff_see_referrals_allocated_to_their_service_once_accepted():
    world = make_world()
    referral = submitted(world)
    practitioner = member(world.partnership, Role.MHST_PRACTITIONER, organisation=world.service.provider)
    assert visible(practitioner) == set()
    apply(referral_id=referral.pk, by=world.clinician, name="claim", expected_version=None)
    apply(
        referral_id=referral.pk,
        by=world.clinician,
        name="accept",
        expected_version=None,
        thrive="getting_help",
        service=world.service.pk,
    )
    assert visible(practitioner) == {referral.pk}
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_a_permission_narrows_to_the_memberships_that_grant_it():
    world = make_world()
    referral = submitted(world)
    assert visible(world.referrer, permission=None) == {referral.pk}
    assert visible(world.clinician) == {referral.pk}
    from partnership.roles import Permission

    assert visible(world.referrer, permission=Permission.TRIAGE_REFERRALS) == set()
    assert visible(world.clinician, permission=Permission.SUBMIT_REFERRALS) == set()


def test_status_history_is_visible_exactly_when_its_referral_is():
    world, other = make_world(), make_world("Other")
    referral = submitted(world)
    assert StatusChange.objects.for_user(world.referrer).filter(referral=referral).count() == 1
    assert not StatusChange.objects.for_user(other.clinician).exists()
    assert not StatusChange.objects.for_user(world.other_referrer).exists()
