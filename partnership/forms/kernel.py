from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.conf import settings
from django.core.cache import cache

from ..auth import audit_failed_second_factor
from ..models import Partnership
from ..services.partnerships import EDITABLE_FIELDS


class PartnershipDetailsForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = EDITABLE_FIELDS
        widgets = {
            "lead_body": forms.RadioSelect,
            "rurality": forms.RadioSelect,
        }
        labels = {
            "lead_body": "Who leads the partnership",
            "rurality": "Type of area",
            "lead_confirmation_months": "How often must lead contacts confirm they are still in post? (months)",
            "publishes_public_pages": "Publish public pages",
        }
        help_texts = {
            "transformation_plan_reference": (
                "The reference of the local transformation plan this partnership delivers."
            ),
            "lead_confirmation_months": (
                "One school term is 4 months. Stale lead contacts are asked to confirm by email."
            ),
            "publishes_public_pages": (
                "Anyone can then read the published terms of reference, the membership list by sector, "
                "the steering group's membership and meeting dates. Nothing else is public."
            ),
        }
        error_messages = {
            "name": {"required": "Enter the partnership's name"},
            "lead_body": {"required": "Select who leads the partnership"},
            "region": {"required": "Select the region"},
            "lead_confirmation_months": {
                "required": "Enter how many months a lead contact's confirmation lasts",
                "invalid": "Enter a whole number of months, like 4",
                "min_value": "Enter a number of months between 1 and 24",
                "max_value": "Enter a number of months between 1 and 24",
            },
        }


class IssueTokenForm(forms.Form):
    days = forms.TypedChoiceField(
        label="How long should the token last?",
        choices=[(7, "7 days"), (30, "30 days"), (90, "90 days")],
        coerce=int,
        initial=30,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how long the token should last"},
    )


# --- sign-in forms: allauth's forms with NHS.UK-style labels and error messages ------------------


def _require(field, message: str, label: str | None = None) -> None:
    field.error_messages["required"] = message
    field.help_text = ""
    if label:
        field.label = label


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self.fields["login"], "Enter your email address", "Email address")
        _require(self.fields["password"], "Enter your password", "Password")


class _SecondFactorCodeMixin:
    """Audits wrong codes, and remembers a used authenticator code for as long as it stays valid
    (allauth remembers it for one 30-second period only, but accepts it for MFA_TOTP_TOLERANCE more
    either side), so a code seen over someone's shoulder cannot be used again."""

    reauthentication = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self.fields["code"], "Enter the code from your authenticator app", "Security code")

    def clean_code(self):
        try:
            code = super().clean_code()
        except forms.ValidationError:
            audit_failed_second_factor(self.user, reauthentication=self.reauthentication)
            raise
        digits = str(code).replace(" ", "")
        if digits.isdigit() and len(digits) == 6:
            valid_for = (2 * settings.MFA_TOTP_TOLERANCE + 1) * 30
            if not cache.add(f"mfa-code-used:{self.user.pk}:{digits}", True, timeout=valid_for):
                audit_failed_second_factor(self.user, reauthentication=self.reauthentication)
                raise forms.ValidationError("This code has already been used. Wait for your app to show a new one.")
        return code


class SecurityCodeForm(_SecondFactorCodeMixin, AuthenticateForm):
    pass


class ReauthenticateCodeForm(_SecondFactorCodeMixin, ReauthenticateForm):
    reauthentication = True


class ActivateAuthenticatorForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self.fields["code"], "Enter the 6-digit code your app shows", "Code from your app")
