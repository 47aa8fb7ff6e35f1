"""Refreshing the referral rollups (referrals/rollups.py): after each change, every five minutes for
stale partnerships, nightly for all of them (config/settings/base.py CELERY_BEAT_SCHEDULE).

Takes ids only and is idempotent: a rebuild from source gives the same rows however often it runs.
"""

from celery import shared_task

from .. import rollups


@shared_task(name="referrals.tasks.refresh_referral_rollups", acks_late=True, reject_on_worker_lost=True)
def refresh_referral_rollups(partnership_id: int | None = None, everything: bool = False) -> int:
    """One partnership (`partnership_id`), every stale one (no arguments), or all (`everything`).
    Returns the number of partnerships refreshed.

    One partnership's refresh is queued by each change (`rollups.mark_stale`): when a refresh since
    then has already covered it (the partnership is no longer stale), it does nothing, so a burst
    of changes costs one rebuild, not one each (at peak the queue otherwise outgrows the worker)."""
    if everything:
        return rollups.refresh().partnerships
    if partnership_id is not None:
        if rollups.is_fresh(partnership_id):
            return 0
        return rollups.refresh([partnership_id]).partnerships
    stale = rollups.stale_partnership_ids()
    return rollups.refresh(stale).partnerships if stale else 0
