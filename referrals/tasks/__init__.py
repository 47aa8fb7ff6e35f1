"""Thin Celery wrappers around referral services. Tasks take ids, never a child's details.

Celery's autodiscovery imports this package; importing the modules registers their tasks.
"""

from . import notifications, rota, waiting

__all__ = ["notifications", "rota", "waiting"]
