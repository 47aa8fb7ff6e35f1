"""Access rules for the dashboard's PDF board pack (see __init__.py for the shape).

Asking for a pack (a POST with the dashboard's filters; none is valid: the default period) needs
VIEW_DASHBOARDS and EXPORT_AGGREGATES: the area lead gets a job (302 to it), the steering member,
who sees the partnership but reads no dashboards, 403, and the outsider 404 on our partnership (on
the commissioned area the outsider asks for their own partnerships' pack). A job and its download
are their requester's only (the lead's here): anyone else 404.
"""

from partnership.models import ExportJob

from .. import rules

SIGN_IN = rules.SIGN_IN
OWN = {"lead": 200, "reader": 404, "outsider": 404, "anonymous": SIGN_IN}

# A board pack needs VIEW_DASHBOARDS and EXPORT_AGGREGATES: the commissioner asks as the lead does,
# the duty lead (no downloads) and the others of P are refused as the reader; the other
# partnership's duty clinician reads no dashboard anywhere (403; on our partnership's pack 404, as the
# partnership is looked up first). A job is its requester's only.
DEFAULTS = {"commissioner": "lead", "foreign_duty": 403}

RULES = {
    "dashboard_board_pack:post": (
        "post",
        {"lead": 302, "reader": 403, "outsider": 404, "foreign_duty": 404, "anonymous": SIGN_IN},
    ),
    "dashboard_area_board_pack:post": ("post", {"lead": 302, "reader": 403, "outsider": 302, "anonymous": SIGN_IN}),
    "export_job": ("get", {**OWN, "commissioner": 404, "foreign_duty": 404}),
    "export_job_download": ("get", {**OWN, "commissioner": 404, "foreign_duty": 404}),
}
PUBLIC = set()


def _job(cast, *, done: bool) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=cast.lead,
        kind=ExportJob.Kind.BOARD_PACK,
        title="Board pack",
        params={"level": "partnership", "partnership_ids": [cast.partnership.pk], "slug": cast.partnership.slug},
        status=ExportJob.Status.DONE if done else ExportJob.Status.RUNNING,
        content=b"%PDF-1.3 test" if done else None,
        filename="board-pack.pdf" if done else "",
        content_type="application/pdf" if done else "",
    )


def args(name, cast):
    if name == "dashboard_board_pack":
        return [cast.partnership.slug]
    if name == "dashboard_area_board_pack":
        return ["commissioned"]
    if name == "export_job":
        return [_job(cast, done=False).pk]
    if name == "export_job_download":
        return [_job(cast, done=True).pk]
    return None
