"""The dashboard's PDF board pack: ask for it, watch it being built, download it.

- `board_pack` / `area_board_pack` (POST, from the dashboard with its filters as hidden inputs): the
  same scope checks as the dashboard (a partnership through `partnership_for` with VIEW_DASHBOARDS,
  an area through `scopes.area_scope`), plus EXPORT_AGGREGATES (national readers need only be
  national readers). Bad filters go back to the dashboard with the error. Otherwise an ExportJob is
  saved and audited, and the Celery task is queued when the transaction commits: if the broker is
  down the job stays queued and its page says so (never a 500).
- `export_job`: the requester's own job (anyone else: 404), its progress, refreshing itself every
  3 seconds while it is queued or running; a download link when done; the error and "try again"
  when it failed.
- `export_job_download`: the PDF of a finished job, as an attachment (audited).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from .. import outbox
from ..dashboards import boardpack, scopes
from ..dashboards.filters import FilterForm, may_filter_by_school
from ..figures import Level, Scope
from ..models.audit import AuditAction
from ..models.exports import ExportJob
from ..roles import Permission
from ..services import audit
from .common import partnership_for

REFRESH_SECONDS = 3
NOT_QUEUED = "The board pack could not be started just now (the background service is not answering). Try again."
FILTERS = ("from", "to", "phase", "school")


def enqueue(job_id) -> bool:
    """Queue the build; a broker outage leaves the job queued with a message, and the request goes on."""
    if outbox.send_now("partnership.tasks.build_board_pack", args=[str(job_id)]):
        return True
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(message=NOT_QUEUED)
    return False


def _back(request, name: str, kwargs: dict) -> HttpResponse:
    query = urlencode({key: request.POST[key] for key in FILTERS if request.POST.get(key)})
    return redirect(reverse(name, kwargs=kwargs) + (f"?{query}" if query else ""))


def _ask(request, scope: Scope, *, where: dict, dashboard: str, partnership=None) -> HttpResponse:
    if not scopes.may_export(request.user, scope):
        raise PermissionDenied
    allow_school = may_filter_by_school(request.user, scope)
    form = FilterForm(request.POST, scope=scope, allow_school=allow_school)
    problems = []
    if request.POST.get("school", "").strip() and not allow_school:
        problems.append("Only an area lead can filter by school, on their own partnership's dashboard.")
    if not form.is_valid():
        problems.extend(str(message) for errors in form.errors.values() for message in errors)
    if problems:
        messages.error(request, "The board pack was not made: " + " ".join(problems))
        return _back(request, dashboard, where)
    filters = form.filters()
    params = {
        "level": scope.level.value,
        "partnership_ids": list(scope.partnership_ids),
        **where,
        **boardpack.filter_params(filters),
    }
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=request.user,
            kind=ExportJob.Kind.BOARD_PACK,
            params=params,
            title=boardpack.title_for(scope, filters),
        )
        audit.record(
            actor=request.user,
            action=AuditAction.EXPORT,
            obj=job,
            partnership=partnership,
            detail={"export": "board_pack", "requested": True, **params},
        )
        transaction.on_commit(lambda: enqueue(job.pk))
    return redirect("export_job", pk=job.pk)


@require_POST
def board_pack(request, slug):
    partnership = partnership_for(request, slug, Permission.VIEW_DASHBOARDS)
    return _ask(
        request,
        scopes.partnership_scope(partnership),
        where={"slug": partnership.slug},
        dashboard="dashboard",
        partnership=partnership,
    )


@require_POST
def area_board_pack(request, area):
    scope = scopes.area_scope_or_refuse(request.user, area)
    return _ask(request, scope, where={"area": area}, dashboard="dashboard_area")


def _again(job: ExportJob) -> tuple[str, dict] | None:
    """Where "try again" posts (the same board pack request) and the filters it sends."""
    params = job.params
    if params.get("slug"):
        action = reverse("dashboard_board_pack", kwargs={"slug": params["slug"]})
    elif params.get("area") in ("commissioned", "national"):
        action = reverse("dashboard_area_board_pack", kwargs={"area": params["area"]})
    else:
        return None
    return action, {key: "" if params.get(key) is None else str(params[key]) for key in FILTERS}


@require_GET
def export_job(request, pk):
    job = get_object_or_404(ExportJob.objects.for_user(request.user).defer("content"), pk=pk)
    waiting = job.status in (ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)
    again = _again(job)
    return render(
        request,
        "partnership/exports/job.jinja",
        {
            "job": job,
            "Status": ExportJob.Status,
            "refresh": REFRESH_SECONDS if waiting else None,
            "again_action": again[0] if again else None,
            "again_fields": again[1] if again else {},
            "not_queued": job.status == ExportJob.Status.QUEUED and job.message == NOT_QUEUED,
            "dashboard_url": _dashboard_url(job),
        },
    )


def _dashboard_url(job: ExportJob) -> str:
    if job.params.get("slug"):
        return reverse("dashboard", kwargs={"slug": job.params["slug"]})
    if job.params.get("area") in ("commissioned", "national"):
        return reverse("dashboard_area", kwargs={"area": job.params["area"]})
    return reverse("dashboard_home")


@require_GET
def export_job_download(request, pk):
    job = get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)
    if job.status != ExportJob.Status.DONE or not job.content:
        return redirect("export_job", pk=job.pk)
    if boardpack.scope_of(request.user, job.params) is None:  # their roles changed since it was made
        raise PermissionDenied
    partnership_id = None
    if job.params.get("level") == Level.PARTNERSHIP:
        partnership_id = (job.params.get("partnership_ids") or [None])[0]
    audit.record(
        actor=request.user,
        action=AuditAction.EXPORT,
        obj=job,
        partnership=partnership_id,
        detail={"export": "board_pack", "downloaded": True, "filename": job.filename},
    )
    response = HttpResponse(bytes(job.content), content_type=job.content_type or boardpack.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{job.filename or "board-pack.pdf"}"'
    response["Cache-Control"] = "no-store"
    return response
