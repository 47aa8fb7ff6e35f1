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
from .rollup import WAIT_CAP, ReferralMonth, ReferralOpen, RollupState
from .spa import DEFAULT_REASONS, Channel, DutyRole, NotAcceptedReason, RotaShift, SinglePointOfAccess

__all__ = [
    "DEFAULT_REASONS",
    "STANDARD_DAYS",
    "WAIT_CAP",
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
    "ReferralMonth",
    "ReferralOpen",
    "Request",
    "RollupState",
    "RotaShift",
    "SinglePointOfAccess",
    "Status",
    "StatusChange",
    "Urgency",
]
