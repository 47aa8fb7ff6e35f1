"""Access rules for the CASCADE workshops and table scores API (see __init__.py for the shape).

Lists answer 200 to anyone signed in who can read CASCADE results (an outsider sees an empty list,
checked in tests/api/test_cascade_api.py); another partnership's workshop or table is a 404. The
PUT is sent without a body: the area lead gets 400 (a score is required; the statuses of real
bodies are tested in tests/api/test_cascade_api.py), a steering member 403.
"""

from ...cascade.factories_scoring import make_table, make_workshop
from . import NO_CASCADE

# The commissioner reads as the steering member does; school staff, the duty team and the MHST (and
# the other partnership's duty clinician) hold none of CASCADE's permissions: 403 before any lookup.
DEFAULTS = {**dict.fromkeys(NO_CASCADE, 403), "commissioner": "reader", "foreign_duty": 403}
REFUSED_FIRST = ("reader", "commissioner", *NO_CASCADE)  # the score needs RUN_CASCADE_WORKSHOPS
LIST = {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}
DETAIL = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": 401}

RULES = {
    "api_cascade_workshops": ("get", LIST),
    "api_cascade_workshop_detail": ("get", DETAIL),
    "api_cascade_table_scores": ("get", DETAIL),
    "api_cascade_table_domain_score:put": (
        "put",
        {"lead": 400, "reader": 403, "outsider": 404, "anonymous": 401},
    ),
}
PUBLIC = set()

# The table is looked up before RUN_CASCADE_WORKSHOPS is checked in its partnership.
FOREIGN = {rule: dict.fromkeys(("reader", "commissioner"), 404) for rule in ("api_cascade_table_domain_score:put",)}


def args(name, cast):
    if name == "api_cascade_workshops":
        return []
    if name == "api_cascade_workshop_detail":
        return [make_workshop(cast.partnership).pk]
    if name == "api_cascade_table_scores":
        return [make_table(cast.partnership).pk]
    if name == "api_cascade_table_domain_score":
        return [make_table(cast.partnership).pk, "clarity"]
    return None
