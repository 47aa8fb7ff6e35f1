"""Roles and permissions, declared in one place.

A Membership gives a user one or more roles within one organisation in one partnership. A role
grants permissions; views and API endpoints ask for a permission, never for a role by name.
"""

from dataclasses import dataclass

from django.db import models


class Permission(models.TextChoices):
    VIEW_PARTNERSHIP = "view_partnership", "See the partnership's members, groups and governance"
    MANAGE_PARTNERSHIP = "manage_partnership", "Manage the partnership's details, members and governance"
    UPDATE_OWN_ACTIONS = "update_own_actions", "Update the progress of actions they own"
    MANAGE_OWN_ORGANISATION = (
        "manage_own_organisation",
        "Keep their own organisation's lead contacts current",
    )
    RUN_CASCADE_WORKSHOPS = "run_cascade_workshops", "Run CASCADE workshops and record table scores"
    VIEW_CASCADE_RESULTS = "view_cascade_results", "See CASCADE results for the partnership"
    SUBMIT_REFERRALS = "submit_referrals", "Submit SBARD referrals for their school and follow them"
    VIEW_SCHOOL_REFERRALS = "view_school_referrals", "See their own school's referrals, including the child's details"
    MANAGE_SCHOOL_READINESS = "manage_school_readiness", "Keep their school's MHST readiness checklist up to date"
    TRIAGE_REFERRALS = "triage_referrals", "Claim and triage referrals to their single point of access"
    LEAD_DUTY_TEAM = "lead_duty_team", "Run the duty rota, reassign referrals and receive breach warnings"
    MANAGE_MHST = "manage_mhst", "Manage their Mental Health Support Team, its practitioners and school allocations"
    APPROVE_MHST_ALLOCATIONS = (
        "approve_mhst_allocations",
        "See proposed MHST allocations and record the governance board's decision on them",
    )
    RECORD_MHST_ACTIVITY = (
        "record_mhst_activity",
        "Record MHST activity and work with referrals allocated to their team",
    )
    VIEW_DASHBOARDS = "view_dashboards", "Read dashboards of aggregate figures (never a child's details)"
    EXPORT_AGGREGATES = "export_aggregates", "Download aggregate figures as CSV or XLSX"
    USE_API = "use_api", "Issue API tokens and use the REST API"


@dataclass(frozen=True)
class RoleInfo:
    description: str
    permissions: frozenset[Permission]
    sees_child_details: bool = False


class Role(models.TextChoices):
    AREA_LEAD = "area_lead", "Area lead"
    STEERING_MEMBER = "steering_member", "Steering group member"
    SCHOOL_STAFF = "school_staff", "School or college staff (referrer)"
    SCHOOL_MH_LEAD = "school_mh_lead", "Senior mental health lead (school or college)"
    DUTY_CLINICIAN = "duty_clinician", "Duty clinician"
    DUTY_LEAD = "duty_lead", "Duty lead"
    MHST_MANAGER = "mhst_manager", "MHST manager"
    MHST_PRACTITIONER = "mhst_practitioner", "MHST practitioner"
    COMMISSIONER = "commissioner", "Commissioner"
    FACILITATOR = "facilitator", "CASCADE workshop facilitator"

    @property
    def info(self) -> RoleInfo:
        return ROLES[self]

    @property
    def description(self) -> str:
        return ROLES[self].description


