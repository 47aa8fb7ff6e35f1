import uuid

from django.db import models


class ExportJobQuerySet(models.QuerySet):
    def for_user(self, user):
        """An export is its requester's alone: anyone else gets a 404."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(requested_by=user)


class ExportJob(models.Model):
    """A long export (the dashboard's PDF board pack) built by a Celery worker.

    The requester watches its progress and downloads the file when it is ready. It holds aggregate,
    disclosure-controlled figures only. `params` records the scope and filters it was built for
    (partnership IDs, period, phase, school ID): never a child's details.
    """

    class Kind(models.TextChoices):
        BOARD_PACK = "board_pack", "PDF board pack"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey("partnership.User", on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    params = models.JSONField(default=dict)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    message = models.CharField(max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"
