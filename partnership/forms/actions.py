"""Forms of the action log: raise or edit an action, record progress, filter the log."""

from django import forms
from django.utils import timezone

from ..models import Action, Membership, Risk
from ..roles import Permission
from ..services.actions import status_choices

DATE_HINT = "Use the date picker, or type the date as year-month-day, for example 2026-03-31."


class DateInput(forms.DateInput):
    """A browser date picker; its value is always year-month-day."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, required_message: str = "Enter the date") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=DATE_HINT,
        error_messages={"required": required_message, "invalid": "Enter a real date, for example 2026-03-31"},
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user.full_name or membership.user.email} ({membership.organisation.name})"


def owner_memberships(user, partnership):
    """The active members of `partnership` who can own an action, one row per person and organisation."""
    return (
        Membership.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(is_active=True, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )


def owner_field() -> OwnerChoiceField:
    """An active member of the partnership with the organisation they act for (set the queryset
    to `owner_memberships(user, partnership)` in the form's __init__)."""
    return OwnerChoiceField(
        label="Owner",
        queryset=None,
        empty_label="Select the owner",
        help_text="The person responsible for the action, and the organisation they act for.",
        error_messages={"required": "Select the owner", "invalid_choice": "Select the owner from the list"},
    )


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=300,
        error_messages={"required": "Enter the title", "max_length": "Title must be 300 characters or fewer"},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner = owner_field()
    due_date = date_field("Due date", required_message="Enter the due date")
    source = forms.ChoiceField(
        label="Where did the action come from?",
        widget=forms.RadioSelect,
        choices=[(v, label) for v, label in Action.Source.choices if v != Action.Source.MEETING],
        initial=Action.Source.OTHER,
        error_messages={
            "required": "Select where the action came from",
            "invalid_choice": "Select where the action came from",
        },
    )
    source_risk = forms.ModelChoiceField(
        label="Risk the action mitigates (if the source is a risk)",
        queryset=None,
        required=False,
        empty_label="No risk",
        error_messages={"invalid_choice": "Select the risk from the list"},
    )
    source_detail = forms.CharField(
        label="Source detail (optional)",
        max_length=200,
        required=False,
        help_text='For a CASCADE domain or workshop, say which: for example "Domain A: Clarity on roles".',
    )

    def __init__(
        self, *args, user, partnership, action: Action | None = None, fixed_risk: Risk | None = None, **kwargs
    ):
        self.action = action
        self.fixed_risk = fixed_risk
        if action is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": action.title,
                "description": action.description,
                "due_date": action.due_date,
                "source": action.source,
                "source_risk": action.source_risk_id,
                "source_detail": action.source_detail,
            }
            membership = (
                owner_memberships(user, partnership)
                .filter(user=action.owner_id, organisation=action.owner_organisation_id)
                .first()
            )
            if membership is not None:
                kwargs["initial"]["owner"] = membership.pk
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_memberships(user, partnership)
        self.fields["source_risk"].queryset = (
            Risk.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
            .for_partnership(partnership)
            .exclude(status=Risk.Status.CLOSED)
            .order_by("number")
        )
        if fixed_risk is not None or (action is not None and action.source_meeting_id is not None):
            # raised from a risk or a meeting: the source is already known
            for name in ("source", "source_risk", "source_detail"):
                del self.fields[name]

    @property
    def has_source_fields(self) -> bool:
        return "source" in self.fields

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        unchanged = self.action is not None and self.action.due_date == due
        if not unchanged and due < timezone.localdate():
            raise forms.ValidationError("The due date must be today or in the future")
        return due

    def clean(self):
        data = super().clean()
        if not self.has_source_fields:
            return data
        source = data.get("source")
        if source == Action.Source.RISK and not data.get("source_risk"):
            self.add_error("source_risk", "Select the risk the action mitigates")
        if (
            source in (Action.Source.CASCADE_DOMAIN, Action.Source.WORKSHOP)
            and not data.get("source_detail", "").strip()
        ):
            self.add_error("source_detail", "Enter the CASCADE domain or workshop the action came from")
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        membership = data["owner"]
        kwargs = {
            "title": data["title"],
            "description": data["description"],
            "owner": membership.user,
            "owner_organisation": membership.organisation,
            "due_date": data["due_date"],
        }
        if self.fixed_risk is not None:
            kwargs.update(source=Action.Source.RISK, source_risk=self.fixed_risk)
        elif self.has_source_fields:
            source = data["source"]
            kwargs.update(
                source=source,
                source_risk=data.get("source_risk") if source == Action.Source.RISK else None,
                source_detail=data.get("source_detail", ""),
            )
        elif self.action is not None:
            kwargs.update(source=self.action.source, source_risk=None, source_detail=self.action.source_detail)
        return kwargs


class ProgressForm(forms.Form):
    text = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=(
            "What has happened since the last update. Updates cannot be changed later: to correct one, add another."
        ),
        error_messages={"required": "Enter the progress update"},
    )
    status = forms.ChoiceField(
        label="Status (optional)",
        required=False,
        choices=[("", "No change"), *Action.Status.choices],
        error_messages={"invalid_choice": "Select a status"},
    )
    at_risk = forms.BooleanField(label="Flag this action as at risk of missing its due date", required=False)
    due_date = date_field("New due date (optional)", required=False)
    reason = forms.CharField(label="Reason for the new due date", required=False, max_length=500)

    def __init__(self, *args, action: Action, user=None, **kwargs):
        """With `user`, the status offers only what they may set: an owner who is not the area lead
        cannot cancel. (The service refuses it anyway, with the same message.)"""
        self.action = action
        kwargs.setdefault("initial", {"at_risk": action.at_risk})
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["status"].choices = [("", "No change"), *status_choices(user, action)]

    def clean_due_date(self):
        due = self.cleaned_data.get("due_date")
        if due is not None and due != self.action.due_date and due < timezone.localdate():
            raise forms.ValidationError("The new due date must be today or in the future")
        return due

    def clean(self):
        data = super().clean()
        due = data.get("due_date")
        if due is not None and due != self.action.due_date and not data.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for the new due date")
        return data