P = Permission
ROLES: dict[Role, RoleInfo] = {
    Role.AREA_LEAD: RoleInfo(
        "Runs the partnership: members, steering group, terms of reference, MOUs, actions and risks; "
        "runs CASCADE workshops.",
        frozenset(
            {
                P.VIEW_PARTNERSHIP,
                P.MANAGE_PARTNERSHIP,
                P.MANAGE_OWN_ORGANISATION,
                P.UPDATE_OWN_ACTIONS,
                P.RUN_CASCADE_WORKSHOPS,
                P.VIEW_CASCADE_RESULTS,
                P.APPROVE_MHST_ALLOCATIONS,
                P.VIEW_DASHBOARDS,
                P.EXPORT_AGGREGATES,
                P.USE_API,
            }
        ),
    ),
    Role.STEERING_MEMBER: RoleInfo(
        "Sits on the steering group: reads the partnership's governance, updates the actions they own and "
        "approves MHST allocations.",
        frozenset(
            {
                P.VIEW_PARTNERSHIP,
                P.UPDATE_OWN_ACTIONS,
                P.MANAGE_OWN_ORGANISATION,
                P.VIEW_CASCADE_RESULTS,
                P.APPROVE_MHST_ALLOCATIONS,
            }
        ),
    ),
    Role.SCHOOL_STAFF: RoleInfo(
        "Submits SBARD referrals for their school or college and follows their status and decisions.",
        frozenset({P.VIEW_PARTNERSHIP, P.SUBMIT_REFERRALS, P.VIEW_SCHOOL_REFERRALS}),
        sees_child_details=True,
    ),
    Role.SCHOOL_MH_LEAD: RoleInfo(
        "Leads mental health in their school or college: referrals, the school's lead contacts and MHST readiness.",
        frozenset(
            {
                P.VIEW_PARTNERSHIP,
                P.SUBMIT_REFERRALS,
                P.VIEW_SCHOOL_REFERRALS,
                P.MANAGE_SCHOOL_READINESS,
                P.MANAGE_OWN_ORGANISATION,
            }
        ),
        sees_child_details=True,
    ),
    Role.DUTY_CLINICIAN: RoleInfo(
        "Triages the single point of access queue when on duty: claims, decides, records first contact.",
        frozenset({P.VIEW_PARTNERSHIP, P.TRIAGE_REFERRALS, P.USE_API}),
        sees_child_details=True,
    ),
    Role.DUTY_LEAD: RoleInfo(
        "Leads the duty team: the rota, reassignment, and warnings of referrals nearing the four-week standard.",
        frozenset(
            {
                P.VIEW_PARTNERSHIP,
                P.TRIAGE_REFERRALS,
                P.LEAD_DUTY_TEAM,
                P.MANAGE_OWN_ORGANISATION,
                P.VIEW_DASHBOARDS,
                P.USE_API,
            }
        ),
        sees_child_details=True,
    ),
    Role.MHST_MANAGER: RoleInfo(
        "Manages a Mental Health Support Team: practitioners, school allocations, readiness and activity.",
        frozenset(
            {
                P.VIEW_PARTNERSHIP,
                P.MANAGE_MHST,
                P.RECORD_MHST_ACTIVITY,
                P.MANAGE_OWN_ORGANISATION,
                P.VIEW_DASHBOARDS,
                P.USE_API,
            }
        ),
        sees_child_details=True,
    ),
    Role.MHST_PRACTITIONER: RoleInfo(
        "Works in a Mental Health Support Team: records activity and works with allocated referrals.",
        frozenset({P.VIEW_PARTNERSHIP, P.RECORD_MHST_ACTIVITY, P.USE_API}),
        sees_child_details=True,
    ),
    Role.COMMISSIONER: RoleInfo(
        "Commissions services for the ICB or local authority: reads dashboards and downloads aggregates.",
        frozenset({P.VIEW_PARTNERSHIP, P.VIEW_CASCADE_RESULTS, P.VIEW_DASHBOARDS, P.EXPORT_AGGREGATES, P.USE_API}),
    ),
    Role.FACILITATOR: RoleInfo(
        "Facilitates CASCADE workshops: attendance, tables and live scoring (on the page or through the API).",
        frozenset({P.VIEW_PARTNERSHIP, P.RUN_CASCADE_WORKSHOPS, P.VIEW_CASCADE_RESULTS, P.USE_API}),
    ),
}

# Roles whose holders can see a child's details must sign in with a second factor.
CHILD_DETAIL_ROLES = frozenset(role for role, info in ROLES.items() if info.sees_child_details)


def permissions_for(roles) -> frozenset[Permission]:
    granted: set[Permission] = set()
    for role in roles:
        granted |= ROLES[Role(role)].permissions
    return frozenset(granted)
