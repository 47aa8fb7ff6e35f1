from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..scoping import PartnershipScopedQuerySet


class OrganisationKind(models.TextChoices):
    PRIMARY = "primary", "Primary school"
    SECONDARY = "secondary", "Secondary school"
    ALL_THROUGH = "all_through", "All-through school"
    SPECIAL = "special", "Special school"
    ALTERNATIVE_PROVISION = "alternative_provision", "Pupil referral unit or alternative provision"
    INDEPENDENT = "independent", "Independent school"
    FE_COLLEGE = "fe_college", "Further education college"
    CYPMHS = "cypmhs", "NHS children and young people's mental health service"
    ICB = "icb", "Integrated care board"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VCSO = "vcso", "Voluntary or community sector organisation"
    GP_PRACTICE = "gp_practice", "GP practice"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology service"
    SCHOOL_NURSING = "school_nursing", "School nursing service"
    SOCIAL_CARE = "social_care", "Children's social care"
    OTHER = "other", "Other"

    @classmethod
    def education(cls):
        return {
            cls.PRIMARY,
            cls.SECONDARY,
            cls.ALL_THROUGH,
            cls.SPECIAL,
            cls.ALTERNATIVE_PROVISION,
            cls.INDEPENDENT,
            cls.FE_COLLEGE,
        }


class Organisation(models.Model):
    """An organisation in the national register: a school or college, an NHS body, a council, a charity.

    Reference data, not partnership data: a partnership's members are PartnershipOrganisation rows.
    """

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=30, choices=OrganisationKind.choices)
    urn = models.PositiveIntegerField(
        "URN", unique=True, null=True, blank=True, help_text="GIAS unique reference number"
    )
    laestab = models.CharField("LAESTAB", max_length=7, blank=True)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    phase = models.CharField(max_length=50, blank=True)
    pupil_count = models.PositiveIntegerField(null=True, blank=True)
    fsm_percent = models.DecimalField(
        "% free school meals",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    postcode = models.CharField(max_length=10, blank=True)
    lsoa_code = models.CharField("LSOA code", max_length=9, blank=True)
    deprivation_decile = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ods_code"], condition=~models.Q(ods_code=""), name="organisation_unique_ods_code"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_education(self) -> bool:
        return self.kind in OrganisationKind.education()


class PartnershipOrganisation(models.Model):
    """An organisation's membership of a partnership."""

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        ACTIVE = "active", "Active"
        LAPSED = "lapsed", "Lapsed"
        LEFT = "left", "Left"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="members")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    joined_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="one_membership_per_organisation"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.partnership}"
