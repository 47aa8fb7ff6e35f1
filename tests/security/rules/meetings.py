"""Access rules for this governance area (see __init__.py for the shape)."""

from . import SIGN_IN  # noqa: F401

RULES = {}
PUBLIC = set()


def args(name, cast):
    return None
