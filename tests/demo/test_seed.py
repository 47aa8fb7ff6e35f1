import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from demo.personas import PERSONAS, persona_email
from demo.seed import seed_demo
from partnership.models import Membership, Organisation, OrganisationKind, PartnershipOrganisation, User
from partnership.roles import Role

pytestmark = pytest.mark.django_db


def counts():
    return (
        User.objects.count(),
        Organisation.objects.count(),
        PartnershipOrganisation.objects.count(),
        Membership.objects.count(),
        Authenticator.objects.count(),
    )


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_seed_demo_creates_a_partnership_of_about_twenty_schools_and_its_partners():
    partnership = seed_demo()
    kinds = list(
        PartnershipOrganisation.objects.filter(partnership=partnership)
        .exclude(status=PartnershipOrganisation.Status.APPLIED)  # two VCSOs have applied to join
        .values_list("organisation__kind", flat=True)
    )
    schools = [k for k in kinds if k in OrganisationKind.education()]
    assert 18 <= len(schools) <= 22
    assert {"primary", "secondary", "special", "fe_college"} <= set(schools)
    for kind in ("cypmhs", "local_authority", "icb"):
        assert kinds.count(kind) == 1
    assert kinds.count("vcso") == 2


def test_there_is_one_persona_per_role_each_with_two_factor():
    partnership = seed_demo()
    roles = [role for _, _, role, _ in PERSONAS]
    assert sorted(roles) == sorted(Role)
    for local_part, _, role, _ in PERSONAS:
        user = User.objects.get(email=persona_email(local_part))
        assert user.memberships.get(partnership=partnership).roles == [role.value]
        assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_seed_demo_refuses_to_run_when_demo_data_is_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert User.objects.count() == 0


def test_seed_demo_refuses_a_database_on_another_machine(monkeypatch):
    from django.db import connection

    monkeypatch.setitem(connection.settings_dict, "HOST", "db.example.org")
    with pytest.raises(CommandError, match="only loaded into a database on this machine"):
        call_command("seed_demo")
    assert User.objects.count() == 0
