"""Access rules for CASCADE results, domains, action planning, benchmarks and exports (see __init__.py)."""

from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_results": ("get", READ),
    "cascade_domain": ("get", READ),
    "cascade_plan_action": ("get", READ),
}
PUBLIC = set()


def args(name, cast):
    if name in {"cascade_results"}:
        return [cast.partnership.slug]
    if name == "cascade_domain":
        return [cast.partnership.slug, "clarity"]
    if name == "cascade_plan_action":
        return [cast.partnership.slug, 1]
    return None
