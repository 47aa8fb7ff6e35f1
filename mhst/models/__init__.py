from .allocation import Allocation, AllocationLine, AllocationMethod, AllocationStatus
from .reference import READINESS_ITEMS, Function, ReadinessCode, reference
from .school import Activity, ActivityType, Agreement, ReadinessItem, ReadinessStatus
from .team import HolidayOffer, OfferItem, Practitioner, PractitionerRole, Team

__all__ = [
    "READINESS_ITEMS",
    "Activity",
    "ActivityType",
    "Agreement",
    "Allocation",
    "AllocationLine",
    "AllocationMethod",
    "AllocationStatus",
    "Function",
    "HolidayOffer",
    "OfferItem",
    "Practitioner",
    "PractitionerRole",
    "ReadinessCode",
    "ReadinessItem",
    "ReadinessStatus",
    "Team",
    "reference",
]
