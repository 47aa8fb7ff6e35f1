"""Forms for the allocation method, a proposal, an adjustment and the board's decision."""

from decimal import Decimal

from django import forms

from partnership.models import Organisation

from ..models import AllocationMethod


def _weight(label, hint):
    return forms.DecimalField(
        label=label,
        help_text=hint,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
        error_messages={
            "required": "Enter a weight (0 if the indicator does not count)",
            "invalid": "Enter the weight as a number, like 2 or 1.5",
            "min_value": "Enter a weight of 0 or more",
            "max_value": "Enter a weight of 100 or less",
            "max_decimal_places": "Enter the weight with at most one decimal place",
            "max_digits": "Enter a weight of 100 or less",
        },
    )


class MethodForm(forms.Form):
    pupils_weight = _weight("Pupil numbers", "Larger schools have more children who may need support.")
    fsm_weight = _weight("Free school meals (%)", "A marker of disadvantage (operating principle 7).")
    deprivation_weight = _weight("Deprivation of the school's area", "Index of Multiple Deprivation decile.")
    referral_rate_weight = _weight(
        "Referral rate", "Referrals from the school per 1,000 pupils over the last 12 months."
    )
    readiness_weight = _weight("Readiness", "Checklist items met, out of 10.")
    explanation = forms.CharField(
        label="Why these indicators and weights",
        help_text="Published to every member of the partnership with the method.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Explain why these indicators and weights"},
    )

    def clean(self):
        data = super().clean()
        weights = [data.get(name) for name in self.fields if name.endswith("_weight")]
        if all(w is not None for w in weights) and not any(w > 0 for w in weights):
            self.add_error("pupils_weight", "Give at least one indicator a weight above 0")
        return data

    @staticmethod
    def initial_from(method: AllocationMethod | None) -> dict:
        if method is None:
            return {
                "pupils_weight": 1,
                "fsm_weight": 2,
                "deprivation_weight": 2,
                "referral_rate_weight": 1,
                "readiness_weight": 0,
            }
        return {name: getattr(method, name) for name in MethodForm.base_fields}


class ProposeForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(
        label="Candidate schools and colleges",
        help_text="Each gets a need score and a share of the team's qualified capacity.",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one school",
            "invalid_choice": "Choose only the partnership's member schools and colleges",
            "invalid_pk_value": "Choose only the partnership's member schools and colleges",
        },
    )
    effective_from = forms.DateField(
        label="Start date if approved",
        help_text="The team's capacity is measured on this date (or today, if later).",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date the allocation would start", "invalid": "Enter a real date"},
    )
    rationale = forms.CharField(
        label="Rationale",
        help_text="Why this allocation: members read it once the steering group approves it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Explain the proposal: members read this once it is approved"},
    )

    def __init__(self, *args, schools=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = schools if schools is not None else Organisation.objects.none()


class AdjustForm(forms.Form):
    wte = forms.CharField(
        label="Share (whole-time equivalent)",
        help_text="For example 0.40 (four sessions a week). 0 takes the school out.",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
        error_messages={"required": "Enter the share as a number of whole-time equivalents, like 0.40"},
    )
    reason = forms.CharField(
        label="Reason for the change",
        help_text="Published with the allocation once approved.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Explain why the share changes: members read it with the allocation"},
    )


class DecideForm(forms.Form):
    meeting = forms.ModelChoiceField(
        label="Steering group meeting",
        queryset=None,
        empty_label="Choose the meeting",
        error_messages={
            "required": "Choose the steering group meeting that decided",
            "invalid_choice": "Choose a steering group meeting that has been held",
        },
    )
    outcome = forms.ChoiceField(
        label="The board's decision",
        choices=[("approve", "Approved: it becomes the team's active allocation"), ("not_approve", "Not approved")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the steering group approved the allocation"},
    )
    decision_text = forms.CharField(
        label="Decision as minuted",
        help_text="Recorded at the meeting with the next decision reference (D0001...).",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the decision as minuted"},
    )
    note = forms.CharField(
        label="Note for members (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.group.name}, {m.starts_at:%-d %B %Y}"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why withdraw it",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Explain why the proposal is withdrawn"},
    )
