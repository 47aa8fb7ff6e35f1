from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task that must run because of a change, written in the same transaction (issue 8).

    The relay (partnership/outbox.py) hands it to the broker after commit and again, from a periodic
    sweep, until the task marks it done; so it survives a broker outage or a worker killed mid-task.
    One message per (task, object): the task's effect is keyed on it, so running twice is harmless.
    It holds a task name and an id, never a child's details.
    """

    task = models.CharField(max_length=150)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    #: when the relay last handed it to the broker (None: never, e.g. the broker was down)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "object_id"], name="outbox_one_message_per_effect")]
        indexes = [models.Index(fields=["created_at"], name="outbox_pending", condition=Q(done_at__isnull=True))]

    def __str__(self):
        return f"{self.task}({self.object_id})"


class TaskFailure(models.Model):
    """A Celery task that raised, shown to admins (Django admin) until someone marks it resolved.

    Records the task's name, id and arguments (ids only: tasks never take a child's details) and the
    exception's type; not its message, which could quote data.
    """

    task = models.CharField(max_length=150)
    task_id = models.CharField(max_length=64, blank=True)
    args = models.CharField(max_length=300, blank=True)
    exception = models.CharField(max_length=150)
    failed_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task} failed at {self.failed_at:%Y-%m-%d %H:%M}: {self.exception}"
