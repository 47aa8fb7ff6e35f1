"""Access rules for CASCADE results, domains, action planning, benchmarks and exports (see __init__.py)."""

from ...cascade.factories_results import make_workshop
from . import NO_CASCADE, SIGN_IN

# The commissioner reads CASCADE results as the steering member does; school staff, the duty team and
# the MHST hold none of CASCADE's permissions: 403, before any workshop is looked up.
DEFAULTS = {**dict.fromkeys(NO_CASCADE, 403), "commissioner": "reader"}
# Writes need RUN_CASCADE_WORKSHOPS, checked before the object is looked up (the reader and the
# commissioner only read).
REFUSED_FIRST = ("reader", "commissioner", *NO_CASCADE)

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
WRITE_PAGE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_results": ("get", READ),
    "cascade_results_csv": ("get", READ),
    "cascade_results_xlsx": ("get", READ),
    "cascade_benchmarks": ("get", READ),
    "cascade_cohort_results": ("get", READ),
    "cascade_domain": ("get", READ),
    "cascade_workshop_pack": ("get", READ),
    "cascade_plan_action": ("get", WRITE_PAGE),
    "cascade_plan_action:post": ("post", WRITE_PAGE),
}
PUBLIC = set()


def args(name, cast):
    if name in {"cascade_results", "cascade_results_csv", "cascade_results_xlsx", "cascade_benchmarks"}:
        return [cast.partnership.slug]
    if name == "cascade_domain":
        return [cast.partnership.slug, "clarity"]
    if name == "cascade_cohort_results":
        return [cast.partnership.slug, make_workshop(cast.partnership).cohort.pk]
    if name in {"cascade_plan_action", "cascade_workshop_pack"}:
        return [cast.partnership.slug, make_workshop(cast.partnership).pk]
    return None
