from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..scoping import PartnershipScopedQuerySet


class Thrive(models.TextChoices):
    """THRIVE needs-based groupings (shared/reference/thrive.json)."""

    THRIVING = "thriving", "Thriving"
    GETTING_ADVICE = "getting_advice", "Getting Advice and Signposting"
    GETTING_HELP = "getting_help", "Getting Help"
    GETTING_MORE_HELP = "getting_more_help", "Getting More Help"
    GETTING_RISK_SUPPORT = "getting_risk_support", "Getting Risk Support"


#: what each THRIVE grouping means, in the platform's words (shared/reference/thrive.json)
THRIVE_MEANINGS = {
    Thrive.THRIVING: "Prevention and promotion; no individual intervention needed.",
    Thrive.GETTING_ADVICE: "Advice, signposting, self-management, one-off contact.",
    Thrive.GETTING_HELP: "Focused, goal-based, evidence-based help (for example MHST low-intensity interventions).",
    Thrive.GETTING_MORE_HELP: "More extensive and specialised goal-based help (specialist CYPMHS).",
    Thrive.GETTING_RISK_SUPPORT: (
        "Risk management and crisis response for those not benefiting from, or not able to use, help; multi-agency."
    ),
}


class SchoolPhase(models.TextChoices):
    EARLY_YEARS = "early_years", "Early years"
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    POST_16 = "post_16", "Sixth form and college (16 to 25)"


class Need(models.TextChoices):
    EMOTIONAL_WELLBEING = "emotional_wellbeing", "Emotional wellbeing"
    ANXIETY = "anxiety", "Anxiety and worry"
    LOW_MOOD = "low_mood", "Low mood and depression"
    SELF_HARM = "self_harm", "Self-harm"
    EATING = "eating", "Eating difficulties"
    BEHAVIOUR = "behaviour", "Behaviour that challenges"
    NEURODEVELOPMENTAL = "neurodevelopmental", "Autism and ADHD (neurodevelopmental)"
    TRAUMA = "trauma", "Trauma and adverse experiences"
    BEREAVEMENT = "bereavement", "Bereavement and loss"
    FAMILY = "family", "Family and relationships"
    SUBSTANCE_USE = "substance_use", "Drugs and alcohol"
    CRISIS = "crisis", "Crisis and urgent help"


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WEBSITE = "website", "Website"
    IN_PERSON = "in_person", "In person"
    VIDEO = "video", "Video call"
    ONLINE_CHAT = "online_chat", "Online chat"
    TEXT = "text", "Text message"


class DirectoryService(models.Model):
    """A source of support in the partnership's directory of services, shaped after the Open
    Referral UK standard (organisation, service, contacts, eligibility, schedules) so it exports
    in that shape. An entry not reviewed in 12 months is flagged."""

    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.PROTECT, related_name="directory_services"
    )
    provider = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    description = models.TextField()
    thrive_groupings = ArrayField(models.CharField(max_length=25, choices=Thrive.choices), default=list)
    needs = ArrayField(models.CharField(max_length=25, choices=Need.choices), default=list)
    min_age = models.PositiveSmallIntegerField(validators=[MaxValueValidator(25)])
    max_age = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(25)])
    school_phases = ArrayField(models.CharField(max_length=15, choices=SchoolPhase.choices), default=list)
    eligibility = models.TextField(help_text="Who can use the service.")
    thresholds = models.TextField(blank=True, help_text="The level of need the service works with.")
    how_to_access = models.TextField(help_text="How to refer or self-refer.")
    self_referral = models.BooleanField("accepts self-referrals", default=False)
    channels = ArrayField(models.CharField(max_length=15, choices=Channel.choices), default=list)
    contact_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    opening_hours = models.TextField(blank=True, help_text="Anything the weekly times below do not say.")
    typical_wait_days = models.PositiveIntegerField("typical wait (days)", null=True, blank=True)
    is_active = models.BooleanField(default=True)
    last_reviewed_on = models.DateField()
    last_reviewed_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(min_age__lte=models.F("max_age")), name="service_ages_in_order"),
        ]
        indexes = [models.Index(fields=["partnership", "is_active"])]

    def __str__(self):
        return self.name


class ServiceScheduleQuerySet(PartnershipScopedQuerySet):
    partnership_path = "service__partnership"


class ServiceSchedule(models.Model):
    """Weekly opening times (ORUK schedule: byday, opens_at, closes_at)."""

    class Day(models.TextChoices):
        MO = "MO", "Monday"
        TU = "TU", "Tuesday"
        WE = "WE", "Wednesday"
        TH = "TH", "Thursday"
        FR = "FR", "Friday"
        SA = "SA", "Saturday"
        SU = "SU", "Sunday"

    service = models.ForeignKey(DirectoryService, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField("day", max_length=2, choices=Day.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    objects = ServiceScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["service", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")), name="opens_before_closes"),
        ]

    def __str__(self):
        return f"{self.get_byday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"
