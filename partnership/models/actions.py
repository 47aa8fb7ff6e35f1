from datetime import date, timedelta

from django.db import models
from django.db.models import Case, Q, Value, When

from ..scoping import PartnershipScopedQuerySet

#: an action due within this many days is Amber
AMBER_WITHIN_DAYS = 14


class Rag(models.TextChoices):
    """Red, Amber, Green or Complete: always shown as text as well as colour."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    COMPLETE = "complete", "Complete"


def rag_for(*, status: str, due_date: date, at_risk: bool, today: date) -> Rag:
    """The one definition of an action's RAG (the queryset's `with_rag` is the same rule in SQL)."""
    if status in (Action.Status.COMPLETE, Action.Status.CANCELLED):
        return Rag.COMPLETE
    if due_date < today:
        return Rag.RED
    if at_risk or due_date <= today + timedelta(days=AMBER_WITHIN_DAYS):
        return Rag.AMBER
    return Rag.GREEN


class ActionQuerySet(PartnershipScopedQuerySet):
    def with_rag(self, today: date):
        done = Q(status__in=[Action.Status.COMPLETE, Action.Status.CANCELLED])
        return self.annotate(
            rag=Case(
                When(done, then=Value(Rag.COMPLETE.value)),
                When(due_date__lt=today, then=Value(Rag.RED.value)),
                When(
                    Q(at_risk=True) | Q(due_date__lte=today + timedelta(days=AMBER_WITHIN_DAYS)),
                    then=Value(Rag.AMBER.value),
                ),
                default=Value(Rag.GREEN.value),
                output_field=models.CharField(),
            )
        )

    def open(self):
        return self.exclude(status__in=[Action.Status.COMPLETE, Action.Status.CANCELLED])


class Action(models.Model):
    """An action on the partnership's action log, with a stable reference (A0001)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    class Source(models.TextChoices):
        MEETING = "meeting", "Meeting"
        WORKSHOP = "workshop", "CASCADE workshop"
        CASCADE_DOMAIN = "cascade_domain", "CASCADE domain"
        RISK = "risk", "Risk"
        OTHER = "other", "Other"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    owner = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="owned_actions")
    owner_organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    at_risk = models.BooleanField("flagged at risk", default=False)
    source = models.CharField(max_length=15, choices=Source.choices, default=Source.OTHER)
    source_meeting = models.ForeignKey(
        "partnership.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    source_risk = models.ForeignKey(
        "partnership.Risk", null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    source_detail = models.CharField(
        max_length=200, blank=True, help_text="For example the CASCADE domain or the workshop the action came from."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "number"]
        constraints = [models.UniqueConstraint(fields=["partnership", "number"], name="action_number_unique")]
        indexes = [models.Index(fields=["partnership", "status", "due_date"]), models.Index(fields=["owner", "status"])]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"A{self.number:04d}"

    def rag_on(self, today: date) -> Rag:
        return rag_for(status=self.status, due_date=self.due_date, at_risk=self.at_risk, today=today)


class ActionUpdateQuerySet(PartnershipScopedQuerySet):
    partnership_path = "action__partnership"


class ActionUpdate(models.Model):
    """One entry on an action's progress timeline. Never edited: a correction is a new entry."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    status_from = models.CharField(max_length=12, choices=Action.Status.choices, blank=True)
    status_to = models.CharField(max_length=12, choices=Action.Status.choices, blank=True)
    due_date_from = models.DateField(null=True, blank=True)
    due_date_to = models.DateField(null=True, blank=True)

    objects = ActionUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.action.reference} update by {self.by} at {self.at:%d %b %Y %H:%M}"
