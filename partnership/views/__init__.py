"""Pages, one module per area: `kernel` (home, account, tokens, errors) and one per governance area."""

from .kernel import (
    accessibility,
    account,
    api_token_revoke,
    api_tokens,
    bad_request,
    healthz,
    home,
    not_offered,
    page_not_found,
    partnership_detail,
    partnership_edit,
    partnership_list,
    permission_denied,
    privacy,
    server_error,
)

__all__ = [
    "accessibility",
    "account",
    "api_token_revoke",
    "api_tokens",
    "bad_request",
    "healthz",
    "home",
    "not_offered",
    "page_not_found",
    "partnership_detail",
    "partnership_edit",
    "partnership_list",
    "permission_denied",
    "privacy",
    "server_error",
]
