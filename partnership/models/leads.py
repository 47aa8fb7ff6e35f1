from django.db import models

from ..scoping import PartnershipScopedQuerySet


class LeadContactQuerySet(PartnershipScopedQuerySet):
    partnership_path = "member__partnership"

    def current(self):
        return self.filter(ended_on__isnull=True)


class LeadContact(models.Model):
    """A member organisation's named lead of one kind: who to call about mental health there.

    One current holder per organisation and kind. When a lead leaves, the row is ended and a new
    row names the replacement (`replaced_by`), so the history is kept. A lead not confirmed within
    the partnership's `lead_confirmation_months` is stale (CASCADE domain A, made operational).
    """

    class Kind(models.TextChoices):
        SENIOR_MH_LEAD = "senior_mh_lead", "Senior mental health lead (school or college)"
        CYPMHS_LINK = "cypmhs_link", "CYPMHS named link"
        SPA_CONTACT = "spa_contact", "Single point of access contact"
        MHST_LINK = "mhst_link", "MHST link"
        VCSO_CONTACT = "vcso_contact", "Voluntary sector contact"

    member = models.ForeignKey(
        "partnership.PartnershipOrganisation", on_delete=models.PROTECT, related_name="lead_contacts"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=30, blank=True)
    user = models.ForeignKey(
        "partnership.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_contacts",
        help_text="The holder's account, when they have one.",
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )
    last_confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_requested_at = models.DateTimeField(null=True, blank=True)
    # Changes whenever a confirmation link is used or a new one is sent: a link works once.
    confirmation_nonce = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LeadContactQuerySet.as_manager()

    class Meta:
        ordering = ["member__organisation__name", "kind", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "kind"], condition=models.Q(ended_on__isnull=True), name="one_current_lead_per_kind"
            ),
        ]
        indexes = [models.Index(fields=["kind", "last_confirmed_at"])]

    def __str__(self):
        return f"{self.name}, {self.get_kind_display()} at {self.member.organisation}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None
