"""Forms for the directory of services. The view passes the provider choices (the partnership's
active member organisations), reached through the user's scope."""

from django import forms
from django.core.validators import MaxValueValidator

from ..models import Channel, DirectoryService, Need, SchoolPhase, ServiceSchedule, Thrive
from ..services.directory import EDITABLE_FIELDS

#: how many weekly opening times the form offers (the free-text note covers anything else)
SCHEDULE_ROWS = 7


def _multiple(label, choices, required_message, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": required_message},
    )


class DirectoryServiceForm(forms.ModelForm):
    thrive_groupings = _multiple(
        "THRIVE groupings", Thrive.choices, "Select at least one THRIVE grouping", "Select all that apply."
    )
    needs = _multiple(
        "Needs the service helps with", Need.choices, "Select at least one need", "Select all that apply."
    )
    school_phases = _multiple("School phases", SchoolPhase.choices, "Select at least one school phase")
    channels = _multiple("How people can get in touch", Channel.choices, "Select at least one contact channel")
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text="A full address, for example https://www.example.org",
        error_messages={"invalid": "Enter a website address in the correct format, like https://www.example.org"},
    )

    class Meta:
        model = DirectoryService
        fields = EDITABLE_FIELDS
        labels = {
            "provider": "Provider",
            "name": "Name of the service",
            "min_age": "Youngest age",
            "max_age": "Oldest age",
            "how_to_access": "How to access the service",
            "self_referral": "Accepts self-referrals",
            "contact_name": "Contact name (optional)",
            "phone": "Phone number (optional)",
            "email": "Email address (optional)",
            "thresholds": "Thresholds (optional)",
            "opening_hours": "Anything else about opening times (optional)",
            "typical_wait_days": "Typical wait in days (optional)",
        }
        help_texts = {
            "provider": "Only the partnership's active member organisations are listed.",
            "min_age": "In years, from 0 to 25.",
            "max_age": "In years, from 0 to 25.",
            "typical_wait_days": "From first contact to first appointment, as a whole number of days.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility": forms.Textarea(attrs={"rows": 3}),
            "thresholds": forms.Textarea(attrs={"rows": 3}),
            "how_to_access": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "provider": {
                "required": "Select the provider",
                "invalid_choice": "Select an organisation that is an active member of the partnership",
            },
            "name": {"required": "Enter the name of the service"},
            "description": {"required": "Enter a description of the service"},
            "min_age": {
                "required": "Enter the youngest age the service works with",
                "invalid": "Enter the youngest age as a whole number, for example 11",
                "max_value": "Enter a youngest age of 25 or less",
                "min_value": "Enter a youngest age of 0 or more",
            },
            "max_age": {
                "required": "Enter the oldest age the service works with",
                "invalid": "Enter the oldest age as a whole number, for example 18",
                "max_value": "Enter an oldest age of 25 or less",
                "min_value": "Enter an oldest age of 0 or more",
            },
            "eligibility": {"required": "Enter who can use the service"},
            "how_to_access": {"required": "Enter how to refer or self-refer"},
            "email": {"invalid": "Enter an email address in the correct format, like name@example.org"},
            "typical_wait_days": {
                "invalid": "Enter the typical wait as a whole number of days",
                "min_value": "Enter a typical wait of 0 days or more",
                "max_value": "Enter a typical wait of 3650 days (10 years) or fewer",
            },
        }

    def __init__(self, *args, providers, **kwargs):
        # _post_clean (the model's validators) is skipped below: bound every number here instead.
        super().__init__(*args, **kwargs)
        wait = self.fields["typical_wait_days"]
        wait.max_value = 3650
        wait.validators.append(MaxValueValidator(3650))
        wait.widget.attrs["max"] = 3650
        self.fields["provider"].queryset = providers
        self.fields["provider"].empty_label = "Select the provider"
        for name in ("min_age", "max_age"):
            # The model's 0 to 25 range is checked here (model validation is left to the service).
            self.fields[name].validators.append(MaxValueValidator(25))
            self.fields[name].widget.attrs.update({"min": 0, "max": 25})
        existing = list(self.instance.schedules.all()) if self.instance.pk else []
        for index in range(SCHEDULE_ROWS):
            slot = existing[index] if index < len(existing) else None
            self.fields[f"day_{index}"] = forms.ChoiceField(
                label="Day",
                choices=[("", "No opening time"), *list(ServiceSchedule.Day.choices)],
                required=False,
                initial=slot.byday if slot else "",
            )
            self.fields[f"opens_{index}"] = forms.TimeField(
                label="Opens at",
                required=False,
                initial=slot.opens_at.strftime("%H:%M") if slot else None,
                widget=forms.TimeInput(attrs={"type": "time"}),
                help_text="24-hour clock, for example 09:00",
                error_messages={"invalid": "Enter the opening time in 24-hour format, for example 09:00"},
            )
            self.fields[f"closes_{index}"] = forms.TimeField(
                label="Closes at",
                required=False,
                initial=slot.closes_at.strftime("%H:%M") if slot else None,
                widget=forms.TimeInput(attrs={"type": "time"}),
                help_text="24-hour clock, for example 17:00",
                error_messages={"invalid": "Enter the closing time in 24-hour format, for example 17:00"},
            )

    def schedule_rows(self):
        return [(self[f"day_{i}"], self[f"opens_{i}"], self[f"closes_{i}"]) for i in range(SCHEDULE_ROWS)]

    def clean(self):
        data = super().clean()
        youngest, oldest = data.get("min_age"), data.get("max_age")
        if youngest is not None and oldest is not None and youngest > oldest:
            self.add_error("max_age", "The oldest age must be the same as or older than the youngest age")
        schedules = []
        for index in range(SCHEDULE_ROWS):
            day, opens, closes = (data.get(f"{part}_{index}") for part in ("day", "opens", "closes"))
            if f"opens_{index}" in self.errors or f"closes_{index}" in self.errors:
                continue
            if not day and opens is None and closes is None:
                continue
            if not day:
                self.add_error(f"day_{index}", f"Select the day for opening time {index + 1}")
            elif opens is None:
                self.add_error(f"opens_{index}", f"Enter the time opening time {index + 1} opens")
            elif closes is None:
                self.add_error(f"closes_{index}", f"Enter the time opening time {index + 1} closes")
            elif opens >= closes:
                self.add_error(f"closes_{index}", f"Opening time {index + 1} must close after it opens")
            else:
                schedules.append((day, opens, closes))
        day_order = list(ServiceSchedule.Day.values)
        data["schedules"] = sorted(schedules, key=lambda s: (day_order.index(s[0]), s[1]))
        return data

    def _post_clean(self):
        # The service validates and saves; the constraints on ages are checked in clean() with a
        # clearer message than the model's.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class ConfirmForm(forms.Form):
    """An empty form, so a confirmation page can show a service's error in the error summary."""
