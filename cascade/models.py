"""The CASCADE framework as data: versioned, loaded from a file (`manage.py load_framework`).

A framework has seven domains, each scored on the same four levels (0-3); each domain has short
guidance per level. The shipped guidance is the project's own wording; an area holding the
official descriptors loads them from a file in the same shape, without code changes.
"""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator
from django.db import models

from partnership.scoping import PartnershipScopedQuerySet


class Framework(models.Model):
    code = models.CharField(max_length=30)
    version = models.CharField(max_length=30)
    title = models.CharField(max_length=300)
    attribution = models.TextField(blank=True)
    guidance_source = models.CharField(
        max_length=200, help_text="Whose words the level guidance is in (the project's own, or the official text)."
    )
    is_current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="one_framework_per_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_current=True), name="one_current_framework_per_code"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.version}"


class Level(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="levels")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["framework", "score"]
        constraints = [models.UniqueConstraint(fields=["framework", "score"], name="one_level_per_score")]

    def __str__(self):
        return f"{self.score} {self.label}"


class Domain(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="domains")
    position = models.PositiveSmallIntegerField()
    letter = models.CharField(max_length=1)
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=300)
    #: guidance[score] describes practice at that level (one entry per level, 0 first)
    guidance = ArrayField(models.TextField(), size=4)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="one_domain_per_code"),
            models.UniqueConstraint(fields=["framework", "position"], name="one_domain_per_position"),
        ]

    def __str__(self):
        return f"{self.letter}: {self.title}"


# --- workshops -------------------------------------------------------------------------------


class Cohort(models.Model):
    """A group of schools and mental health professionals taken through round 1 and round 2."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="cohort_name_unique")]

    def __str__(self):
        return self.name


ROUND_TWO_MIN_DAYS = 6 * 7
ROUND_TWO_MAX_DAYS = 10 * 7


class Workshop(models.Model):
    """One round of a cohort. Round 1 sets the baseline; round 2, 6-10 weeks later, reviews progress.
    Scores can be corrected until a facilitator closes it; then only the area lead can reopen it."""

    class Round(models.IntegerChoices):
        ONE = 1, "Round 1 (baseline)"
        TWO = 2, "Round 2 (review)"

    class Status(models.TextChoices):
        OPEN = "open", "Open for scoring"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="workshops")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="workshops")
    round = models.PositiveSmallIntegerField(choices=Round.choices)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="workshops")
    held_on = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    facilitators = models.ManyToManyField("partnership.User", blank=True, related_name="facilitated_workshops")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey("partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "cohort__name"]
        constraints = [models.UniqueConstraint(fields=["cohort", "round"], name="one_workshop_per_cohort_round")]

    def __str__(self):
        return f"{self.cohort}, round {self.round}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def round_one(self) -> "Workshop | None":
        """Round 2's baseline: the same cohort's round 1 (None for round 1 itself, or when missing)."""
        if self.round != self.Round.TWO:
            return None
        return Workshop.objects.filter(cohort_id=self.cohort_id, round=self.Round.ONE).first()

    def interval_warning(self) -> str:
        """Round 2 should be 6-10 weeks after round 1 (DESIGN.md section 5); say so when it is not."""
        first = self.round_one()
        if first is None:
            return ""
        days = (self.held_on - first.held_on).days
        if days < ROUND_TWO_MIN_DAYS:
            return f"Round 2 is {days} days after round 1: fewer than 6 weeks leaves little time to act."
        if days > ROUND_TWO_MAX_DAYS:
            return f"Round 2 is {days} days after round 1: more than 10 weeks after the baseline."
        return ""


class WorkshopQuerySet(PartnershipScopedQuerySet):
    partnership_path = "workshop__partnership"


class Sector(models.TextChoices):
    """The sectors CASCADE attendance is reported by (DESIGN.md section 5)."""

    EDUCATION = "education", "Education"
    NHS_CYPMHS = "nhs_cypmhs", "NHS CYPMHS"
    OTHER_CYPMHS = "other_cypmhs", "Other CYP mental health provider"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VCSO = "vcso", "Voluntary and community sector"
    GP = "gp", "GP"
    OTHER = "other", "Other"


class WorkshopAttendance(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    user = models.ForeignKey("partnership.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=20, choices=Sector.choices)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"


class ScoringTable(models.Model):
    """A table of the workshop: the people around it agree one score per domain."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="tables")
    label = models.CharField(max_length=50)
    organisations = models.ManyToManyField("partnership.Organisation", blank=True, related_name="+")

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "label"]
        constraints = [models.UniqueConstraint(fields=["workshop", "label"], name="table_label_unique")]

    def __str__(self):
        return f"{self.workshop}, table {self.label}"


class ScoreQuerySet(PartnershipScopedQuerySet):
    partnership_path = "table__workshop__partnership"


class DomainScore(models.Model):
    """A table's score (0-3) for one domain, with its optional notes."""

    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    what_works = models.TextField(blank=True)
    what_gets_in_the_way = models.TextField(blank=True)
    evidence = models.TextField(blank=True)
    #: who last saved it; empty when it came in through `manage.py import_cascade_scores`
    updated_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["table", "domain__position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "domain"], name="one_score_per_table_domain"),
            models.CheckConstraint(condition=models.Q(score__lte=3), name="score_0_to_3"),
        ]

    def __str__(self):
        return f"{self.table}: {self.domain.code} = {self.score}"


# --- representation, action plans -----------------------------------------------------------


class RepresentationTarget(models.Model):
    """The share of workshop attendance the area lead aims for from one sector (the target mix)."""

    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="cascade_representation_targets"
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "sector"], name="one_target_per_sector"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="target_percent_0_to_100"),
        ]

    def __str__(self):
        return f"{self.get_sector_display()}: {self.percent}%"


class PlannedAction(models.Model):
    """Ties an action on the partnership's action log to the workshop that agreed it and the
    CASCADE domain it targets. The action itself (owner, due date, RAG) lives in the log."""

    action = models.OneToOneField("partnership.Action", on_delete=models.PROTECT, related_name="cascade_plan")
    workshop = models.ForeignKey(Workshop, on_delete=models.PROTECT, related_name="planned_actions")
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="planned_actions")

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["domain__position", "action__number"]

    def __str__(self):
        return f"{self.action.reference} ({self.domain.code})"
