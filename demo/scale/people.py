"""The people: per partnership an area lead (at the council), a duty lead and three duty clinicians
(at the CYPMHS trust that runs the SPA), a referrer per school; per ICB a commissioner with a
VIEW_DASHBOARDS membership in every partnership of that ICB; one national dashboard reader.

Emails are `<role>.<n>@scale.example`. The password is hashed once and the hash reused: the bench
password given (`--password`, default DEMO_PASSWORD where set) or an unusable one."""

from django.contrib.auth.hashers import make_password

from partnership.models import Membership, User
from partnership.roles import Role

from .copying import Loader
from .world import EMAIL_DOMAIN, World

CLINICIANS = 3
USER_COLUMNS = ["id", "email", "full_name", "password", "is_active", "is_staff", "is_superuser",
                "reads_national_dashboard", "date_joined"]  # fmt: skip


def email(local_part: str) -> str:
    return f"{local_part}@{EMAIL_DOMAIN}"


def add_users(loader: Loader, world: World, people: list[tuple[str, str]], national=False) -> list[int]:
    """Users (email local part, full name); returns their ids in order."""
    first = loader.reserve(User, len(people))
    loader.copy(
        User,
        USER_COLUMNS,
        (
            (first + i, email(local), name, world.password_hash, True, False, False, national, loader.now)
            for i, (local, name) in enumerate(people)
        ),
    )
    return [first + i for i in range(len(people))]


def add_memberships(loader: Loader, rows: list[tuple[int, int, int, list[str]]]) -> int:
    """Memberships (user, partnership, organisation, roles)."""
    first = loader.reserve(Membership, len(rows))
    return loader.copy(
        Membership,
        ["id", "user_id", "partnership_id", "organisation_id", "roles", "is_active"],
        ((first + i, *row, True) for i, row in enumerate(rows)),
    )


def build(world: World, loader: Loader) -> int:
    password = world.options.password
    world.password_hash = make_password(password or None)
    people, memberships = [], []
    for area in world.areas:
        n = area.number
        people.append((f"area.lead.{n}", f"Area Lead {n}"))
        people.append((f"duty.lead.{n}", f"Duty Lead {n}"))
        people += [(f"duty.clinician.{n}.{k}", f"Duty Clinician {n}-{k}") for k in range(1, CLINICIANS + 1)]
    icbs = len(world.icb_org_ids)
    people += [(f"commissioner.{i + 1}", f"Commissioner ICB {i + 1}") for i in range(icbs)]
    schools = world.schools
    people += [(f"referrer.{s.urn}", f"Referrer {s.urn}") for s in schools]
    ids = iter(add_users(loader, world, people))

    for area in world.areas:
        area.area_lead_id = next(ids)
        area.duty_lead_id = next(ids)
        area.clinician_ids = [next(ids) for _ in range(CLINICIANS)]
        memberships.append((area.area_lead_id, area.id, area.la_id, [Role.AREA_LEAD.value]))
        memberships.append((area.duty_lead_id, area.id, area.cypmhs_id, [Role.DUTY_LEAD.value]))
        memberships += [(c, area.id, area.cypmhs_id, [Role.DUTY_CLINICIAN.value]) for c in area.clinician_ids]
    commissioners = [next(ids) for _ in range(icbs)]
    for area in world.areas:
        memberships.append((commissioners[area.icb], area.id, area.icb_org_id, [Role.COMMISSIONER.value]))
    for school in schools:
        user_id = next(ids)
        world.referrer_of[school.id] = user_id
        memberships.append((user_id, world.areas[school.partnership].id, school.id, [Role.SCHOOL_STAFF.value]))
    add_users(loader, world, [("national.reader", "National Dashboard Reader")], national=True)
    return len(people) + 1 + add_memberships(loader, memberships)
