"""Pages of the kernel. Views are thin: they scope, call a service, and render."""

import logging
import sys

from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .. import health, registry
from ..forms import IssueTokenForm, PartnershipDetailsForm
from ..models import Partnership, PartnershipOrganisation
from ..roles import Permission, permissions_for
from ..scoping import get_for_user_or_404
from ..services import tokens as token_service
from ..services.partnerships import update_partnership_details

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    memberships = []
    for membership in request.user.active_memberships():
        memberships.append(
            {
                "membership": membership,
                "roles": membership.role_objects,
                "can": sorted(permissions_for(membership.roles), key=lambda p: p.label),
            }
        )
    return render(request, "partnership/home.jinja", {"memberships": memberships})


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "partnership/accessibility.jinja")


@login_not_required
@require_GET
def privacy(request):
    return render(request, "partnership/privacy.jinja")


@require_GET
def partnership_list(request):
    if not request.user.has_permission(Permission.VIEW_PARTNERSHIP):
        raise PermissionDenied
    partnerships = Partnership.objects.for_user(request.user, Permission.VIEW_PARTNERSHIP)
    return render(request, "partnership/partnership_list.jinja", {"partnerships": partnerships})


#: the partnership page's sections: (heading, url name, description, permission needed to see the card)
SECTIONS = (
    ("Members", "member_list", "Member organisations by sector, applications and lead contacts.", None),
    (
        "Stale and missing lead contacts",
        "lead_list",
        "Lead contacts not confirmed in time, and organisations without one.",
        Permission.MANAGE_PARTNERSHIP,
    ),
    ("Groups and terms of reference", "group_list", "The steering group, forums and working groups.", None),
    ("Meetings", "meeting_list", "Schedules, agendas, attendance and quorum, minutes and decisions.", None),
    ("Memoranda of understanding", "mou_list", "Agreements between members, and who has signed them.", None),
    ("Action log", "action_list", "Every action, its owner, due date and RAG status.", None),
    ("Risk register", "risk_list", "Risks scored by likelihood and impact, with their mitigations.", None),
    ("Directory of services", "directory_list", "Every source of support, searchable by need, age and phase.", None),
    ("Sustainability plan", "sustainability_plan", "Ownership, funding end dates and the risks to them.", None),
)


@require_GET
def partnership_detail(request, slug):
    partnership = get_for_user_or_404(Partnership, request.user, Permission.VIEW_PARTNERSHIP, slug=slug)
    members = PartnershipOrganisation.objects.for_user(request.user, Permission.VIEW_PARTNERSHIP).filter(
        partnership=partnership
    )
    allowed = {p for p in Permission if partnership.pk in request.user.partnership_ids(p)}
    registered = ((s.heading, s.url_name, s.description, s.permission) for s in registry.partnership_sections())
    listed = [*SECTIONS, *registered]
    sections_allowed = [
        {"heading": heading, "href": reverse(name, args=[slug]), "description": description}
        for heading, name, description, permission in listed
        if permission is None or permission in allowed
    ]
    return render(
        request,
        "partnership/partnership_detail.jinja",
        {
            "partnership": partnership,
            "sections": sections_allowed,
            "member_counts": dict(
                members.values_list("status").annotate(n=Count("pk")).order_by().values_list("status", "n")
            ),
            "can_manage": Permission.MANAGE_PARTNERSHIP in allowed,
        },
    )


@require_http_methods(["GET", "POST"])
def partnership_edit(request, slug):
    partnership = get_for_user_or_404(Partnership, request.user, Permission.VIEW_PARTNERSHIP, slug=slug)
    if partnership.pk not in request.user.partnership_ids(Permission.MANAGE_PARTNERSHIP):
        raise PermissionDenied
    form = PartnershipDetailsForm(request.POST or None, instance=partnership)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.fields}
        update_partnership_details(partnership=partnership, by=request.user, **changes)
        messages.success(request, "Partnership details saved.")
        return redirect("partnership_detail", slug=slug)
    return render(request, "partnership/partnership_form.jinja", {"partnership": partnership, "form": form})


@require_http_methods(["GET", "POST"])
def not_offered(request, *args, **kwargs):
    """allauth pages this service does not offer (adding email addresses): not found, however asked."""
    raise Http404


@require_GET
def account(request):
    return render(request, "partnership/account.jinja", {"memberships": request.user.active_memberships()})


def _signed_in_with_second_factor(request) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


