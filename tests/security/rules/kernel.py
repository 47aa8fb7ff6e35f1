"""Access rules for the kernel: home, account, partnership details, API tokens, public pages."""

from knox.models import AuthToken

from ..cast import ROLES
from . import SIGN_IN

OPEN = dict.fromkeys(ROLES, 200)  # public pages: everyone alike
USE_API = dict.fromkeys(("duty", "duty_lead", "mhst", "commissioner"), 200)
WITH_SECOND_FACTOR = dict.fromkeys(("duty", "duty_lead", "mhst", "foreign_duty"), 200)
# a token is looked up after USE_API is checked: the reader and school staff are refused first
REFUSED_FIRST = ("reader", "school_a", "school_b")
NOT_THEIRS = dict.fromkeys(("duty", "duty_lead", "mhst", "commissioner"), 404)

RULES = {
    "home": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "account": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "partnership_list": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": SIGN_IN}),
    "partnership_detail": ("get", {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}),
    "partnership_edit": ("get", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    "partnership_edit:post": ("post", {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}),
    # Tokens need USE_API (not school staff or the reader) and, to issue one, a sign-in with a second
    # factor (the duty team, the MHST: an empty form is re-shown); the token revoked is the lead's.
    "api_tokens": ("get", {"lead": 200, "reader": 403, "outsider": 200, **USE_API, "anonymous": SIGN_IN}),
    "api_tokens:post": (
        "post",
        {"lead": 403, "reader": 403, "outsider": 403, **WITH_SECOND_FACTOR, "anonymous": SIGN_IN},
    ),
    "api_token_revoke": ("get", {"lead": 200, "reader": 403, "outsider": 404, **NOT_THEIRS, "anonymous": SIGN_IN}),
    "api_token_revoke:post": (
        "post",
        {"lead": 302, "reader": 403, "outsider": 404, **NOT_THEIRS, "anonymous": SIGN_IN},
    ),
    "api_me": ("get", {"lead": 200, "reader": 200, "outsider": 200, "anonymous": 401}),
    "account_email": ("get", {"lead": 404, "reader": 404, "outsider": 404, "anonymous": SIGN_IN}),
    "account_email:post": ("post", {"lead": 404, "reader": 404, "outsider": 404, "anonymous": SIGN_IN}),
    "accessibility": ("get", OPEN),
    "privacy": ("get", OPEN),
    "healthz": ("get", OPEN),
    "readyz": ("get", OPEN),
    "api_schema": ("get", OPEN),
    "api_docs": ("get", OPEN),
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
