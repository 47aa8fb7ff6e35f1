"""Access rules for the CASCADE results API (see __init__.py): another partnership is a 404."""

from . import NO_CASCADE

# As for the CASCADE API (api_cascade.py): the commissioner reads, roles without CASCADE 403.
DEFAULTS = {**dict.fromkeys(NO_CASCADE, 403), "commissioner": "reader", "foreign_duty": 403}
REFUSED_FIRST = NO_CASCADE
# Those without CASCADE's permissions are refused before the partnership is looked up, even Q's.
FOREIGN = {"api_cascade_results": dict.fromkeys(NO_CASCADE, 403)}

RULES = {
    "api_cascade_results": ("get", {"lead": 200, "reader": 200, "outsider": 404, "anonymous": 401}),
}
PUBLIC = set()


def args(name, cast):
    if name == "api_cascade_results":
        return [cast.partnership.slug]
    return None
