from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..scoping import PartnershipScopedQuerySet

_ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskRating(models.TextChoices):
    """The rating of a 5 x 5 score (NHS risk matrix bands)."""

    LOW = "low", "Low"  # 1-3
    MODERATE = "moderate", "Moderate"  # 4-6
    HIGH = "high", "High"  # 8-12
    EXTREME = "extreme", "Extreme"  # 15-25


def rating_for(score: int) -> RiskRating:
    if score <= 3:
        return RiskRating.LOW
    if score <= 6:
        return RiskRating.MODERATE
    if score <= 12:
        return RiskRating.HIGH
    return RiskRating.EXTREME


class Risk(models.Model):
    """A risk on the partnership's register, with a stable reference (R001).

    Risks seeded from the evidence start as `proposed` for the area lead to keep or remove.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (keep or remove)"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="risks")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    likelihood = models.PositiveSmallIntegerField(validators=_ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(validators=_ONE_TO_FIVE)
    score = models.GeneratedField(
        expression=models.F("likelihood") * models.F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    owner = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="owned_risks"
    )
    controls = models.TextField(blank=True, help_text="What is already in place to reduce the risk.")
    review_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    seed_key = models.CharField(max_length=40, blank=True, help_text="Which common risk this was seeded from.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="risk_number_unique"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5), name="risk_likelihood_1_5"
            ),
            models.CheckConstraint(condition=models.Q(impact__gte=1, impact__lte=5), name="risk_impact_1_5"),
        ]

    def __str__(self):
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"R{self.number:03d}"

    @property
    def rating(self) -> RiskRating:
        return rating_for(self.likelihood * self.impact)
