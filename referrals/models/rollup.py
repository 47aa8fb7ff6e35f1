"""Rollups of referrals for the dashboards (issue 7 item 4): never scan raw referrals on a page view.

Two grains in the same tables: rows with `school` NULL add up one partnership's referrals from all
its schools of one phase; rows with a school are that school's (an area lead's school filter).
`referrals.rollups.refresh()` rebuilds a partnership's rows from source in one transaction (Celery
beat, after referral changes, and `manage.py rebuild_rollups`). Counts only: no child's details.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models

from partnership.scoping import PartnershipScopedQuerySet

#: waits[d] counts referrals first seen d days after submission; the last bucket holds WAIT_CAP and over
WAIT_CAP = 365


class RollupQuerySet(PartnershipScopedQuerySet):
    pass


class ReferralMonth(models.Model):
    """Referrals submitted in one month (Europe/London), with where they stand now."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "partnership.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phase = models.CharField(max_length=60)
    month = models.DateField(help_text="The first day of the month the referrals were submitted in.")
    referrals = models.PositiveIntegerField(default=0)
    urgent = models.PositiveIntegerField(default=0)
    waiting = models.PositiveIntegerField(default=0, help_text="Still open: submitted, in triage or accepted.")
    accepted = models.PositiveIntegerField(default=0, help_text="Accepted, first contact made or closed.")
    signposted = models.PositiveIntegerField(default=0)
    not_accepted = models.PositiveIntegerField(default=0)
    thrive = models.JSONField(default=dict, help_text="Accepted referrals by THRIVE grouping code.")
    reasons = models.JSONField(default=dict, help_text="Not accepted referrals by reason code.")
    waits = ArrayField(
        models.PositiveIntegerField(),
        default=list,
        help_text="waits[d]: referrals first seen d days after submission (the last bucket: WAIT_CAP days or more).",
    )

    objects = RollupQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "phase", "month"],
                condition=models.Q(school__isnull=True),
                name="referral_month_unique_phase",
            ),
            models.UniqueConstraint(
                fields=["partnership", "school", "month"],
                condition=models.Q(school__isnull=False),
                name="referral_month_unique_school",
            ),
        ]
        indexes = [models.Index(fields=["partnership", "month"], name="referral_month_partnership")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.school_id or self.phase}: {self.referrals}"


class ReferralOpen(models.Model):
    """Referrals still waiting when the rollup was refreshed, by waiting-time RAG."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    school = models.ForeignKey(
        "partnership.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    phase = models.CharField(max_length=60)
    rag = models.CharField(max_length=10)  # referrals.waiting.Clock
    urgent = models.PositiveIntegerField(default=0)
    referrals = models.PositiveIntegerField(default=0)

    objects = RollupQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["partnership", "school"], name="referral_open_partnership")]

    def __str__(self):
        return f"{self.school_id or self.phase} {self.rag}: {self.referrals}"


class RollupState(models.Model):
    """When a partnership's referral rollups were last rebuilt, and whether a change has made them stale."""

    partnership = models.OneToOneField(
        "partnership.Partnership", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    refreshed_at = models.DateTimeField(null=True, blank=True)
    stale_since = models.DateTimeField(null=True, blank=True)

    objects = RollupQuerySet.as_manager()

    def __str__(self):
        return f"Referral rollups of partnership {self.partnership_id} at {self.refreshed_at}"
