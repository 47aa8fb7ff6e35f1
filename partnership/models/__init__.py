from .audit import AuditEvent
from .membership import Membership
from .notification import SentNotification
from .organisation import Organisation, OrganisationKind, PartnershipOrganisation
from .partnership import Partnership
from .user import User

__all__ = [
    "AuditEvent",
    "Membership",
    "Organisation",
    "OrganisationKind",
    "Partnership",
    "PartnershipOrganisation",
    "SentNotification",
    "User",
]
