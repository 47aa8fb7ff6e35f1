from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models

from ..roles import Role
from ..scoping import PartnershipScopedQuerySet


class Membership(models.Model):
    """A user's place in a partnership: which organisation they act for, and with which roles."""

    user = models.ForeignKey("partnership.User", on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=30, choices=Role.choices), default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "organisation"], name="one_membership_per_place"),
        ]
        indexes = [models.Index(fields=["partnership", "is_active"])]

    def __str__(self):
        return f"{self.user} at {self.organisation} ({', '.join(self.roles)})"

    def clean(self):
        unknown = [r for r in self.roles if r not in Role.values]
        if unknown:
            raise ValidationError({"roles": f"Unknown roles: {', '.join(unknown)}"})
        if not self.roles:
            raise ValidationError({"roles": "Choose at least one role."})

    @property
    def role_objects(self) -> list[Role]:
        return [Role(r) for r in self.roles]