@never_cache
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if not request.user.has_permission(Permission.USE_API):
        raise PermissionDenied
    mfa_ok = _signed_in_with_second_factor(request)
    form = IssueTokenForm(request.POST or None)
    if request.method == "POST":
        if not mfa_ok:
            raise PermissionDenied
        # ACCOUNT_RATE_LIMITS["issue_api_token"]: a stolen session cannot mint tokens in bulk.
        too_many = ratelimit.consume_or_429(request, action="issue_api_token")
        if too_many is not None:
            return too_many
        if form.is_valid():
            instance, token = token_service.issue_token(
                user=request.user, by=request.user, days=form.cleaned_data["days"]
            )
            # Shown once, in this response only: never stored, never in a URL or a redirect.
            return render(request, "partnership/token_created.jinja", {"token": token, "instance": instance})
    return render(
        request,
        "partnership/api_tokens.jinja",
        {"tokens": token_service.tokens_for(request.user), "form": form, "mfa_ok": mfa_ok},
    )


@require_http_methods(["GET", "POST"])
def api_token_revoke(request, token_key):
    if not request.user.has_permission(Permission.USE_API):
        raise PermissionDenied
    token = get_object_or_404(token_service.tokens_for(request.user), token_key=token_key)
    if request.method == "POST":
        token_service.revoke_token(token=token, by=request.user)
        messages.success(request, "The token has been revoked. Anything using it will stop working.")
        return redirect("api_tokens")
    return render(request, "partnership/api_token_revoke.jinja", {"token": token})


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness: the process is up and answering. Deliberately touches neither the database nor
    Redis (see partnership/health.py): an outage of either must not get web processes restarted."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request):
    """Readiness: may this process be sent traffic? 503 until the database is reachable with every
    migration applied and (in production) the static files manifest exists. Redis is reported but
    does not decide it: requests succeed without Redis (the outbox keeps their work, ADR 0014), so a
    Redis outage must not take every replica out of the load balancer; it answers 200 "degraded".
    The body names the failing check, nothing more (no error text, host or version)."""
    checks = health.readiness()
    ready = all(ok for name, ok in checks.items() if name in health.REQUIRED_FOR_READINESS)
    failing = [name for name, ok in checks.items() if not ok]
    if failing:
        logger.warning("%s: %s", "Degraded" if ready else "Not ready", ", ".join(failing))
    return JsonResponse(
        {
            "status": ("degraded" if failing else "ready") if ready else "unavailable",
            "checks": {name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        },
        status=200 if ready else 503,
    )


# --- error pages -------------------------------------------------------------------------------
def _error(request, template, status):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, "errors/400.jinja", 400)


def permission_denied(request, exception=None):
    return _error(request, "errors/403.jinja", 403)


def page_not_found(request, exception=None):
    return _error(request, "errors/404.jinja", 404)


def server_error(request):
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    # Rendered without the request: no context processor may touch a database that may be down. The
    # CSP nonce (set by the middleware, no database) lets the page's one inline script run.
    return HttpResponseServerError(loader.get_template("errors/500.jinja").render(_bare_context(request)))


def _bare_context(request) -> dict:
    """What an error page needs when it is rendered without the request (no database)."""
    return {"service_name": settings.SERVICE_NAME, "csp_nonce": getattr(request, "csp_nonce", "")}


# --- the database is down ----------------------------------------------------------------------
RETRY_AFTER_SECONDS = 30
DATABASE_UNAVAILABLE_MESSAGE = (
    "The service is unavailable. Try again in a few minutes. Anything you were sending has not been saved."
)


def database_unavailable(exc: BaseException | None) -> bool:
    """True when the exception (or one it was raised from) says the database cannot be reached:
    the server is down or restarting, the connection dropped, or it refused us."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def service_unavailable(request):
    """503 while the database is unreachable: a friendly page, or a JSON error under /api/, with
    Retry-After. Connections recover by themselves (CONN_HEALTH_CHECKS): no restart is needed."""
    if request is not None and request.path_info.startswith("/api/"):
        response = JsonResponse({"code": "service_unavailable", "message": DATABASE_UNAVAILABLE_MESSAGE}, status=503)
    else:
        # Rendered without the request: no context processor may touch the database that is down.
        response = HttpResponse(loader.get_template("errors/503.jinja").render(_bare_context(request)), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    patch_cache_control(response, no_store=True)
    return response
