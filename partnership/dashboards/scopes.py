"""Whose figures a user may see on a dashboard.

- Partnership: a partnership where the user holds VIEW_DASHBOARDS (area lead, commissioner, duty
  lead, MHST manager); the view reaches it through `partnership_for` (404 otherwise).
- Commissioner: every partnership where the user holds VIEW_DASHBOARDS, added together.
- National: every active partnership, for a national dashboard reader (`User.reads_national_dashboard`).
  Only this level is published without small-number suppression.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from ..figures import Level, Scope
from ..models import Partnership
from ..roles import Permission


def partnership_scope(partnership) -> Scope:
    return Scope(Level.PARTNERSHIP, (partnership.pk,), partnership.name)


def commissioner_scope(user) -> Scope | None:
    ids = tuple(user.partnership_ids(Permission.VIEW_DASHBOARDS)) if user.is_authenticated else ()
    if not ids:
        return None
    label = "Your partnership" if len(ids) == 1 else f"Your {len(ids)} partnerships together"
    return Scope(Level.COMMISSIONER, ids, label)


def national_scope(user) -> Scope | None:
    if not (user.is_authenticated and user.is_active and user.reads_national_dashboard):
        return None
    ids = tuple(Partnership.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    return Scope(Level.NATIONAL, ids, "England (all partnerships)")


def area_scope(user, area: str) -> Scope | None:
    """`area` from the URL: "commissioned" or "national"; None when the user may not see it."""
    if area == "commissioned":
        return commissioner_scope(user)
    if area == "national":
        return national_scope(user)
    return None


def dashboard_partnerships(user):
    """The partnerships whose own dashboard the user may open, for the dashboards index."""
    return Partnership.objects.for_user(user, Permission.VIEW_DASHBOARDS).filter(is_active=True).order_by("name")


def area_scope_or_refuse(user, area: str) -> Scope:
    """For a view: the area's scope, or 403 (commissioned: the user reads no dashboard) or 404
    (national: only national readers know it is there)."""
    scope = area_scope(user, area)
    if scope is not None:
        return scope
    if area == "commissioned":
        raise PermissionDenied("You do not read any partnership's dashboard.")
    raise Http404("No such dashboard.")


def may_export(user, scope: Scope) -> bool:
    """National readers may take the national pack; below national level the user must read dashboards
    and download aggregates in every partnership of the scope."""
    if not (user.is_authenticated and user.is_active):
        return False
    if scope.national:
        return user.reads_national_dashboard
    ids = set(scope.partnership_ids)
    return bool(ids) and ids <= set(user.partnership_ids(Permission.VIEW_DASHBOARDS)) & set(
        user.partnership_ids(Permission.EXPORT_AGGREGATES)
    )
