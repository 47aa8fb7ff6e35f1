"""Daily: warn each SPA's duty leads of gaps in the duty rota over the coming week (once per gap)."""

from celery import shared_task

from ..services import rota


@shared_task(name="referrals.tasks.flag_rota_gaps")
def flag_rota_gaps() -> int:
    return rota.flag_gaps()
