from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_OUT = "sign_out", "Signed out"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_IN_LOCKED_OUT = "sign_in_locked_out", "Sign-in refused: too many failures"
    MFA_FAILED = "mfa_failed", "Wrong two-factor code"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    SESSION_EXPIRED = "session_expired", "Session ended at its absolute limit"
    MFA_ACTIVATED = "mfa_activated", "Two-factor authentication set up"
    MFA_DEACTIVATED = "mfa_deactivated", "Two-factor authentication removed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    STATE_CHANGE = "state_change", "Changed state"
    VIEW_CHILD_DETAILS = "view_child_details", "Viewed a child's details"
    EXPORT = "export", "Exported"
    TOKEN_ISSUED = "token_issued", "API token issued"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    NOTIFICATION_SENT = "notification_sent", "Notification sent"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One append-only row per audited event. Written only by partnership.services.audit.

    The database refuses UPDATE and DELETE on this table (a trigger added by migration), so rows
    cannot be changed even by code that bypasses the ORM.
    """

    occurred_at = models.DateTimeField(default=timezone.now, db_index=True, editable=False)
    actor = models.ForeignKey(
        "partnership.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    actor_label = models.CharField(max_length=254, editable=False, help_text="email, 'system' or 'anonymous'")
    action = models.CharField(max_length=30, choices=AuditAction.choices, db_index=True, editable=False)
    object_type = models.CharField(max_length=100, blank=True, editable=False)
    object_id = models.CharField(max_length=64, blank=True, editable=False)
    partnership_id = models.BigIntegerField(null=True, blank=True, db_index=True, editable=False)
    request_id = models.CharField(max_length=64, blank=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    detail = models.JSONField(default=dict, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action} {self.object_type}:{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")
