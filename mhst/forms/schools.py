"""Forms of a school's MHST page: one readiness item, and the agreement with a team."""

from django import forms

from ..models import Function, OfferItem, Practitioner, ReadinessStatus

DATE = forms.DateInput(attrs={"type": "date"})
STATUS_NEEDED = "Select the status of this item"


class ReadinessItemForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=ReadinessStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": STATUS_NEEDED, "invalid_choice": STATUS_NEEDED},
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "What shows the item is met, for example the name of a document or a meeting and its date. "
            "Needed when the item is met. Do not include any child's details: the evidence is kept in the "
            "audit log."
        ),
        error_messages={"max_length": "Evidence must be 2,000 characters or fewer"},
    )


class AgreementForm(forms.Form):
    """The palette is chosen from the team's active offer, one group of checkboxes per function."""

    school_contact_name = forms.CharField(
        label="School contact: name",
        required=False,
        max_length=200,
        error_messages={"max_length": "Name must be 200 characters or fewer"},
    )
    school_contact_role = forms.CharField(
        label="School contact: role",
        required=False,
        max_length=200,
        help_text="For example, senior mental health lead.",
        error_messages={"max_length": "Role must be 200 characters or fewer"},
    )
    school_contact_email = forms.EmailField(
        label="School contact: email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@school.sch.uk"},
    )
    team_contact = forms.TypedChoiceField(
        label="Team contact",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Select a practitioner of this team as the team's contact"},
    )
    endorsed_by = forms.CharField(
        label="Protocol endorsed by",
        required=False,
        max_length=200,
        help_text="Name and role on the school's senior leadership team.",
        error_messages={"max_length": "Protocol endorsed by must be 200 characters or fewer"},
    )
    endorsed_on = forms.DateField(
        label="Protocol endorsed on",
        required=False,
        widget=DATE,
        error_messages={"invalid": "Enter the date the protocol was endorsed, like 2026-09-01"},
    )
    review_on = forms.DateField(
        label="Review date",
        required=False,
        widget=DATE,
        help_text="When the school and the team will next review this agreement.",
        error_messages={"invalid": "Enter the review date, like 2027-07-01"},
    )

    def __init__(self, *args, team, user, **kwargs):
        super().__init__(*args, **kwargs)
        offer = list(OfferItem.objects.for_user(user).filter(team=team, is_active=True).order_by("function", "title"))
        self.functions = []
        for function in Function:
            choices = [(item.pk, item.title) for item in offer if item.function == function.value]
            if not choices:
                continue
            name = f"palette_{function.value}"
            self.fields[name] = forms.TypedMultipleChoiceField(
                label=f"Function {function.value}: {function.title}",
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Select the support from the team's current offer"},
            )
            self.functions.append(name)
        practitioners = Practitioner.objects.for_user(user).filter(team=team).order_by("name")
        self.fields["team_contact"].choices = [("", "Choose a practitioner")] + [
            (p.pk, f"{p.name}, {p.get_role_display()}") for p in practitioners
        ]

    def service_kwargs(self) -> dict:
        data = {name: self.cleaned_data[name] for name in AgreementForm.base_fields}
        data["palette"] = [pk for name in self.functions for pk in self.cleaned_data.get(name, [])]
        return data
