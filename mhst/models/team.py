"""A Mental Health Support Team, its practitioners, its offer of support and its holiday-period
offer (DESIGN.md section 7)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.roles import Permission, permissions_for
from partnership.scoping import PartnershipScopedQuerySet

from .reference import Function


class TeamQuerySet(PartnershipScopedQuerySet):
    def managed_by(self, user, permission: Permission = Permission.MANAGE_MHST):
        """The teams the user works in with `permission`: a membership holding it at the team's
        provider, in the team's partnership, AND a place in the team (its service lead, or a
        current practitioner post). MHST staff edit their own team, not the provider's others."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        today = timezone.localdate()
        in_team = Q(service_lead=user) | (
            Q(practitioners__user=user)
            & Q(practitioners__started_on__lte=today)
            & (Q(practitioners__ended_on__isnull=True) | Q(practitioners__ended_on__gte=today))
        )
        mine = Q(pk__in=[])
        for membership in user._memberships():
            if permission in permissions_for(membership.roles):
                mine |= Q(partnership_id=membership.partnership_id, provider_id=membership.organisation_id)
        return self.filter(pk__in=self.filter(mine & in_team).values("pk"))


class Team(models.Model):
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.PROTECT, related_name="mhst_teams")
    provider = models.ForeignKey("partnership.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    wave = models.CharField(max_length=50, blank=True, help_text="The national roll-out wave, for example Wave 5.")
    service_lead = models.ForeignKey(
        "partnership.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_on = models.DateField()
    service = models.OneToOneField(
        "partnership.DirectoryService",
        on_delete=models.PROTECT,
        related_name="mhst_team",
        help_text="The team's entry in the directory of services: referrals are allocated to it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "name"], name="mhst_team_name_unique")]

    def __str__(self):
        return self.name


class PractitionerRole(models.TextChoices):
    TRAINEE = "trainee", "Education Mental Health Practitioner (EMHP) in training"
    EMHP = "emhp", "Education Mental Health Practitioner (EMHP)"
    SUPERVISOR = "supervisor", "EMHP supervisor"
    SENIOR = "senior", "Senior practitioner / clinical lead"
    SERVICE_LEAD = "service_lead", "Service lead"
    ADMINISTRATOR = "administrator", "Administrator"

    @classmethod
    def direct_work(cls):
        """Roles whose time counts as capacity for direct work with schools, once qualified."""
        return {cls.TRAINEE, cls.EMHP, cls.SUPERVISOR, cls.SENIOR}


class TeamScopedQuerySet(PartnershipScopedQuerySet):
    partnership_path = "team__partnership"


class PractitionerQuerySet(TeamScopedQuerySet):
    def active_on(self, day):
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class Practitioner(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="practitioners")
    user = models.ForeignKey(
        "partnership.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mhst_posts",
        help_text="Their account on this platform, if they have one.",
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=15, choices=PractitionerRole.choices)
    wte = models.DecimalField(
        "whole-time equivalent",
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    training_completed_on = models.DateField(
        null=True, blank=True, help_text="For EMHPs in training: the day they qualify (expected or actual)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PractitionerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="practitioner_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(wte__gt=0) & Q(wte__lte=1), name="practitioner_wte_between_0_and_1"),
        ]

    def __str__(self):
        return self.name

    def is_active_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)

    def is_trainee_on(self, day) -> bool:
        """An EMHP in training counts as a trainee until the day training completes."""
        return self.role == PractitionerRole.TRAINEE and (
            self.training_completed_on is None or self.training_completed_on > day
        )


class OfferItem(models.Model):
    """One kind of support the team offers schools, under one of the three functions."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="offer")
    function = models.PositiveSmallIntegerField(choices=Function.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["function", "title"]
        constraints = [models.UniqueConstraint(fields=["team", "title"], name="mhst_offer_title_unique")]

    def __str__(self):
        return self.title


class HolidayOffer(models.Model):
    """What the team offers during a school holiday (operating principle 5: support all year)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="holiday_offers")
    name = models.CharField(max_length=100, help_text="For example Summer holiday 2026.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    offer = models.TextField(help_text="What children, families and schools can get, and how.")
    schools = models.ManyToManyField("partnership.Organisation", related_name="+", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="holiday_ends_after_start")
        ]

    def __str__(self):
        return self.name
