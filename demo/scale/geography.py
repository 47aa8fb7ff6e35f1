"""42 ICBs, their NHS CYPMHS trusts, about 150 partnerships (several per ICB), each with its local
authority, and about 24,000 schools and colleges with GIAS-like URNs, phases, pupil numbers and
free school meals; every organisation an active member of its partnership."""

from datetime import timedelta
from decimal import Decimal

from partnership.models import Organisation, OrganisationKind, Partnership, PartnershipOrganisation

from .copying import Loader
from .world import Area, School, World, lognormal

K = OrganisationKind
#: kind, share of schools, GIAS phase, median pupils, spread (lognormal sigma), establishment type
SCHOOL_MIX = [
    (K.PRIMARY, 0.700, "Primary", 280, 0.45, "Community school"),
    (K.SECONDARY, 0.140, "Secondary", 1000, 0.35, "Academy converter"),
    (K.SPECIAL, 0.045, "Not applicable", 110, 0.50, "Community special school"),
    (K.ALL_THROUGH, 0.010, "All-through", 1400, 0.35, "Free schools"),
    (K.ALTERNATIVE_PROVISION, 0.015, "Not applicable", 45, 0.60, "Pupil referral unit"),
    (K.INDEPENDENT, 0.075, "Not applicable", 300, 0.80, "Other independent school"),
    (K.FE_COLLEGE, 0.015, "16 plus", 2500, 0.60, "Further education"),
]
REGIONS = list(Partnership.Region.values)
RURALITY = list(Partnership.Rurality.values)
LEAD_BODIES = list(Partnership.LeadBody.values)
FIRST_URN = 700_000  # beyond the URNs GIAS has issued, so never a real school's
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def school_postcode(area_number: int, rng) -> str:
    return f"ZZ{area_number % 99 + 1} {rng.randrange(1, 10)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def build(world: World, loader: Loader) -> int:
    o = world.options
    icbs = max(1, min(o.icbs, o.partnerships))
    rng = world.child_rng("geography")
    world.areas = [Area(number=n + 1, icb=n % icbs) for n in range(o.partnerships)]

    # organisation ids: ICBs, then one CYPMHS trust per ICB, then one LA per partnership, then schools
    first = loader.reserve(Organisation, icbs * 2 + o.partnerships + o.schools)
    world.icb_org_ids = [first + i for i in range(icbs)]
    cypmhs_ids = [first + icbs + i for i in range(icbs)]
    for i, area in enumerate(world.areas):
        area.icb_org_id = world.icb_org_ids[area.icb]
        area.cypmhs_id = cypmhs_ids[area.icb]
        area.la_id = first + 2 * icbs + i
    first_school = first + 2 * icbs + o.partnerships

    # schools: the first one of each partnership in turn (none is empty), the rest by partnership size
    weights = [lognormal(rng, 1.0, 0.5) for _ in world.areas]
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    kinds = [m[0] for m in SCHOOL_MIX]
    shares = [m[1] for m in SCHOOL_MIX]
    mix = {m[0]: m for m in SCHOOL_MIX}
    schools = []
    for i in range(o.schools):
        index = i if i < len(world.areas) else rng.choices(range(len(world.areas)), cum_weights=cumulative)[0]
        kind = rng.choices(kinds, shares)[0]
        _, _, phase, median, sigma, _ = mix[kind]
        pupils = max(5, round(lognormal(rng, median, sigma)))
        school = School(first_school + i, FIRST_URN + i, kind.value, phase, pupils, index)
        world.areas[index].schools.append(school)
        schools.append(school)

    def organisations():
        zone_day = world.today
        for i, org_id in enumerate(world.icb_org_ids):
            yield (org_id, f"Scale ICB {i + 1:02d}", K.ICB.value, None, "", f"ZQ{i + 1:03d}", "", None, None, "",
                   None, "", "", "", None)  # fmt: skip
        for i, org_id in enumerate(cypmhs_ids):
            yield (org_id, f"Scale CYPMHS Trust {i + 1:02d}", K.CYPMHS.value, None, "", f"ZR{i + 1:03d}", "", None,
                   None, "", None, "", "", "", None)  # fmt: skip
        for area in world.areas:
            yield (area.la_id, f"Scale Council {area.number:03d}", K.LOCAL_AUTHORITY.value, None, "",
                   f"ZL{area.number:03d}", "", None, None, "", None, la_code(area), "", "", None)  # fmt: skip
        for school in schools:
            area = world.areas[school.partnership]
            kind_label = K(school.kind).label
            if school.kind == K.INDEPENDENT:
                fsm = Decimal(f"{rng.uniform(0, 3):.2f}")
            else:
                fsm = Decimal(f"{min(85.0, max(1.0, lognormal(rng, 22, 0.55))):.2f}")
            decile = min(10, max(1, 11 - int(float(fsm) // 7) + rng.randint(-1, 1)))
            yield (
                school.id,
                f"Scale {kind_label} {school.urn}",
                school.kind,
                school.urn,
                f"{la_code(area)}{2000 + (school.urn % 8000):04d}",
                "",
                school.phase,
                school.pupils,
                fsm,
                school_postcode(area.number, rng),
                decile,
                la_code(area),
                mix[K(school.kind)][5],
                "Open, but proposed to close" if rng.random() < 0.002 else "Open",
                zone_day - timedelta(days=rng.randrange(365 * 3, 365 * 60)),
            )

    rows = loader.copy(
        Organisation,
        [
            "id",
            "name",
            "kind",
            "urn",
            "laestab",
            "ods_code",
            "phase",
            "pupil_count",
            "fsm_percent",
            "postcode",
            "deprivation_decile",
            "la_code",
            "establishment_type",
            "establishment_status",
            "opened_on",
        ],
        organisations(),
    )

    first_partnership = loader.reserve(Partnership, len(world.areas))
    for i, area in enumerate(world.areas):
        area.id = first_partnership + i
    rows += loader.copy(
        Partnership,
        ["id", "name", "slug", "lead_body", "region", "rurality", "transformation_plan_reference"],
        (
            (
                area.id,
                f"Scale Area {area.number:03d} Mental Health in Schools Partnership",
                f"scale-{area.number:03d}",
                LEAD_BODIES[area.number % len(LEAD_BODIES)],
                REGIONS[area.icb % len(REGIONS)],
                RURALITY[area.number % len(RURALITY)],
                f"LTP-SCALE-{area.number:03d}",
            )
            for area in world.areas
        ),
    )

    def members():
        joined = world.today - timedelta(days=5 * 365 + 30)
        for area in world.areas:
            for org_id in (area.la_id, area.icb_org_id, area.cypmhs_id, *(s.id for s in area.schools)):
                yield (area.id, org_id, PartnershipOrganisation.Status.ACTIVE.value, joined, joined, loader.now)

    count = sum(len(a.schools) + 3 for a in world.areas)
    first_member = loader.reserve(PartnershipOrganisation, count)
    rows += loader.copy(
        PartnershipOrganisation,
        ["id", "partnership_id", "organisation_id", "status", "applied_on", "joined_on", "approved_at"],
        ((first_member + i, *row) for i, row in enumerate(members())),
    )
    return rows


def la_code(area: Area) -> str:
    return f"{800 + area.number % 200:03d}"
