"""Forms of the activity log: one activity (quick entry on a phone, and corrections), the log's
filters, and the CSV upload. The rules live in mhst.services.activity; these forms only read the
input and offer the choices (the team's practitioners, the partnership's schools)."""

from django import forms

from partnership.roles import Permission

from ..models import ActivityType, Function, Practitioner
from ..services import activity as service

NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}
DATE = {"type": "date"}


class SchoolChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} (URN {obj.urn})" if obj.urn else obj.name


def _practitioners(user, team):
    return Practitioner.objects.for_user(user, Permission.RECORD_MHST_ACTIVITY).filter(team=team).order_by("name")


class ActivityForm(forms.Form):
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the date of the activity",
            "invalid": "Enter the date as a real date, for example 30/03/2026",
        },
    )
    school = SchoolChoiceField(
        label="School",
        queryset=None,
        empty_label="Select the school",
        error_messages={"required": "Select the school", "invalid_choice": "Select a school from the list"},
    )
    practitioner = forms.ModelChoiceField(
        label="Practitioner",
        queryset=None,
        empty_label="Select the practitioner",
        error_messages={
            "required": "Select the practitioner",
            "invalid_choice": "Select a practitioner from the list",
        },
    )
    function = forms.TypedChoiceField(
        label="Function",
        choices=Function.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the function", "invalid_choice": "Select the function: 1, 2 or 3"},
    )
    type = forms.ChoiceField(
        label="Type of activity",
        choices=[("", "Select the type"), *ActivityType.choices],
        error_messages={"required": "Select the type of activity", "invalid_choice": "Select a type from the list"},
    )
    duration_minutes = forms.IntegerField(
        label="Duration in minutes",
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={
            "required": "Enter how long the activity took, in minutes",
            "invalid": "Duration must be a whole number of minutes, like 45",
        },
    )
    children_reached = forms.IntegerField(
        label="Children reached",
        required=False,
        help_text="How many children took part or were helped. Numbers only: never a name.",
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={"invalid": "Children reached must be a whole number, like 12"},
    )
    adults_reached = forms.IntegerField(
        label="Adults reached",
        required=False,
        help_text="Parents, carers and school staff.",
        widget=forms.TextInput(attrs=NUMERIC),
        error_messages={"invalid": "Adults reached must be a whole number, like 3"},
    )

    def __init__(self, *args, user, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = service.schools(team)
        self.fields["practitioner"].queryset = _practitioners(user, team)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("children_reached", "adults_reached"):
            if data.get(name) is None:
                data[name] = 0
        return data


class ActivityFilterForm(forms.Form):
    """The log's filters: each one that is valid applies; an invalid one is shown and ignored."""

    date_from = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the from date as a real date, for example 2026-03-01"},
    )
    date_to = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the to date as a real date, for example 2026-03-31"},
    )
    school = SchoolChoiceField(
        label="School",
        queryset=None,
        required=False,
        empty_label="All schools",
        error_messages={"invalid_choice": "Select a school from the list"},
    )
    practitioner = forms.ModelChoiceField(
        label="Practitioner",
        queryset=None,
        required=False,
        empty_label="All practitioners",
        error_messages={"invalid_choice": "Select a practitioner from the list"},
    )
    function = forms.TypedChoiceField(
        label="Function",
        choices=[("", "All functions"), *Function.choices],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Select a function from the list"},
    )
    type = forms.ChoiceField(
        label="Type",
        choices=[("", "All types"), *ActivityType.choices],
        required=False,
        error_messages={"invalid_choice": "Select a type from the list"},
    )

    def __init__(self, *args, user, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = service.schools(team)
        self.fields["practitioner"].queryset = _practitioners(user, team)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The to date must be the same as or after the from date")
        return data

    def filters(self) -> dict:
        """The valid filters, as queryset lookups."""
        self.is_valid()
        data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v not in (None, "")}
        if "date_to" in self.errors:
            data.pop("date_from", None)
        lookups = {}
        if "date_from" in data:
            lookups["date__gte"] = data["date_from"]
        if "date_to" in data:
            lookups["date__lte"] = data["date_to"]
        for name in ("school", "practitioner", "function", "type"):
            if name in data:
                lookups[name] = data[name]
        return lookups

    def described(self) -> dict:
        """The filters for the audit log of an export: ids and values, as strings."""
        return {key: str(getattr(value, "pk", value)) for key, value in self.filters().items()}


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="UTF-8 CSV, at most 1 MB and 5,000 rows.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )
