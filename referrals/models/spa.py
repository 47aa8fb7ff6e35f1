"""The single point of access (SPA): how a partnership's NHS CYPMHS member receives referrals,
what it accepts, why it may not accept one, and who is on duty when (DESIGN.md section 6)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from partnership.scoping import PartnershipScopedQuerySet


class Channel(models.TextChoices):
    ONLINE = "online", "Online form on this platform"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Secure email"


class SinglePointOfAccess(models.Model):
    """One per partnership, run by its NHS CYPMHS member (the provider)."""

    partnership = models.OneToOneField("partnership.Partnership", on_delete=models.PROTECT, related_name="spa")
    provider = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    channels = ArrayField(models.CharField(max_length=10, choices=Channel.choices), default=list)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    hours = models.TextField(help_text="When the duty team answers, for example Monday to Friday, 9am to 5pm.")
    acceptance_criteria = models.TextField(help_text="Who the SPA accepts referrals for (shown before a referral).")
    thresholds = models.TextField(help_text="The level of need the SPA works with (shown before a referral).")
    emergency_advice = models.TextField(
        help_text="Where to go instead in an emergency (shown on every referral page).",
        default="An emergency is not a referral. If a child is in immediate danger call 999 or go to A&E. "
        "For urgent mental health help call NHS 111 and choose the mental health option.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "single point of access"
        verbose_name_plural = "single points of access"

    def __str__(self):
        return self.name


class SpaScopedQuerySet(PartnershipScopedQuerySet):
    partnership_path = "spa__partnership"


class NotAcceptedReason(models.Model):
    """A reason code for not accepting a referral: an editable list per SPA, seeded with defaults."""

    spa = models.ForeignKey(SinglePointOfAccess, on_delete=models.CASCADE, related_name="reasons")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    objects = SpaScopedQuerySet.as_manager()

    class Meta:
        ordering = ["spa", "position", "label"]
        constraints = [models.UniqueConstraint(fields=["spa", "code"], name="reason_code_unique")]

    def __str__(self):
        return self.label


DEFAULT_REASONS = (
    ("below_threshold", "Below the threshold for this service: advice given"),
    ("more_appropriate_service", "A more appropriate service has been identified"),
    ("insufficient_information", "Not enough information to decide"),
    ("already_open", "Already open to the service"),
    ("outside_area_or_age", "Outside the area or age range"),
)


class DutyRole(models.TextChoices):
    CLINICIAN = "duty_clinician", "Duty clinician"
    LEAD = "duty_lead", "Duty lead"


class RotaShift(models.Model):
    """Who is duty clinician or duty lead, from when to when. Gaps in cover are found from these."""

    spa = models.ForeignKey(SinglePointOfAccess, on_delete=models.CASCADE, related_name="shifts")
    role = models.CharField(max_length=20, choices=DutyRole.choices)
    user = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="duty_shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    objects = SpaScopedQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "role"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="shift_ends_after_start")
        ]
        indexes = [models.Index(fields=["spa", "role", "starts_at"])]

    def __str__(self):
        return f"{self.get_role_display()}: {self.user} {self.starts_at:%d %b %H:%M}-{self.ends_at:%H:%M}"
