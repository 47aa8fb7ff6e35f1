from rest_framework.permissions import BasePermission

from ..roles import Permission


class DenyAll(BasePermission):
    """The default for every API view: nothing is open until a view says what it needs."""

    def has_permission(self, request, view):
        return False


class IsSignedIn(BasePermission):
    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active)


def HasPermission(permission: Permission) -> type[BasePermission]:
    """A DRF permission class that requires one of the platform's permissions in any membership."""

    class _HasPermission(IsSignedIn):
        def has_permission(self, request, view):
            return super().has_permission(request, view) and request.user.has_permission(permission)

    _HasPermission.__name__ = f"Has_{permission.value}"
    return _HasPermission
