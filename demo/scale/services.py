"""Per partnership: its single point of access (run by the ICB's CYPMHS trust) with the default
reasons for not accepting a referral, and three entries in its directory of services: the core
CYPMHS team and the crisis team (accepted referrals are allocated to these or to an MHST) and the
council's early help service (where signposted referrals are pointed)."""

from partnership.models import DirectoryService
from referrals.models import DEFAULT_REASONS, NotAcceptedReason, SinglePointOfAccess

from .copying import Loader
from .world import World

SERVICE_COLUMNS = ["id", "partnership_id", "provider_id", "name", "description", "thrive_groupings", "needs",
                   "min_age", "max_age", "school_phases", "eligibility", "how_to_access", "channels",
                   "last_reviewed_on", "last_reviewed_by_id", "typical_wait_days"]  # fmt: skip


def service_row(world, area, service_id, provider_id, name, thrive, wait):
    return (
        service_id, area.id, provider_id, name, f"{name} (generated for scale tests).", thrive, ["anxiety", "low_mood"],
        4, 18, ["primary", "secondary"], "Children and young people at the partnership's schools.",
        "Referral through the single point of access.", ["phone", "email"], world.today, area.area_lead_id, wait,
    )  # fmt: skip


def build(world: World, loader: Loader) -> int:
    areas = world.areas
    first_spa = loader.reserve(SinglePointOfAccess, len(areas))
    for i, area in enumerate(areas):
        area.spa_id = first_spa + i
    rows = loader.copy(
        SinglePointOfAccess,
        [
            "id",
            "partnership_id",
            "provider_id",
            "name",
            "channels",
            "phone",
            "email",
            "hours",
            "acceptance_criteria",
            "thresholds",
        ],
        (
            (
                area.spa_id,
                area.id,
                area.cypmhs_id,
                f"Scale Area {area.number:03d} single point of access",
                ["online", "phone"],
                "01632 960 000",
                f"spa.{area.number}@scale.example",
                "Monday to Friday, 9am to 5pm",
                "Children and young people aged 4 to 18 at the area's schools.",
                "Difficulties that affect daily life and have not improved with the school's support.",
            )
            for area in areas
        ),
    )
    first_reason = loader.reserve(NotAcceptedReason, len(areas) * len(DEFAULT_REASONS))
    reason_rows = []
    for i, area in enumerate(areas):
        base = first_reason + i * len(DEFAULT_REASONS)
        area.reason_ids = [base + k for k in range(len(DEFAULT_REASONS))]
        for k, (code, label) in enumerate(DEFAULT_REASONS):
            reason_rows.append((base + k, area.spa_id, code, label, k + 1, True))
    rows += loader.copy(NotAcceptedReason, ["id", "spa_id", "code", "label", "position", "is_active"], reason_rows)

    first_service = loader.reserve(DirectoryService, len(areas) * 3)
    service_rows = []
    for i, area in enumerate(areas):
        area.core_service_id, area.crisis_service_id, area.signpost_service_id = (
            first_service + 3 * i + k for k in range(3)
        )
        service_rows += [
            service_row(world, area, area.core_service_id, area.cypmhs_id, "Core CYPMHS community team",
                        ["getting_more_help"], 56),
            service_row(world, area, area.crisis_service_id, area.cypmhs_id, "CYPMHS crisis and home treatment team",
                        ["getting_risk_support"], 1),
            service_row(world, area, area.signpost_service_id, area.la_id, "Early help family support",
                        ["getting_advice"], 14),
        ]  # fmt: skip
    rows += loader.copy(DirectoryService, SERVICE_COLUMNS, service_rows)
    return rows
