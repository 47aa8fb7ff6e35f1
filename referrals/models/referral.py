"""A referral from a school or college to the partnership's single point of access, structured as
SBARD (DESIGN.md section 6), with its immutable status history, requests for information and
messages. The child's details live here and nowhere else: not in logs, emails, task arguments or
URLs (referrals are addressed by id)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from partnership.models.directory import Thrive
from partnership.roles import Permission, permissions_for
from partnership.scoping import PartnershipScopedQuerySet

from ..states import Status
from ..waiting import STANDARD_DAYS


class ReferralQuerySet(PartnershipScopedQuerySet):
    """Who sees a child (DESIGN.md section 3), per membership:

    - school staff (VIEW_SCHOOL_REFERRALS): their own school's referrals, drafts included;
    - duty staff (TRIAGE_REFERRALS): referrals to their own SPA (the SPA their organisation runs),
      never drafts;
    - MHST staff (RECORD_MHST_ACTIVITY): referrals allocated to a service their organisation
      provides, once accepted;
    - everyone else, area leads and commissioners included: nothing (aggregates only).

    `permission`, when given, keeps only memberships whose roles grant it.
    """

    def for_user(self, user, permission: Permission | None = None):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        visible = Q(pk__in=[])
        for membership in user._memberships():
            granted = permissions_for(membership.roles)
            if permission is not None and permission not in granted:
                continue
            here = Q(partnership_id=membership.partnership_id)
            if Permission.VIEW_SCHOOL_REFERRALS in granted:
                visible |= here & Q(school_id=membership.organisation_id)
            if Permission.TRIAGE_REFERRALS in granted:
                visible |= here & Q(spa__provider_id=membership.organisation_id) & ~Q(status=Status.DRAFT)
            if Permission.RECORD_MHST_ACTIVITY in granted:
                visible |= (
                    here
                    & Q(allocated_service__provider_id=membership.organisation_id)
                    & Q(status__in=[Status.ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED])
                )
        return self.filter(visible)


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class Gender(models.TextChoices):
    GIRL = "female", "Girl or young woman"
    BOY = "male", "Boy or young man"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "Another gender"
    NOT_SAID = "not_said", "Prefer not to say"


class Ethnicity(models.TextChoices):
    """The five high-level ethnic groups of the 2021 census (optional, for inequalities monitoring)."""

    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    WHITE = "white", "White"
    OTHER = "other", "Other ethnic group"
    NOT_SAID = "not_said", "Prefer not to say"


class OtherService(models.TextChoices):
    GP = "gp", "GP"
    SOCIAL_CARE = "social_care", "Children's social care"
    EARLY_HELP = "early_help", "Early help"
    SEND = "send", "SEND support or an EHCP"
    OTHER = "other", "Another service"


class Request(models.TextChoices):
    ADVICE = "advice", "Advice or consultation"
    ASSESSMENT = "assessment", "Assessment"
    INTERVENTION = "intervention", "Intervention"


class ConsentBy(models.TextChoices):
    YOUNG_PERSON = "young_person", "The young person"
    PARENT = "parent_carer", "A parent or carer"
    BOTH = "both", "Both the young person and a parent or carer"


class DslAware(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "No safeguarding concern"


class Referral(models.Model):
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="referrals")
    spa = models.ForeignKey("referrals.SinglePointOfAccess", on_delete=models.PROTECT, related_name="referrals")
    school = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="referrals")
    created_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    #: sent by the school's form or API client: the same key never makes a second referral
    idempotency_key = models.CharField(max_length=100)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    #: bumped on every change: the API's ETag, checked against If-Match
    version = models.PositiveIntegerField(default=1)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)

    # the child
    child_first_name = models.CharField(max_length=100, blank=True)
    child_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=10, choices=Ethnicity.choices, blank=True)
    year_group = models.CharField(max_length=20, blank=True)
    postcode = models.CharField(max_length=8, blank=True)

    # S: situation
    situation = models.TextField(blank=True)
    why_now = models.TextField(blank=True)
    # B: background
    relevant_history = models.TextField(blank=True)
    support_tried = models.TextField(blank=True)
    support_duration = models.CharField(max_length=100, blank=True)
    other_services = ArrayField(models.CharField(max_length=15, choices=OtherService.choices), default=list, blank=True)
    other_services_detail = models.TextField(blank=True)
    # A: assessment
    assessment = models.TextField(blank=True)
    impact_attendance = models.TextField(blank=True)
    impact_learning = models.TextField(blank=True)
    impact_relationships = models.TextField(blank=True)
    risk_self_harm = models.BooleanField(null=True, blank=True)
    risk_suicidal_thoughts = models.BooleanField(null=True, blank=True)
    risk_harm_to_others = models.BooleanField(null=True, blank=True)
    safeguarding_concern = models.BooleanField(null=True, blank=True)
    dsl_aware = models.CharField(max_length=15, choices=DslAware.choices, blank=True)
    # R: recommendation
    requests = ArrayField(models.CharField(max_length=15, choices=Request.choices), default=list, blank=True)
    child_views = models.TextField(blank=True)
    family_views = models.TextField(blank=True)
    # consent
    consent_by = models.CharField(max_length=15, choices=ConsentBy.choices, blank=True)
    gillick_considered = models.BooleanField(null=True, blank=True)
    consent_share_outcome = models.BooleanField(null=True, blank=True)
    consent_date = models.DateField(null=True, blank=True)

    # D: decision, by the duty team
    submitted_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_referrals"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    thrive = models.CharField("THRIVE grouping", max_length=25, choices=Thrive.choices, blank=True)
    allocated_service = models.ForeignKey(
        "partnership.DirectoryService", null=True, blank=True, on_delete=models.PROTECT, related_name="allocated"
    )
    signposted_services = models.ManyToManyField("partnership.DirectoryService", blank=True, related_name="+")
    not_accepted_reason = models.ForeignKey(
        "referrals.NotAcceptedReason", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_explanation = models.TextField(blank=True, help_text="Written for the school.")
    first_contact_on = models.DateField(null=True, blank=True)
    first_contact_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    #: when the retention task (referrals/retention.py) replaced the child's identifiable details
    pseudonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="referral_idempotency_key_unique"),
            models.UniqueConstraint(fields=["spa", "year", "number"], name="referral_number_unique"),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT) | (Q(number__isnull=False) & Q(submitted_at__isnull=False)),
                name="submitted_referral_has_number",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.ACCEPTED) | ~Q(thrive=""), name="accepted_referral_has_thrive"
            ),
        ]
        indexes = [
            models.Index(fields=["spa", "status", "submitted_at"]),
            models.Index(fields=["school", "status"]),
            models.Index(fields=["partnership", "submitted_at"]),
        ]

    def __str__(self):
        return self.reference or f"Draft referral {self.pk}"

    @property
    def reference(self) -> str:
        """The human reference, e.g. SPA-2026-000123 (a draft has none yet)."""
        return f"SPA-{self.year}-{self.number:06d}" if self.number else ""

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class ScopedThroughReferral(PartnershipScopedQuerySet):
    """Rows under a referral are visible exactly when their referral is."""

    partnership_path = "referral__partnership"

    def for_user(self, user, permission: Permission | None = None):
        return self.filter(referral__in=Referral.objects.for_user(user, permission))


class StatusChange(models.Model):
    """One transition, never edited or deleted: who, when, from, to, note."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=15, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=15, choices=Status.choices)
    by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    objects = ScopedThroughReferral.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.referral}: {self.from_status or '-'} -> {self.to_status}"


class InformationRequest(models.Model):
    """The duty team's question to the school, and the school's answer."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="information_requests")
    question = models.TextField()
    asked_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedThroughReferral.as_manager()

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self):
        return f"Question on {self.referral} asked {self.asked_at:%d %b %Y}"


class Message(models.Model):
    """A short secure message on a referral between the school and the duty team."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    from_duty_team = models.BooleanField()
    body = models.TextField(max_length=2000)
    at = models.DateTimeField(auto_now_add=True)

    objects = ScopedThroughReferral.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Message on {self.referral} at {self.at:%d %b %Y %H:%M}"


__all__ = [
    "STANDARD_DAYS",
    "ConsentBy",
    "DslAware",
    "Ethnicity",
    "Gender",
    "InformationRequest",
    "Message",
    "OtherService",
    "Referral",
    "Request",
    "StatusChange",
    "Urgency",
]
