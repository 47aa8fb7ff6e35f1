"""Access rules for the CASCADE workshops and table scores API (see __init__.py for the shape).

Lists answer 200 to anyone signed in who can read CASCADE results (an outsider sees an empty list,
checked in tests/api/test_cascade_api.py); another partnership's workshop or table is a 404. The
PUT is sent without a body: the area lead gets 400 (a score is required; the statuses of real
bodies are tested in tests/api/test_cascade_api.py), a steering member 403.
"""

from ...cascade.factories_scoring import make_table, make_workshop

LIST = {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}
DETAIL = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": 401}

RULES = {
    "api_cascade_workshops": ("get", LIST),
    "api_cascade_workshop_detail": ("get", DETAIL),
    "api_cascade_table_scores": ("get", DETAIL),
    "api_cascade_table_domain_score": ("put", {"lead": 400, "reader": 403, "outsider": 404, "anonymous": 401}),
}
PUBLIC = set()


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
