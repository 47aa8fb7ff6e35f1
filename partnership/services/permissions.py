"""The one permission check services make themselves (ADR 0008): a view that forgets is not a hole.

Every service that writes on behalf of a user calls `require` before it reads anything it will
change, so a refusal writes nothing: no row, no audit event.
"""

from django.core.exceptions import PermissionDenied

from ..models import Partnership, User
from ..roles import Permission

MESSAGES = {
    Permission.MANAGE_PARTNERSHIP: "Only the partnership's area lead can do this.",
    Permission.VIEW_PARTNERSHIP: "You are not a member of this partnership.",
}


def allowed(user: User, partnership: Partnership | int, permission: Permission) -> bool:
    """Whether `user` holds `permission` in `partnership` (a Partnership or its pk)."""
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return partnership_id in user.partnership_ids(permission)


def require(user: User, partnership: Partnership | int, permission: Permission) -> None:
    """Raise PermissionDenied unless `user` holds `permission` in `partnership`."""
    if not allowed(user, partnership, permission):
        raise PermissionDenied(MESSAGES.get(permission, "You do not have permission to do this."))
