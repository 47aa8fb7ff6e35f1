"""Access rules for the live scoring page (see __init__.py for the shape).

The reader (a steering member) reads the scores; a POST needs RUN_CASCADE_WORKSHOPS. The default
POST body (a junk `name`) leaves every domain blank, so the lead's POST saves nothing and redirects.
"""

from ...cascade.factories_scoring import make_table
from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_table_score": ("get", READ),
    "cascade_table_score:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
}
PUBLIC = set()


def args(name, cast):
    if name == "cascade_table_score":
        return [cast.partnership.slug, make_table(cast.partnership).pk]
    return None
