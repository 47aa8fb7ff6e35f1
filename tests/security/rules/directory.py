"""Access rules for the directory of services and the sustainability plan (see __init__.py for the shape)."""

from partnership.models import FundingStream, SustainabilityPlan

from ...governance.factories import DirectoryServiceFactory
from . import NOT_MANAGERS, SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
WRITE_PAGE = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
# An invalid POST (the default body) re-shows the form.
WRITE_INVALID = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
# A confirmation has no fields: the POST acts and redirects.
WRITE_ACTS = {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "directory_list": ("get", READ),
    "directory_detail": ("get", READ),
    "directory_export_csv": ("get", READ),
    "directory_export_oruk": ("get", READ),
    "directory_review_list": ("get", WRITE_PAGE),
    "directory_create": ("get", WRITE_PAGE),
    "directory_create:post": ("post", WRITE_INVALID),
    "directory_edit": ("get", WRITE_PAGE),
    "directory_edit:post": ("post", WRITE_INVALID),
    "directory_reviewed": ("get", WRITE_PAGE),
    "directory_reviewed:post": ("post", WRITE_ACTS),
    "directory_deactivate": ("get", WRITE_PAGE),
    "directory_deactivate:post": ("post", WRITE_ACTS),
    "sustainability_plan": ("get", READ),
    "sustainability_edit": ("get", WRITE_PAGE),
    "sustainability_edit:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "funding_stream_add": ("get", WRITE_PAGE),
    "funding_stream_add:post": ("post", WRITE_INVALID),
    "funding_stream_remove": ("get", WRITE_PAGE),
    "funding_stream_remove:post": ("post", WRITE_ACTS),
}
# Changes need MANAGE_PARTNERSHIP, checked on the partnership before any object is looked up.
REFUSED_FIRST = NOT_MANAGERS
PUBLIC = set()

# Every field of the plan is optional, so the default body is a valid (empty) plan.
DATA = {"sustainability_edit:post": {"embedding": ""}}


def args(name, cast):
    if name in {
        "directory_list",
        "directory_review_list",
        "directory_create",
        "directory_export_csv",
        "directory_export_oruk",
        "sustainability_plan",
        "sustainability_edit",
        "funding_stream_add",
    }:
        return [cast.partnership.slug]
    if name in {"directory_detail", "directory_edit", "directory_reviewed", "directory_deactivate"}:
        service = DirectoryServiceFactory(partnership=cast.partnership, last_reviewed_by=cast.lead)
        return [cast.partnership.slug, service.pk]
    if name == "funding_stream_remove":
        plan, _ = SustainabilityPlan.objects.get_or_create(partnership=cast.partnership)
        stream = FundingStream.objects.create(plan=plan, name="Schools link pilot", funder="ICB", ends_on="2027-03-31")
        return [cast.partnership.slug, stream.pk]
    return None
