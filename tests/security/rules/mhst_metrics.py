"""Access rules for the MHST coverage and activity figures pages: aggregates read by those who read
dashboards (the lead, an area lead) and those who approve allocations (the reader, a steering
member)."""

from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}

# The duty lead and the commissioner read dashboards (200, as the reader); school staff, the duty
# clinician and the MHST practitioner read neither dashboards nor allocations: 403.
DEFAULTS = dict.fromkeys(("school_a", "school_b", "duty", "mhst"), 403)

RULES = {
    "mhst_coverage": ("get", READ),
    "mhst_metrics": ("get", READ),
}
PUBLIC = set()


def args(name, cast):
    if name not in RULES:
        return None
    return [cast.partnership.slug]
