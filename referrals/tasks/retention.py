"""The retention policy, daily on Celery beat (referrals/retention.py)."""

from celery import shared_task

from .. import retention


@shared_task(name="referrals.tasks.pseudonymise_expired_referrals", acks_late=True, reject_on_worker_lost=True)
def pseudonymise_expired_referrals() -> int:
    return retention.pseudonymise()
