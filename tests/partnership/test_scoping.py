import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from partnership.models import Membership, Partnership, PartnershipOrganisation
from partnership.roles import Permission, Role
from partnership.scoping import get_for_user_or_404, is_partnership_scoped

from ..factories import PartnershipFactory, member

pytestmark = pytest.mark.django_db


def test_for_user_returns_only_the_users_partnerships(cast):
    assert list(Partnership.objects.for_user(cast.lead)) == [cast.partnership]
    assert list(Partnership.objects.for_user(cast.outsider)) == [cast.other_partnership]


def test_for_user_with_a_permission_keeps_only_partnerships_where_a_role_grants_it(cast):
    assert list(Partnership.objects.for_user(cast.reader, Permission.VIEW_PARTNERSHIP)) == [cast.partnership]
    assert list(Partnership.objects.for_user(cast.reader, Permission.MANAGE_PARTNERSHIP)) == []


def test_roles_in_one_partnership_grant_nothing_in_another(cast):
    third = PartnershipFactory()
    user = member(third, Role.STEERING_MEMBER)
    Membership.objects.create(
        user=user, partnership=cast.partnership, organisation=user.memberships.get().organisation, roles=["area_lead"]
    )
    assert Partnership.objects.for_user(user, Permission.MANAGE_PARTNERSHIP).get() == cast.partnership
    assert third not in Partnership.objects.for_user(user, Permission.MANAGE_PARTNERSHIP)


def test_inactive_memberships_and_users_see_nothing(cast):
    cast.lead.memberships.update(is_active=False)
    assert not Partnership.objects.for_user(cast.lead).exists()
    cast.reader.is_active = False
    cast.reader.save()
    assert not Partnership.objects.for_user(cast.reader).exists()


def test_anonymous_sees_nothing(cast):
    assert not Partnership.objects.for_user(AnonymousUser()).exists()
    assert not PartnershipOrganisation.objects.for_user(AnonymousUser()).exists()


def test_get_for_user_or_404_hides_other_partnerships(cast):
    assert get_for_user_or_404(Partnership, cast.lead, slug="own") == cast.partnership
    with pytest.raises(Http404):
        get_for_user_or_404(Partnership, cast.lead, slug="other")


def test_partnership_owned_models_are_scoped():
    for model in (Partnership, PartnershipOrganisation, Membership):
        assert is_partnership_scoped(model), model
