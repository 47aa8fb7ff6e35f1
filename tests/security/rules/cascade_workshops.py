"""Access rules for CASCADE workshops, attendance and tables (see __init__.py for the shape)."""

from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_home": ("get", READ),
    "cascade_workshop_detail": ("get", READ),
}
PUBLIC = set()


def args(name, cast):
    if name == "cascade_home":
        return [cast.partnership.slug]
    if name == "cascade_workshop_detail":
        return [cast.partnership.slug, 1]
    return None
