"""Forms for membership of the partnership and lead contacts."""

from django import forms

from ..models import LeadContact, PartnershipOrganisation, Sector
from ..services.members import NON_SCHOOL_KINDS


def _required(message: str) -> dict:
    return {"required": message}


class MemberFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *PartnershipOrganisation.Status.choices],
    )
    sector = forms.ChoiceField(label="Sector", required=False, choices=[("", "Any sector"), *Sector.choices])


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label="Organisation name or URN",
        required=False,
        max_length=100,
        help_text="For example, Riverside Primary or 990001. Enter at least 2 characters.",
    )


class ApplicationForm(forms.Form):
    """An application for an organisation found in the register. `choices` is the search result."""

    mode = forms.CharField(widget=forms.HiddenInput, initial="existing", required=False)
    q = forms.CharField(widget=forms.HiddenInput, required=False)
    organisation = forms.ModelChoiceField(
        label="Which organisation is applying?",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the organisation that is applying",
            "invalid_choice": "Select one of the organisations found",
        },
    )
    note = forms.CharField(
        label="Application note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why the organisation wants to join and who will represent it.",
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = choices
        self.fields["organisation"].label_from_instance = _register_label


def _register_label(organisation) -> str:
    parts = [organisation.name, organisation.get_kind_display()]
    if organisation.urn:
        parts.append(f"URN {organisation.urn}")
    if organisation.postcode:
        parts.append(organisation.postcode)
    return ", ".join(parts)


class NewOrganisationApplicationForm(forms.Form):
    mode = forms.CharField(widget=forms.HiddenInput, initial="new", required=False)
    name = forms.CharField(
        label="Organisation name", max_length=255, error_messages=_required("Enter the organisation's name")
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[("", "Select the kind"), *NON_SCHOOL_KINDS],
        error_messages=_required("Select the kind of organisation"),
        help_text="Schools and colleges are in the register: search for them instead.",
    )
    ods_code = forms.CharField(
        label="ODS code (optional)",
        max_length=10,
        required=False,
        help_text="The NHS Organisation Data Service code of an NHS body, for example RXN99.",
    )
    charity_number = forms.CharField(
        label="Charity number (optional)",
        max_length=20,
        required=False,
        help_text="The Charity Commission registration number, for example 1199001.",
    )
    note = ApplicationForm.base_fields["note"]

    def clean_ods_code(self):
        value = self.cleaned_data["ods_code"].strip().upper()
        if value and not value.isalnum():
            raise forms.ValidationError("An ODS code has only letters and numbers")
        return value

    def clean_charity_number(self):
        value = self.cleaned_data["charity_number"].strip()
        if value and not value.replace("-", "").isalnum():
            raise forms.ValidationError("A charity number has only numbers and letters")
        return value


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("Enter the reason"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    """No fields: a confirmation page posts nothing but the CSRF token."""


def _person_fields():
    return {
        "name": forms.CharField(label="Full name", max_length=200, error_messages=_required("Enter the full name")),
        "job_title": forms.CharField(label="Job title (optional)", max_length=200, required=False),
        "email": forms.EmailField(
            label="Email address",
            max_length=254,
            error_messages={
                "required": "Enter the email address",
                "max_length": "The email address must be 254 characters or fewer",
                "invalid": "Enter an email address in the correct format, like name@example.org",
            },
        ),
    }


class LeadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of lead",
        widget=forms.RadioSelect,
        choices=LeadContact.Kind.choices,
        error_messages=_required("Select the kind of lead"),
    )
    name, job_title, email = _person_fields().values()
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k.value, k.label) for k in kinds]


class ReplaceLeadForm(forms.Form):
    name, job_title, email = _person_fields().values()
    phone = forms.CharField(label="Phone number (optional)", max_length=30, required=False)
    reason = forms.CharField(
        label="Why is the lead changing?",
        max_length=200,
        error_messages=_required("Enter why the lead is changing"),
        help_text="For example, left the school, or changed role.",
    )


class LinkReplacementForm(forms.Form):
    """The replacement named by a holder through the emailed link."""

    name, job_title, email = _person_fields().values()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = "Full name of the new lead"
        self.fields["email"].label = "Their email address"
        self.fields["job_title"].label = "Their job title (optional)"


class LeadFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of lead", required=False, choices=[("", "Any kind"), *LeadContact.Kind.choices]
    )
