from django.db import models

from ..scoping import PartnershipScopedQuerySet


class Mou(models.Model):
    """A memorandum of understanding between member organisations.

    Draft (editable) -> in signature (fixed; each party's signatory signs in the app) -> signed
    (when every party has signed). A signed MOU is never edited: a new version supersedes it, and
    the old one becomes superseded when the new one is fully signed.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_SIGNATURE = "in_signature", "Awaiting signatures"
        SIGNED = "signed", "Signed"
        SUPERSEDED = "superseded", "Superseded"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="mous")
    title = models.CharField(max_length=200)
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.DRAFT)
    purpose = models.TextField()
    joint_working_areas = models.TextField("agreed areas of joint working")
    roles_and_responsibilities = models.TextField()
    information_shared = models.TextField("what schools and CYPMHS share")
    information_when = models.TextField("when it is shared")
    information_how = models.TextField("how it is shared")
    start_date = models.DateField()
    review_date = models.DateField()
    created_by = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_for_signature_at = models.DateTimeField(null=True, blank=True)
    fully_signed_at = models.DateTimeField(null=True, blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    CONTENT_FIELDS = (
        "title",
        "purpose",
        "joint_working_areas",
        "roles_and_responsibilities",
        "information_shared",
        "information_when",
        "information_how",
        "start_date",
        "review_date",
    )

    class Meta:
        ordering = ["title", "-version"]
        verbose_name = "memorandum of understanding"
        verbose_name_plural = "memoranda of understanding"

    def __str__(self):
        return f"{self.title} (version {self.version})"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class MouPartyQuerySet(PartnershipScopedQuerySet):
    partnership_path = "mou__partnership"


class MouParty(models.Model):
    """A party to an MOU: a member organisation and the person who signs for it."""

    mou = models.ForeignKey(Mou, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    signatory = models.ForeignKey("partnership.User", on_delete=models.PROTECT, related_name="mou_signatures")
    signatory_title = models.CharField("signatory's job title", max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = MouPartyQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name_plural = "MOU parties"
        constraints = [models.UniqueConstraint(fields=["mou", "organisation"], name="one_party_per_organisation")]

    def __str__(self):
        return f"{self.organisation} ({self.signatory})"

    @property
    def has_signed(self) -> bool:
        return self.signed_at is not None
