"""Thin Celery wrappers around services, one module per area. Tasks take ids, never a child's details.

Celery's autodiscovery imports this package; importing the modules registers their tasks.
"""

from . import actions, exports, groups, kernel, leads, mous
from .exports import build_board_pack
from .kernel import relay_outbox, send_sign_in_failure_digests

__all__ = [
    "actions",
    "build_board_pack",
    "exports",
    "groups",
    "kernel",
    "leads",
    "mous",
    "relay_outbox",
    "send_sign_in_failure_digests",
]
