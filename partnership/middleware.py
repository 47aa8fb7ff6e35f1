import re
import secrets
import uuid
from datetime import datetime, timedelta

from allauth.core.internal.httpkit import clean_client_ip
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.db import DatabaseError
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from rest_framework.views import APIView

from . import request_context
from .auth import SESSION_STARTED_KEY
from .models.audit import AuditAction
from .services import audit

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when sane) and records the client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        token = request_context.set_current(
            request_context.RequestContext(request_id=request.request_id, ip_address=client_ip(request))
        )
        try:
            response = self.get_response(request)
        finally:
            request_context.reset(token)
        response["X-Request-ID"] = request.request_id
        if _signed_in(request) and "Cache-Control" not in response:
            # Pages for a signed-in person (secrets, recovery codes, children's details) are never cached.
            patch_cache_control(response, no_store=True, private=True)
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except DatabaseError:
        # The database went down during the request: the response is already the 503 page
        # (partnership.views.kernel.service_unavailable), which is never cached.
        return False


def client_ip(request) -> str | None:
    """The client's address. Behind N trusted proxies it is the Nth address from the right of
    X-Forwarded-For: everything to its left was written by the client and may be forged."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = clean_client_ip(forwarded[-hops])  # drops a port, refuses what is not an address
            if address:
                return address
    return clean_client_ip(request.META.get("REMOTE_ADDR") or "")


def content_security_policy(nonce: str, *, style_src: str = "'self'") -> str:
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src {style_src}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class ContentSecurityPolicyMiddleware:
    """A strict Content-Security-Policy with a per-request nonce for the one inline script."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request.csp_nonce)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class AbsoluteSessionTimeoutMiddleware:
    """Ends a signed-in session 12 hours after sign-in, however active it has been.

    The idle timeout (30 minutes) is the session cookie's age, renewed on every request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            limit: timedelta = settings.SESSION_ABSOLUTE_TIMEOUT
            now = timezone.now()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now.timestamp()
            elif now - datetime.fromtimestamp(started, tz=timezone.get_current_timezone()) > limit:
                audit.record(actor=user, action=AuditAction.SESSION_EXPIRED, obj=user)
                logout(request)
                messages.info(request, "For your security you have been signed out after 12 hours. Sign in again.")
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs sign-in unless its view is marked @login_not_required.

    API views are left to Django REST Framework, whose default permission denies everything
    (partnership.api.permissions.DenyAll): token-authenticated callers get 401, not a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


# Pages a signed-in user who still has to set up two-factor authentication may reach.
MFA_SETUP_URL_NAMES = {
    "mfa_activate_totp",
    "mfa_index",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "account_logout",
    "accessibility",
    "privacy",
    "healthz",
    "readyz",
}


class MfaRequiredMiddleware:
    """Anyone whose roles let them see a child's details must set up two-factor authentication
    before they can do anything else. Once set up, allauth asks for the code at every sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.requires_mfa:
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        try:
            url_name = resolve(request.path_info).view_name
        except Resolver404:
            return None
        if url_name in MFA_SETUP_URL_NAMES or user.has_totp():
            return None
        messages.warning(
            request,
            "Your role lets you see children's details, so you must set up two-factor authentication "
            "before you continue.",
        )
        return redirect(reverse("mfa_activate_totp"))
