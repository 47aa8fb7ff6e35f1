"""Access rules for CASCADE workshops, attendance and tables (see __init__.py for the shape)."""

from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_home": ("get", READ),
}
PUBLIC = set()


def args(name, cast):
    if name in {"cascade_home"}:
        return [cast.partnership.slug]
    return None
