from .actions import Action, ActionUpdate, Rag
from .audit import AuditEvent
from .directory import Channel, DirectoryService, Need, SchoolPhase, ServiceSchedule, Thrive
from .exports import ExportJob
from .groups import Group, GroupMember, TermsOfReference
from .leads import LeadContact
from .meetings import Attendance, Decision, Meeting
from .membership import Membership
from .mou import Mou, MouParty
from .notification import SentNotification
from .organisation import Organisation, OrganisationKind, OrganisationLink, PartnershipOrganisation, Sector
from .outbox import OutboxMessage, TaskFailure
from .partnership import Partnership
from .risks import Risk, RiskRating
from .sustainability import FundingStream, SustainabilityPlan
from .user import User

__all__ = [
    "Action",
    "ActionUpdate",
    "Attendance",
    "AuditEvent",
    "Channel",
    "Decision",
    "DirectoryService",
    "ExportJob",
    "FundingStream",
    "Group",
    "GroupMember",
    "LeadContact",
    "Meeting",
    "Membership",
    "Mou",
    "MouParty",
    "Need",
    "Organisation",
    "OrganisationKind",
    "OrganisationLink",
    "OutboxMessage",
    "Partnership",
    "PartnershipOrganisation",
    "Rag",
    "Risk",
    "RiskRating",
    "SchoolPhase",
    "Sector",
    "SentNotification",
    "ServiceSchedule",
    "SustainabilityPlan",
    "TaskFailure",
    "TermsOfReference",
    "Thrive",
    "User",
]
