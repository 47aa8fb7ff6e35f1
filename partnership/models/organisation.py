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


class Sector(models.TextChoices):
    """The sectors a partnership's membership list is grouped by, and quorum can require."""

    EDUCATION = "education", "Schools and colleges"
    HEALTH = "health", "Health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    VOLUNTARY = "voluntary", "Voluntary and community sector"
    OTHER = "other", "Other"


SECTOR_OF_KIND = {
    OrganisationKind.PRIMARY: Sector.EDUCATION,
    OrganisationKind.SECONDARY: Sector.EDUCATION,
    OrganisationKind.ALL_THROUGH: Sector.EDUCATION,
    OrganisationKind.SPECIAL: Sector.EDUCATION,
    OrganisationKind.ALTERNATIVE_PROVISION: Sector.EDUCATION,
    OrganisationKind.INDEPENDENT: Sector.EDUCATION,
    OrganisationKind.FE_COLLEGE: Sector.EDUCATION,
    OrganisationKind.CYPMHS: Sector.HEALTH,
    OrganisationKind.ICB: Sector.HEALTH,
    OrganisationKind.GP_PRACTICE: Sector.HEALTH,
    OrganisationKind.SCHOOL_NURSING: Sector.HEALTH,
    OrganisationKind.LOCAL_AUTHORITY: Sector.LOCAL_AUTHORITY,
    OrganisationKind.EDUCATIONAL_PSYCHOLOGY: Sector.LOCAL_AUTHORITY,
    OrganisationKind.SOCIAL_CARE: Sector.LOCAL_AUTHORITY,
    OrganisationKind.VCSO: Sector.VOLUNTARY,
    OrganisationKind.OTHER: Sector.OTHER,
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
    # From the GIAS register (schools and colleges only).
    la_code = models.CharField("local authority code", max_length=3, blank=True, db_index=True)
    establishment_type = models.CharField(max_length=100, blank=True)
    establishment_status = models.CharField(max_length=50, blank=True)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
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

    @property
    def sector(self) -> Sector:
        return SECTOR_OF_KIND[OrganisationKind(self.kind)]


class OrganisationLink(models.Model):
    """A GIAS link between establishments: an academy conversion, a merger, an amalgamation.

    `predecessor` became (part of) `successor`; the successor keeps the predecessor's history.
    """

    predecessor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="predecessor_links")
    link_type = models.CharField(max_length=100)
    linked_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-linked_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="link_not_to_self"),
        ]

    def __str__(self):
        return f"{self.predecessor} -> {self.successor} ({self.link_type})"


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
    applied_on = models.DateField(null=True, blank=True)
    application_note = models.TextField(
        blank=True, help_text="Why the organisation wants to join and who will represent it."
    )
    applied_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    joined_on = models.DateField(null=True, blank=True)
    lapsed_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    status_note = models.TextField(blank=True, help_text="Why the status last changed (lapsed, left, declined).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "organisation"], name="one_membership_per_organisation"),
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self):
        return f"{self.organisation} in {self.partnership}"

    @property
    def sector(self) -> Sector:
        return self.organisation.sector
