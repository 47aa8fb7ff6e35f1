"""Sign-in: the allauth adapter and the audit of sign-in, sign-out and failed sign-in."""

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from .models.audit import AuditAction
from .services import audit

SESSION_STARTED_KEY = "auth_started_at"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by the partnership's administrators, never by sign-up.
        return False

    def is_reauthentication_required(self, *, app, **kwargs) -> bool:
        """A sign-in within the re-authentication window counts as re-authenticating, so someone made
        to set up two-factor authentication straight after signing in is not asked for their password twice."""
        request = self.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@receiver(user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = timezone.now().timestamp()
    audit.record(actor=user, action=AuditAction.SIGN_IN, obj=user)


@receiver(user_logged_out)
def _audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.SIGN_OUT, obj=user)


@receiver(user_login_failed)
def _audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    attempted = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    # Only something shaped like an email address is kept: a password typed in the wrong box is not.
    looks_like_email = "@" in attempted and " " not in attempted and len(attempted) <= 254
    target = None
    if looks_like_email:
        target = get_user_model().objects.filter(email__iexact=attempted).first()
    audit.record(
        actor=audit.ANONYMOUS,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="partnership.user" if target else "",
        object_id=target.pk if target else "",
        detail={"attempted_login": attempted if looks_like_email else "(not an email address)"},
    )


@receiver(authenticator_added)
def _audit_mfa_added(sender, request, user, authenticator, **kwargs):
    audit.record(actor=user, action=AuditAction.MFA_ACTIVATED, obj=user, detail={"type": authenticator.type})


@receiver(authenticator_removed)
def _audit_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit.record(actor=user, action=AuditAction.MFA_DEACTIVATED, obj=user, detail={"type": authenticator.type})


class MfaAdapter(DefaultMFAAdapter):
    """Encrypts TOTP secrets and recovery-code seeds at rest (Fernet, AES-128-CBC with HMAC).

    Keys come from MFA_ENCRYPTION_KEYS: the first encrypts, all decrypt, so a key can be rotated
    by putting a new one first. Outside production a key is derived from SECRET_KEY.
    """

    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])

    def encrypt(self, text: str) -> str:
        return self._fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return self._fernet().decrypt(encrypted_text.encode()).decode()
