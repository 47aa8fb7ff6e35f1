"""Forms, one module per area: `kernel` (partnership details, tokens, sign-in) and one per governance area."""

from .kernel import (
    ActivateAuthenticatorForm,
    IssueTokenForm,
    PartnershipDetailsForm,
    ReauthenticateCodeForm,
    SecurityCodeForm,
    SignInForm,
)

__all__ = [
    "ActivateAuthenticatorForm",
    "IssueTokenForm",
    "PartnershipDetailsForm",
    "ReauthenticateCodeForm",
    "SecurityCodeForm",
    "SignInForm",
]
