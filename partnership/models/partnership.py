from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from ..scoping import PartnershipScopedQuerySet


class PartnershipQuerySet(PartnershipScopedQuerySet):
    partnership_path = "pk"


class Partnership(models.Model):
    """A local area where schools, CYPMHS, the LA, the ICB and the voluntary sector work together."""

    class LeadBody(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        ICB = "icb", "Integrated care board"
        JOINT = "joint", "Joint (local authority and ICB)"

    class Region(models.TextChoices):
        NORTH_EAST = "north_east", "North East"
        NORTH_WEST = "north_west", "North West"
        YORKSHIRE = "yorkshire_humber", "Yorkshire and the Humber"
        EAST_MIDLANDS = "east_midlands", "East Midlands"
        WEST_MIDLANDS = "west_midlands", "West Midlands"
        EAST = "east_of_england", "East of England"
        LONDON = "london", "London"
        SOUTH_EAST = "south_east", "South East"
        SOUTH_WEST = "south_west", "South West"

    class Rurality(models.TextChoices):
        URBAN = "urban", "Mainly urban"
        RURAL = "rural", "Mainly rural"
        MIXED = "mixed", "Mixed urban and rural"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    lead_body = models.CharField(max_length=10, choices=LeadBody.choices)
    region = models.CharField(max_length=30, choices=Region.choices)
    rurality = models.CharField(max_length=10, choices=Rurality.choices, default=Rurality.MIXED)
    transformation_plan_reference = models.CharField("local transformation plan reference", max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    lead_confirmation_months = models.PositiveSmallIntegerField(
        "lead contact confirmation period (months)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text="A lead contact not confirmed within this many months is stale. One school term is 4 months.",
    )
    publishes_public_pages = models.BooleanField(
        "publish public pages",
        default=False,
        help_text="Publish the terms of reference, membership list, steering group and meeting dates without sign-in.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
