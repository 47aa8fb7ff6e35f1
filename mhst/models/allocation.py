"""Transparent, need-based allocation of a team's time to schools, approved by the governance
board (operating principle 3; DESIGN.md section 7).

The partnership publishes an `AllocationMethod` (which indicators count, and their weights). A
proposal (`Allocation`, version N of a team's allocation) snapshots every input per school in its
`AllocationLine`s with the workings of the need score, so the result can be shown and recomputed.
A proposal becomes active only when approved at a meeting of the steering group, recorded as a
governance `Decision`; a later change is a new version with the same path."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from partnership.scoping import PartnershipScopedQuerySet

from .team import TeamScopedQuerySet

WEIGHT = {"max_digits": 4, "decimal_places": 1, "validators": [MinValueValidator(0), MaxValueValidator(100)]}


class AllocationMethod(models.Model):
    """Version N of the partnership's published allocation method. Never edited: a change is a new
    version, so every proposal keeps the method it was calculated with."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    pupils_weight = models.DecimalField("weight for pupil numbers", default=Decimal("1"), **WEIGHT)
    fsm_weight = models.DecimalField("weight for free school meals", default=Decimal("1"), **WEIGHT)
    deprivation_weight = models.DecimalField("weight for deprivation", default=Decimal("1"), **WEIGHT)
    referral_rate_weight = models.DecimalField("weight for referral rate", default=Decimal("1"), **WEIGHT)
    readiness_weight = models.DecimalField("weight for readiness", default=Decimal("0"), **WEIGHT)
    explanation = models.TextField(help_text="Why these indicators and weights: published to all members.")
    published_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="allocation_method_number_unique"),
            models.CheckConstraint(
                condition=Q(pupils_weight__gt=0)
                | Q(fsm_weight__gt=0)
                | Q(deprivation_weight__gt=0)
                | Q(referral_rate_weight__gt=0)
                | Q(readiness_weight__gt=0),
                name="allocation_method_counts_something",
            ),
        ]

    def __str__(self):
        return f"Allocation method version {self.number}"


class AllocationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    NOT_APPROVED = "not_approved", "Not approved"
    WITHDRAWN = "withdrawn", "Withdrawn"
    SUPERSEDED = "superseded", "Superseded"


class Allocation(models.Model):
    """Version `number` of a team's allocation to schools."""

    team = models.ForeignKey("mhst.Team", on_delete=models.PROTECT, related_name="allocations")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=15, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED)
    method = models.ForeignKey(AllocationMethod, on_delete=models.PROTECT, related_name="allocations")
    capacity_on = models.DateField(help_text="The day the team's capacity was measured.")
    capacity_wte = models.DecimalField(max_digits=6, decimal_places=2)
    effective_from = models.DateField()
    rationale = models.TextField(help_text="Why this allocation: published to members once approved.")
    notes = models.JSONField(default=list, help_text="What the calculation had to handle, in words.")
    proposed_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    # The governance board's decision: a steering group meeting, a recorded Decision, who and when.
    meeting = models.ForeignKey(
        "partnership.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.OneToOneField(
        "partnership.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="mhst_allocation"
    )
    decided_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["team", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["team", "number"], name="allocation_version_unique"),
            models.UniqueConstraint(
                fields=["team"], condition=Q(status="approved"), name="one_approved_allocation_per_team"
            ),
            models.UniqueConstraint(fields=["team"], condition=Q(status="proposed"), name="one_open_proposal_per_team"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "superseded", "not_approved"])
                | (Q(meeting__isnull=False) & Q(decision__isnull=False) & Q(decided_by__isnull=False)),
                name="decided_allocation_has_meeting_and_decision",
            ),
        ]

    def __str__(self):
        return f"{self.team} allocation version {self.number}"

    @property
    def is_active(self) -> bool:
        return self.status == AllocationStatus.APPROVED

    @property
    def total_wte(self) -> Decimal:
        return sum((line.share_wte for line in self.lines.all()), Decimal("0"))


class LineQuerySet(PartnershipScopedQuerySet):
    partnership_path = "allocation__team__partnership"


class AllocationLine(models.Model):
    """One candidate school in a proposal: its inputs as they were, the need score with its workings,
    the calculated share and any adjustment (with its written reason)."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    school = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    pupils = models.PositiveIntegerField(null=True, blank=True)
    fsm_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    referrals_12m = models.PositiveIntegerField(default=0)
    referral_rate = models.DecimalField(
        "referrals per 1,000 pupils (12 months)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    readiness_met = models.PositiveSmallIntegerField(null=True, blank=True)
    need_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    tied = models.BooleanField(default=False, help_text="Another school has the same need score.")
    workings = models.JSONField(default=dict, help_text="Each indicator's value, scaled value, weight, points.")
    notes = models.JSONField(default=list, help_text="Missing data and ties, in words.")
    calculated_wte = models.DecimalField(max_digits=6, decimal_places=2)
    adjusted_wte = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    adjustment_reason = models.TextField(blank=True)
    adjusted_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    adjusted_at = models.DateTimeField(null=True, blank=True)

    objects = LineQuerySet.as_manager()

    class Meta:
        ordering = ["allocation", "rank", "school__name"]
        constraints = [
            models.UniqueConstraint(fields=["allocation", "school"], name="allocation_line_school_unique"),
            models.CheckConstraint(
                condition=Q(adjusted_wte__isnull=True) | ~Q(adjustment_reason=""),
                name="adjustment_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.school}: {self.share_wte} WTE"

    @property
    def share_wte(self) -> Decimal:
        return self.calculated_wte if self.adjusted_wte is None else self.adjusted_wte

    @property
    def sessions_per_week(self) -> Decimal:
        """A session is half a day: one whole-time equivalent is ten sessions a week."""
        return self.share_wte * 10
