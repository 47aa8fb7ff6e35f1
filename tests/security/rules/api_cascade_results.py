"""Access rules for the CASCADE results API (see __init__.py): another partnership is a 404."""

RULES = {
    "api_cascade_results": ("get", {"lead": 200, "reader": 200, "outsider": 404, "anonymous": 401}),
}
PUBLIC = set()


def args(name, cast):
    if name == "api_cascade_results":
        return [cast.partnership.slug]
    return None
