from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from partnership.models import Membership, Organisation, Partnership, PartnershipOrganisation, User

from . import cascade, governance
from . import dashboards as demo_dashboards
from . import mhst as demo_mhst
from . import personas as p
from . import referrals as demo_referrals

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


class DemoNotAllowed(Exception):
    pass


@transaction.atomic
def seed_demo() -> Partnership:
    """Create or update the demo partnership, its organisations and personas. Idempotent."""
    if not settings.DEMO_DATA_ALLOWED:
        raise DemoNotAllowed("Demo data can't be loaded here: DEMO_DATA_ALLOWED is off (production settings).")
    host = connection.settings_dict.get("HOST") or ""
    if host not in LOCAL_HOSTS:
        # The personas' password and two-factor secret are published: never put them in a real database.
        raise DemoNotAllowed(f"Demo data is only loaded into a database on this machine, not {host}.")
    partnership, _ = Partnership.objects.update_or_create(slug=p.PARTNERSHIP["slug"], defaults=p.PARTNERSHIP)
    organisations = {}
    for name, kind, urn, phase, pupils, fsm, postcode, decile in p.SCHOOLS:
        org, _ = Organisation.objects.update_or_create(
            urn=urn,
            defaults={
                "name": name,
                "kind": kind,
                "phase": phase,
                "pupil_count": pupils,
                "fsm_percent": fsm,
                "postcode": postcode,
                "deprivation_decile": decile,
                "laestab": f"999{urn % 10000:04d}",
            },
        )
        organisations[name] = org
    for name, kind, ods, charity in p.PARTNERS:
        org, _ = Organisation.objects.update_or_create(
            name=name, kind=kind, defaults={"ods_code": ods, "charity_number": charity}
        )
        organisations[name] = org
    for org in organisations.values():
        PartnershipOrganisation.objects.update_or_create(
            partnership=partnership,
            organisation=org,
            defaults={"status": PartnershipOrganisation.Status.ACTIVE, "joined_on": timezone.localdate()},
        )
    people = {}
    for local_part, full_name, role, org_name in p.PERSONAS:
        user = _persona(p.persona_email(local_part), full_name)
        people[local_part] = user
        Membership.objects.update_or_create(
            user=user,
            partnership=partnership,
            organisation=organisations[org_name],
            defaults={"roles": [role.value], "is_active": True},
        )
    admin = _persona(p.persona_email("admin"), "Ada Admin")
    if not admin.is_staff or not admin.is_superuser:
        admin.is_staff = admin.is_superuser = True
        admin.save(update_fields=["is_staff", "is_superuser"])
    governance.seed(partnership, organisations, people)
    cascade.seed(partnership, organisations, people)
    demo_referrals.seed(partnership, organisations, people)
    demo_mhst.seed(partnership, organisations, people)
    demo_dashboards.seed(partnership, organisations, people, lambda local, name: _persona(p.persona_email(local), name))
    return partnership


def _persona(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=settings.DEMO_PASSWORD, full_name=full_name)
    else:
        user.full_name = full_name
        user.is_active = True
        user.set_password(settings.DEMO_PASSWORD)
        user.save()
    # Reset to the documented demo secret every time (and re-encrypt with the current key).
    Authenticator.objects.filter(user=user).delete()
    TOTP.activate(user, p.DEMO_TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user
