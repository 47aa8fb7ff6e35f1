from django.db import models

from ..scoping import PartnershipScopedQuerySet


class MeetingQuerySet(PartnershipScopedQuerySet):
    partnership_path = "group__partnership"


class Meeting(models.Model):
    """One meeting of a group: scheduled from the terms of reference cadence, then held (with
    attendance, quorum, minutes, decisions and actions) or cancelled."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    group = models.ForeignKey("partnership.Group", on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    # The terms in force when attendance was recorded, and the quorum check against them.
    terms = models.ForeignKey(
        "partnership.TermsOfReference", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quorate = models.BooleanField(null=True, blank=True)
    quorum_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["group", "starts_at"])]

    def __str__(self):
        return f"{self.group} on {self.starts_at:%d %B %Y}"


class AttendanceQuerySet(PartnershipScopedQuerySet):
    partnership_path = "meeting__group__partnership"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Sent apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices)
    is_member = models.BooleanField(default=True, help_text="A member of the group (counts towards quorum).")

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_person")]

    def __str__(self):
        return f"{self.user}: {self.get_status_display()}"


class Decision(models.Model):
    """A decision recorded at a meeting, with a stable reference (D0001) unique in the partnership."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    text = models.TextField()
    created_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["partnership", "number"], name="decision_number_unique")]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        return f"D{self.number:04d}"
