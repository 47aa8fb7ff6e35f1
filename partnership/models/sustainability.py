from django.db import models

from ..scoping import PartnershipScopedQuerySet


class SustainabilityPlan(models.Model):
    """How the partnership keeps going: one plan per partnership, edited in place (every change audited)."""

    partnership = models.OneToOneField(
        "partnership.Partnership", on_delete=models.PROTECT, related_name="sustainability_plan"
    )
    accountable_owner = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    embedding = models.TextField("how actions are embedded in the local transformation plan", blank=True)
    funding_summary = models.TextField(blank=True)
    risks = models.ManyToManyField("partnership.Risk", blank=True, related_name="+")
    review_date = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipScopedQuerySet.as_manager()

    def __str__(self):
        return f"Sustainability plan for {self.partnership}"


class FundingStreamQuerySet(PartnershipScopedQuerySet):
    partnership_path = "plan__partnership"


class FundingStream(models.Model):
    plan = models.ForeignKey(SustainabilityPlan, on_delete=models.CASCADE, related_name="funding_streams")
    name = models.CharField(max_length=200)
    funder = models.CharField(max_length=200)
    annual_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    ends_on = models.DateField("funding ends on")

    objects = FundingStreamQuerySet.as_manager()

    class Meta:
        ordering = ["ends_on", "name"]

    def __str__(self):
        return f"{self.name} ({self.funder}, ends {self.ends_on:%d %B %Y})"
