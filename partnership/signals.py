"""Receivers for the partnership app. `PartnershipConfig.ready()` imports this module.

Audit is never written from signals (they miss bulk updates); these only start work that a new
object needs, through a service that audits it.
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Partnership


@receiver(post_save, sender=Partnership, dispatch_uid="partnership_seed_common_risks")
def seed_common_risks_for_new_partnership(sender, instance, created, raw=False, **kwargs):
    """A new partnership starts with the common risks from the evidence, proposed for its area
    lead to keep or remove. Not on fixture loading (`raw`)."""
    if not created or raw:
        return
    from .services.risks import seed_common_risks

    with transaction.atomic():
        seed_common_risks(instance)
