"""Access rules for the live scoring page and the CASCADE workshops API (see __init__.py)."""

from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_table_score": ("get", READ),
}
PUBLIC = set()


def args(name, cast):
    if name == "cascade_table_score":
        return [cast.partnership.slug, 1]
    return None
