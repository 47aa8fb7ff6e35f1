"""Sign-in: the allauth adapter and the audit of sign-in, sign-out and failed sign-in."""

import time
from datetime import UTC, datetime

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added, authenticator_removed
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone

from .models.audit import AuditAction
from .services import audit
from .services.tokens import revoke_all_tokens

SESSION_STARTED_KEY = "auth_started_at"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Accounts are created by the partnership's administrators, never by sign-up.
        return False

    def is_reauthentication_required(self, *, app, **kwargs) -> bool:
        """Someone setting up two-factor authentication for the first time, straight after signing
        in, is not asked for their password again (to enrol, then to see their new recovery codes).
        Anyone whose authenticators predate this sign-in must re-authenticate before changing or
        removing them, as allauth intends."""
        request = self.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records:
                signed_in_at = records[0]["at"]
                recent = time.time() - signed_in_at < account_settings.REAUTHENTICATION_TIMEOUT
                enrolled_before = Authenticator.objects.filter(
                    user=request.user, created_at__lt=datetime.fromtimestamp(signed_in_at, tz=UTC)
                ).exists()
                if recent and not enrolled_before:
                    return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth keys the lockout on host + login; the Host header (and its port) is the client's
        # to choose, so a lockout keyed on it could be side-stepped. Key on the login alone.
        login = str(credentials.get("email", credentials.get("username", ""))).strip().lower()
        return f"login-attempts:{login}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            _audit_sign_in_attempt(AuditAction.SIGN_IN_LOCKED_OUT, credentials)
            raise


@receiver(user_logged_in)
def _audit_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED_KEY] = timezone.now().timestamp()
    audit.record(actor=user, action=AuditAction.SIGN_IN, obj=user)


@receiver(user_logged_out)
def _audit_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(actor=user, action=AuditAction.SIGN_OUT, obj=user)


def _attempted_login(credentials) -> tuple[str, object]:
    """The login typed, if it looks like an email address (a password typed in the wrong box is not
    kept), and the account it names, if any."""
    attempted = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    if not ("@" in attempted and " " not in attempted and len(attempted) <= 254):
        return "(not an email address)", None
    return attempted, get_user_model().objects.filter(email__iexact=attempted).first()


def _audit_sign_in_attempt(action: AuditAction, credentials) -> None:
    attempted, target = _attempted_login(credentials)
    audit.record(
        actor=audit.ANONYMOUS,
        action=action,
        object_type="partnership.user" if target else "",
        object_id=target.pk if target else "",
        detail={"attempted_login": attempted},
    )


@receiver(user_login_failed)
def _audit_failed_sign_in(sender, credentials, request=None, **kwargs):
    _audit_sign_in_attempt(AuditAction.SIGN_IN_FAILED, credentials)


def audit_failed_second_factor(user, *, reauthentication: bool = False) -> None:
    audit.record(
        actor=audit.ANONYMOUS if not reauthentication else user,
        action=AuditAction.MFA_FAILED,
        obj=user,
        detail={"stage": "reauthentication" if reauthentication else "sign-in"},
    )


@receiver(password_changed)
def _audit_password_changed(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.PASSWORD_CHANGED, obj=user, detail={"via": "account page"})
    revoke_all_tokens(user, reason="password changed")


@receiver(password_reset)
def _audit_password_reset(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.PASSWORD_CHANGED, obj=user, detail={"via": "reset link"})
    revoke_all_tokens(user, reason="password reset")


@receiver(password_set)
def _audit_password_set(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditAction.PASSWORD_CHANGED, obj=user, detail={"via": "set password"})


@receiver(authenticator_added)
def _audit_mfa_added(sender, request, user, authenticator, **kwargs):
    audit.record(actor=user, action=AuditAction.MFA_ACTIVATED, obj=user, detail={"type": authenticator.type})


@receiver(authenticator_removed)
def _audit_mfa_removed(sender, request, user, authenticator, **kwargs):
    audit.record(actor=user, action=AuditAction.MFA_DEACTIVATED, obj=user, detail={"type": authenticator.type})
    revoke_all_tokens(user, reason="two-factor authentication removed")


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
