"""Access rules for the live scoring page (see __init__.py for the shape).

The reader (a steering member) reads the scores; a POST needs RUN_CASCADE_WORKSHOPS. The default
POST body (a junk `name`) leaves every domain blank, so the lead's POST saves nothing and redirects.
"""

from ...cascade.factories_scoring import make_table
from . import NO_CASCADE, SIGN_IN

# The commissioner reads CASCADE results as the steering member does; school staff, the duty team and
# the MHST hold none of CASCADE's permissions: 403, before any workshop is looked up.
DEFAULTS = {**dict.fromkeys(NO_CASCADE, 403), "commissioner": "reader"}
# Writes need RUN_CASCADE_WORKSHOPS, checked before the object is looked up (the reader and the
# commissioner only read).
REFUSED_FIRST = ("reader", "commissioner", *NO_CASCADE)

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_table_score": ("get", READ),
    "cascade_table_score:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
}
PUBLIC = set()

# The table is looked up before RUN_CASCADE_WORKSHOPS is checked.
FOREIGN = {rule: dict.fromkeys(("reader", "commissioner"), 404) for rule in ("cascade_table_score:post",)}


def args(name, cast):
    if name == "cascade_table_score":
        return [cast.partnership.slug, make_table(cast.partnership).pk]
    return None
