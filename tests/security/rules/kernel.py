"""Access rules for the kernel: home, account, partnership details, API tokens, public pages."""

from knox.models import AuthToken

from . import SIGN_IN

RULES = {
    "home": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "account": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "partnership_list": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "partnership_detail": ("get", {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}),
    "partnership_edit": ("get", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "partnership_edit:post": ("post", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "api_tokens": ("get", {"lead": 200, "reader": 403, "outsider": 200, "anonymous": SIGN_IN}),
    "api_tokens:post": ("post", {"lead": 403, "reader": 403, "outsider": 403, "anonymous": SIGN_IN}),
    "api_token_revoke": ("get", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "api_token_revoke:post": ("post", {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "api_me": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}),
    "account_email": ("get", {"lead": 404, "reader": 404, "outsider": 404, "anonymous": SIGN_IN}),
    "accessibility": ("get", {"lead": 200, "anonymous": 200}),
    "privacy": ("get", {"lead": 200, "anonymous": 200}),
    "healthz": ("get", {"anonymous": 200}),
    "readyz": ("get", {"anonymous": 200}),
    "api_schema": ("get", {"anonymous": 200}),
    "api_docs": ("get", {"anonymous": 200}),
}

PUBLIC = {"accessibility", "privacy", "healthz", "readyz", "api_schema", "api_docs"}


def args(name, cast):
    if name in {"partnership_detail", "partnership_edit"}:
        return [cast.partnership.slug]
    if name == "api_token_revoke":
        instance, _ = AuthToken.objects.create(user=cast.lead)
        return [instance.token_key]
    if name in RULES:
        return []
    return None
