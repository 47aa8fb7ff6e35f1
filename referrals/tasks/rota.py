"""Stub: the SPA and rota helper replaces it."""

from celery import shared_task


@shared_task(name="referrals.tasks.flag_rota_gaps")
def flag_rota_gaps() -> int:
    return 0
