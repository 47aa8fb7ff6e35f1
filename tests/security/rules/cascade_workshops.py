"""Access rules for CASCADE workshops, tables, attendance and the target mix (see __init__.py for the shape).

Writes need RUN_CASCADE_WORKSHOPS (area lead, facilitator); reopening a workshop and setting the
target mix need MANAGE_PARTNERSHIP (area lead only). The reader (a steering member) reads.
"""

from cascade.models import Workshop

from ...cascade.factories import ScoringTableFactory, WorkshopAttendanceFactory, WorkshopFactory
from . import NO_CASCADE, SIGN_IN

# The commissioner reads CASCADE results as the steering member does; school staff, the duty team and
# the MHST hold none of CASCADE's permissions: 403, before any workshop is looked up.
DEFAULTS = {**dict.fromkeys(NO_CASCADE, 403), "commissioner": "reader"}
# Writes need RUN_CASCADE_WORKSHOPS, checked before the object is looked up (the reader and the
# commissioner only read).
REFUSED_FIRST = ("reader", "commissioner", *NO_CASCADE)

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
WRITE_PAGE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
WRITE_DONE = {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "cascade_home": ("get", READ),
    "cascade_cohort_create": ("get", WRITE_PAGE),
    "cascade_cohort_create:post": ("post", WRITE_PAGE),
    "cascade_workshop_create": ("get", WRITE_PAGE),
    "cascade_workshop_create:post": ("post", WRITE_PAGE),
    "cascade_workshop_detail": ("get", READ),
    "cascade_workshop_edit": ("get", WRITE_PAGE),
    "cascade_workshop_edit:post": ("post", WRITE_PAGE),
    "cascade_workshop_close": ("get", WRITE_PAGE),
    "cascade_workshop_close:post": ("post", WRITE_DONE),
    "cascade_workshop_reopen": ("get", WRITE_PAGE),
    "cascade_workshop_reopen:post": ("post", WRITE_PAGE),
    "cascade_table_create": ("get", WRITE_PAGE),
    "cascade_table_create:post": ("post", WRITE_PAGE),
    "cascade_table_edit": ("get", WRITE_PAGE),
    "cascade_table_edit:post": ("post", WRITE_PAGE),
    "cascade_workshop_attendance": ("get", READ),
    "cascade_attendee_add": ("get", WRITE_PAGE),
    "cascade_attendee_add:post": ("post", WRITE_PAGE),
    "cascade_attendee_edit": ("get", WRITE_PAGE),
    "cascade_attendee_edit:post": ("post", WRITE_PAGE),
    "cascade_attendee_remove": ("get", WRITE_PAGE),
    "cascade_attendee_remove:post": ("post", WRITE_DONE),
    "cascade_attendance_report": ("get", READ),
    "cascade_follow_up_export": ("get", READ),
    "cascade_targets": ("get", WRITE_PAGE),
    "cascade_targets:post": ("post", WRITE_PAGE),
}
PUBLIC = set()
DATA = {"cascade_targets:post": {"education": "sixty"}}

PARTNERSHIP_URLS = {
    "cascade_home",
    "cascade_cohort_create",
    "cascade_workshop_create",
    "cascade_attendance_report",
    "cascade_follow_up_export",
    "cascade_targets",
}
WORKSHOP_URLS = {
    "cascade_workshop_detail",
    "cascade_workshop_edit",
    "cascade_workshop_close",
    "cascade_table_create",
    "cascade_workshop_attendance",
    "cascade_attendee_add",
}


def args(name, cast):
    slug = cast.partnership.slug
    if name in PARTNERSHIP_URLS:
        return [slug]
    if name in WORKSHOP_URLS:
        return [slug, WorkshopFactory(cohort__partnership=cast.partnership).pk]
    if name == "cascade_workshop_reopen":
        return [slug, WorkshopFactory(cohort__partnership=cast.partnership, status=Workshop.Status.CLOSED).pk]
    if name == "cascade_table_edit":
        return [slug, ScoringTableFactory(workshop__cohort__partnership=cast.partnership).pk]
    if name in {"cascade_attendee_edit", "cascade_attendee_remove"}:
        return [slug, WorkshopAttendanceFactory(workshop__cohort__partnership=cast.partnership).pk]
    return None
