from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms

from .models import Partnership
from .services.partnerships import EDITABLE_FIELDS


class PartnershipDetailsForm(forms.ModelForm):
    class Meta:
        model = Partnership
        fields = EDITABLE_FIELDS
        widgets = {
            "lead_body": forms.RadioSelect,
            "rurality": forms.RadioSelect,
        }
        labels = {"lead_body": "Who leads the partnership", "rurality": "Type of area"}
        help_texts = {
            "transformation_plan_reference": (
                "The reference of the local transformation plan this partnership delivers."
            ),
        }
        error_messages = {
            "name": {"required": "Enter the partnership's name"},
            "lead_body": {"required": "Select who leads the partnership"},
            "region": {"required": "Select the region"},
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


class SecurityCodeForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self.fields["code"], "Enter the code from your authenticator app", "Security code")


class ReauthenticateCodeForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self.fields["code"], "Enter the code from your authenticator app", "Security code")


class ActivateAuthenticatorForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _require(self.fields["code"], "Enter the 6-digit code your app shows", "Code from your app")
