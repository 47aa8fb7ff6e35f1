from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models

from ..scoping import PartnershipScopedQuerySet
from .organisation import Sector


class Group(models.Model):
    """A governance group of the partnership: the steering group, a forum or a working group."""

    class Kind(models.TextChoices):
        STEERING = "steering", "Steering group"
        FORUM = "forum", "Forum"
        WORKING = "working", "Working group"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="group_name_unique_in_partnership")]

    def __str__(self):
        return self.name

    def published_terms(self):
        return self.terms.filter(status=TermsOfReference.Status.PUBLISHED).first()


class GroupMemberQuerySet(PartnershipScopedQuerySet):
    partnership_path = "group__partnership"

    def current(self):
        return self.filter(left_on__isnull=True)


class GroupMember(models.Model):
    """A person's seat on a group, representing a member organisation.

    A liaison seat is held by a member of another group (`liaison_from`), to carry information
    between the two (for example a forum's chair sitting on the steering group).
    """

    class SeatRole(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        LIAISON = "liaison", "Strategic liaison"

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="group_seats")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=SeatRole.choices, default=SeatRole.MEMBER)
    liaison_from = models.ForeignKey(
        Group,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaison_seats",
        help_text="For a liaison seat: the group its holder comes from.",
    )
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupMemberQuerySet.as_manager()

    class Meta:
        ordering = ["group", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=models.Q(left_on__isnull=True), name="one_current_seat_per_person"
            ),
            models.UniqueConstraint(
                fields=["group"],
                condition=models.Q(left_on__isnull=True, role="chair"),
                name="one_current_chair_per_group",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="liaison") | models.Q(liaison_from__isnull=False),
                name="liaison_seat_names_its_group",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.group})"

    @property
    def sector(self) -> Sector:
        return self.organisation.sector


class TermsQuerySet(PartnershipScopedQuerySet):
    partnership_path = "group__partnership"


class TermsOfReference(models.Model):
    """One version of a group's terms of reference. Drafts can be edited; once approved a version
    is fixed, and changing it means a new draft. Publishing a version supersedes the one before."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        SIX_WEEKLY = "six_weekly", "Every six weeks"
        BIMONTHLY = "bimonthly", "Every two months"
        TERMLY = "termly", "Once a school term"
        QUARTERLY = "quarterly", "Quarterly"

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="terms")
    version = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    purpose = models.TextField()
    membership = models.TextField(help_text="Who sits on the group, by organisation or role.")
    chair = models.TextField(help_text="Who chairs the group and how the chair is chosen.")
    quorum = models.PositiveSmallIntegerField(
        "quorum (members present)", validators=[MinValueValidator(1)], help_text="The fewest members present."
    )
    quorum_sectors = ArrayField(
        models.CharField(max_length=20, choices=Sector.choices),
        default=list,
        blank=True,
        help_text="Sectors that must each have at least one member present for the meeting to be quorate.",
    )
    meeting_frequency = models.CharField(max_length=12, choices=Frequency.choices)
    decision_making = models.TextField()
    reporting_line = models.TextField()
    review_date = models.DateField()
    created_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = TermsQuerySet.as_manager()

    #: the fields a version's content is made of (compared in a diff, copied into a new draft)
    CONTENT_FIELDS = (
        "purpose",
        "membership",
        "chair",
        "quorum",
        "quorum_sectors",
        "meeting_frequency",
        "decision_making",
        "reporting_line",
        "review_date",
    )

    class Meta:
        ordering = ["group", "-version"]
        verbose_name = "terms of reference"
        verbose_name_plural = "terms of reference"
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="one_terms_per_version"),
            models.UniqueConstraint(
                fields=["group"], condition=models.Q(status="published"), name="one_published_terms_per_group"
            ),
            models.UniqueConstraint(
                fields=["group"], condition=models.Q(status="draft"), name="one_draft_terms_per_group"
            ),
        ]

    def __str__(self):
        return f"{self.group} terms of reference, version {self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT
