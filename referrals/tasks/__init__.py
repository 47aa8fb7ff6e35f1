"""Thin Celery wrappers around referral services. Tasks take ids, never a child's details.

Celery's autodiscovery imports this package; importing the modules registers their tasks.
"""

from . import notifications, retention, rollups, rota, waiting
from .rollups import refresh_referral_rollups

__all__ = ["notifications", "refresh_referral_rollups", "retention", "rollups", "rota", "waiting"]
