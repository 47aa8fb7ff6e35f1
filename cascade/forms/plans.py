"""Plan an action at a CASCADE workshop: it targets one domain and goes into the action log."""

from django import forms
from django.utils import timezone

from partnership.forms.actions import date_field, owner_field, owner_memberships


class PlanActionForm(forms.Form):
    domain = forms.ChoiceField(
        label="Which domain does the action target?",
        error_messages={"required": "Select the domain", "invalid_choice": "Select the domain from the list"},
    )
    title = forms.CharField(
        label="What will be done",
        max_length=300,
        error_messages={"required": "Enter what will be done", "max_length": "Keep it to 300 characters or fewer"},
    )
    description = forms.CharField(
        label="More detail (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = owner_field()
    due_date = date_field("Due date", required_message="Enter the due date")

    def __init__(self, *args, user, workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", "Select the domain")] + [
            (d.code, f"{d.letter}: {d.title}") for d in workshop.framework.domains.order_by("position")
        ]
        self.fields["owner"].queryset = owner_memberships(user, workshop.partnership)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "domain": data["domain"],
            "title": data["title"],
            "description": data["description"],
            "owner": data["owner"].user,
            "owner_organisation": data["owner"].organisation,
            "due_date": data["due_date"],
        }
