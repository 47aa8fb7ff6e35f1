"""Forms for the sustainability plan. The view passes the choices (the partnership's members and
risks), reached through the user's scope."""

from django import forms
from django.utils import timezone

DATE_HELP = "Use the date picker, or enter the date as day, month and year, for example 31/03/2027."


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.email


class RiskChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.reference}: {obj.title} (score {obj.score}, {obj.rating.label})"


class SustainabilityPlanForm(forms.Form):
    accountable_owner = OwnerChoiceField(
        label="Accountable owner",
        queryset=None,
        required=False,
        empty_label="Not chosen yet",
        help_text="The person who answers for the partnership carrying on.",
    )
    embedding = forms.CharField(
        label="How actions are embedded in the local transformation plan",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    funding_summary = forms.CharField(label="Funding summary", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    review_date = forms.DateField(
        label="Review date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=DATE_HELP,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Enter the review date as a real date, for example 31/03/2027"},
    )
    risks = RiskChoiceField(
        label="Linked risks",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The risks from the register that threaten the partnership carrying on.",
    )

    def __init__(self, *args, owners, risks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accountable_owner"].queryset = owners
        self.fields["risks"].queryset = risks


class FundingStreamForm(forms.Form):
    name = forms.CharField(label="Name of the funding", max_length=200, error_messages={"required": "Enter the name"})
    funder = forms.CharField(label="Funder", max_length=200, error_messages={"required": "Enter who provides it"})
    annual_amount = forms.DecimalField(
        label="Amount a year in pounds (optional)",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text="For example 120000",
        error_messages={
            "invalid": "Enter the amount as a number, for example 120000",
            "min_value": "Enter an amount of 0 or more",
            "max_digits": "Enter an amount of less than 10 billion",
            "max_decimal_places": "Enter the amount in pounds and pence, for example 1250.50",
        },
    )
    ends_on = forms.DateField(
        label="Funding ends on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=DATE_HELP,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Enter the date the funding ends",
            "invalid": "Enter the date the funding ends as a real date, for example 31/03/2027",
        },
    )

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on.year < timezone.localdate().year - 10:
            raise forms.ValidationError("Enter a date in the last 10 years or in the future")
        return ends_on


class ConfirmForm(forms.Form):
    """An empty form, so a confirmation page can show a service's error in the error summary."""
