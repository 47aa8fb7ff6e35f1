"""A school's readiness for its MHST, its agreement with the team, and the activity log (which
holds no child-identifiable data: counts only)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from partnership.scoping import PartnershipScopedQuerySet

from .reference import Function, ReadinessCode
from .team import TeamScopedQuerySet


class ReadinessStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"


class ReadinessItem(models.Model):
    """One of the ten checklist items for one school. A missing row reads as Not started."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=30, choices=ReadinessCode.choices)
    status = models.CharField(max_length=15, choices=ReadinessStatus.choices, default=ReadinessStatus.NOT_STARTED)
    evidence = models.TextField(blank=True, help_text="What shows the item is met (no child's details).")
    confirmed_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "school", "code"], name="one_readiness_item_per_code"),
            models.CheckConstraint(
                condition=~models.Q(status="met") | (models.Q(confirmed_by__isnull=False) & ~models.Q(evidence="")),
                name="met_readiness_item_has_evidence_and_confirmation",
            ),
        ]

    def __str__(self):
        return f"{self.school}: {self.get_code_display()} ({self.get_status_display()})"


class Agreement(models.Model):
    """The agreement between a team and one school: the palette of support chosen from the team's
    offer, named contacts on both sides, the protocol's endorsement and the review date."""

    team = models.ForeignKey("mhst.Team", on_delete=models.PROTECT, related_name="agreements")
    school = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    palette = models.ManyToManyField("mhst.OfferItem", blank=True, related_name="agreements")
    school_contact_name = models.CharField(max_length=200, blank=True)
    school_contact_role = models.CharField(max_length=200, blank=True)
    school_contact_email = models.EmailField(blank=True)
    team_contact = models.ForeignKey(
        "mhst.Practitioner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endorsed_by = models.CharField(
        "protocol endorsed by", max_length=200, blank=True, help_text="Name and role on the senior leadership team."
    )
    endorsed_on = models.DateField("protocol endorsed on", null=True, blank=True)
    review_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["school__name"]
        constraints = [models.UniqueConstraint(fields=["team", "school"], name="one_agreement_per_team_school")]

    def __str__(self):
        return f"{self.team} and {self.school}"


class ActivityType(models.TextChoices):
    INDIVIDUAL = "individual", "Individual session"
    GROUP = "group", "Group session"
    PARENT_GROUP = "parent_group", "Parent group"
    STAFF_TRAINING = "staff_training", "Staff training"
    CONSULTATION = "consultation", "Consultation with school staff"
    ASSEMBLY = "assembly", "Assembly or class session"
    WHOLE_SCHOOL = "whole_school", "Whole-school planning with the senior mental health lead"
    LIAISON = "liaison", "Liaison with a specialist service"
    OTHER = "other", "Other"


class Activity(models.Model):
    """One piece of MHST work in a school: counts only, never a child's details."""

    team = models.ForeignKey("mhst.Team", on_delete=models.PROTECT, related_name="activities")
    school = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    practitioner = models.ForeignKey("mhst.Practitioner", on_delete=models.PROTECT, related_name="activities")
    date = models.DateField()
    function = models.PositiveSmallIntegerField(choices=Function.choices)
    type = models.CharField(max_length=20, choices=ActivityType.choices)
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(1), MaxValueValidator(600)])
    children_reached = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(5000)])
    adults_reached = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(5000)])
    recorded_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    import_batch = models.CharField(max_length=36, blank=True, help_text="The CSV import that created it, if any.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "activities"
        indexes = [models.Index(fields=["team", "date"]), models.Index(fields=["school", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1) & models.Q(duration_minutes__lte=600),
                name="activity_duration_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} at {self.school} on {self.date}"
