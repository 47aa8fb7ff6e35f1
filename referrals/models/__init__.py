from ..states import Status
from .referral import (
    STANDARD_DAYS,
    ConsentBy,
    DslAware,
    Ethnicity,
    Gender,
    InformationRequest,
    Message,
    OtherService,
    Referral,
    Request,
    StatusChange,
    Urgency,
)
from .spa import DEFAULT_REASONS, Channel, DutyRole, NotAcceptedReason, RotaShift, SinglePointOfAccess

__all__ = [
    "DEFAULT_REASONS",
    "STANDARD_DAYS",
    "Channel",
    "ConsentBy",
    "DslAware",
    "DutyRole",
    "Ethnicity",
    "Gender",
    "InformationRequest",
    "Message",
    "NotAcceptedReason",
    "OtherService",
    "Referral",
    "Request",
    "RotaShift",
    "SinglePointOfAccess",
    "Status",
    "StatusChange",
    "Urgency",
]
