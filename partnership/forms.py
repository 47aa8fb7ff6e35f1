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
        help_texts = {
            "transformation_plan_reference": "The reference of the local transformation plan this partnership delivers.",
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
