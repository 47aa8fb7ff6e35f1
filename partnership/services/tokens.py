"""API tokens: knox stores only a digest; the token itself is shown once and never again."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from knox.models import AuthToken

from ..models.audit import AuditAction
from ..roles import Permission
from . import audit


class TokenNotAllowed(Exception):
    pass


@transaction.atomic
def issue_token(*, user, by, days: int | None = None, via: str = "account page") -> tuple[AuthToken, str]:
    if not user.is_active:
        raise TokenNotAllowed("This account is not active.")
    if not user.has_permission(Permission.USE_API):
        raise TokenNotAllowed("None of this account's roles may use the API.")
    if user.requires_mfa and not user.has_totp():
        raise TokenNotAllowed("This account must set up two-factor authentication before it can have a token.")
    ttl = timedelta(days=days if days is not None else settings.API_TOKEN_TTL_DAYS)
    instance, token = AuthToken.objects.create(user=user, expiry=ttl)
    audit.record(
        actor=by,
        action=AuditAction.TOKEN_ISSUED,
        object_type="knox.authtoken",
        object_id=instance.token_key,
        detail={"user": user.email, "expires": instance.expiry.isoformat(), "via": via},
    )
    return instance, token


@transaction.atomic
def revoke_token(*, token: AuthToken, by) -> None:
    key = token.token_key
    owner = token.user.email
    token.delete()
    audit.record(
        actor=by, action=AuditAction.TOKEN_REVOKED, object_type="knox.authtoken", object_id=key, detail={"user": owner}
    )


@transaction.atomic
def revoke_all_tokens(user, *, reason: str) -> None:
    """Revoke every token of a user whose credentials changed; audited when there were any."""
    count, _ = AuthToken.objects.filter(user=user).delete()
    if count:
        audit.record(actor=user, action=AuditAction.TOKEN_REVOKED, obj=user, detail={"all": count, "reason": reason})


def tokens_for(user):
    return AuthToken.objects.filter(user=user).order_by("-created")
