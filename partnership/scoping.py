"""Reaching partnership data through the user's memberships.

Every model that holds partnership data uses a PartnershipScopedQuerySet (directly or through a
subclass naming the path to its partnership). Views and API endpoints reach such data only through
`Model.objects.for_user(user, permission)`; tests/security/test_scoping_lint.py fails the build
when a view module uses an unscoped manager of such a model. Outsiders get a 404.
"""

from django.db import models
from django.shortcuts import get_object_or_404

from .roles import Permission


class PartnershipScopedQuerySet(models.QuerySet):
    #: lookup path from this model to its Partnership's primary key
    partnership_path = "partnership"

    def for_user(self, user, permission: Permission | None = None):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        ids = user.partnership_ids(permission)
        return self.filter(**{f"{self.partnership_path}__in": ids})

    def for_partnership(self, partnership):
        return self.filter(**{self.partnership_path: partnership})


def is_partnership_scoped(model) -> bool:
    manager = getattr(model, "_default_manager", None)
    return manager is not None and issubclass(manager._queryset_class, PartnershipScopedQuerySet)


def get_for_user_or_404(model, user, permission: Permission | None = None, **lookup):
    """Fetch one object the user may see, or 404: never a 403 that confirms it exists."""
    return get_object_or_404(model.objects.for_user(user, permission), **lookup)
