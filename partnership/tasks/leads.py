"""Celery tasks for lead contacts (see partnership/tasks/__init__.py)."""

from celery import shared_task

from ..services import leads


@shared_task(name="partnership.tasks.request_stale_lead_confirmations")
def request_stale_lead_confirmations() -> int:
    """Email each stale lead contact's holder a link to confirm or replace themselves (once per 14 days)."""
    return leads.request_stale_confirmations()
