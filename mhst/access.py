"""Who may do what with MHST data (issue 6 item 9). Views ask these, never role names.

- Any member of the partnership (VIEW_PARTNERSHIP) sees its teams, their offer and capacity, the
  published allocation method and approved allocations with their rationale.
- MHST staff edit only their own team: a membership holding MANAGE_MHST (or RECORD_MHST_ACTIVITY
  for activity) at the team's provider organisation, and a place in the team (its service lead,
  or a current practitioner post): a provider running two teams has two sets of staff.
- Area leads and steering members (APPROVE_MHST_ALLOCATIONS) see proposals and record the board's
  decision; the area lead (MANAGE_PARTNERSHIP) publishes the allocation method.
- A school's staff with MANAGE_SCHOOL_READINESS see and update their own school's readiness and
  agreement; the managers of a team allocated to the school see and update them too.
- Commissioners (VIEW_DASHBOARDS) read the aggregate coverage and activity pages.
"""

from django.db.models import Q

from partnership.roles import Permission, permissions_for

from .models import Allocation, AllocationLine, AllocationStatus, Team

PUBLIC_STATUSES = (AllocationStatus.APPROVED, AllocationStatus.SUPERSEDED)


def _memberships(user, partnership, permission):
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    return [
        m for m in user._memberships() if m.partnership_id == partnership.pk and permission in permissions_for(m.roles)
    ]


def holds(user, partnership, permission) -> bool:
    return bool(_memberships(user, partnership, permission))


def managed_teams(user, partnership, permission=Permission.MANAGE_MHST):
    """The partnership's teams the user works in with `permission`."""
    return Team.objects.for_partnership(partnership).managed_by(user, permission)


def can_manage_team(user, team, permission=Permission.MANAGE_MHST) -> bool:
    """Staff of this team (its service lead or a current practitioner post) holding `permission`
    at its provider."""
    return Team.objects.filter(pk=team.pk).managed_by(user, permission).exists()


def my_schools(user, partnership) -> list[int]:
    """The schools whose readiness and agreement the user keeps as the school's own staff."""
    return [m.organisation_id for m in _memberships(user, partnership, Permission.MANAGE_SCHOOL_READINESS)]


def allocated_schools(team_ids) -> set[int]:
    """Schools with a share in the approved (active) allocation of any of these teams."""
    return set(
        AllocationLine.objects.filter(
            allocation__team_id__in=list(team_ids), allocation__status=AllocationStatus.APPROVED
        ).values_list("school_id", flat=True)
    )


def can_update_school(user, partnership, school_id) -> bool:
    """The school's own senior mental health lead, or a manager of a team allocated to it."""
    if school_id in my_schools(user, partnership):
        return True
    teams = managed_teams(user, partnership).values_list("pk", flat=True)
    return school_id in allocated_schools(teams)


def visible_allocations(user, partnership):
    """Approved and superseded versions to every member; proposals, refusals and withdrawals only to
    the team's managers and to those who approve."""
    base = Allocation.objects.for_user(user, Permission.VIEW_PARTNERSHIP).filter(team__partnership=partnership)
    if holds(user, partnership, Permission.APPROVE_MHST_ALLOCATIONS):
        return base
    mine = managed_teams(user, partnership).values_list("pk", flat=True)
    return base.filter(Q(status__in=PUBLIC_STATUSES) | Q(team_id__in=list(mine)))
