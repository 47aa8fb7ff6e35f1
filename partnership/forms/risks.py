"""Forms of the risk register."""

from django import forms
from django.utils import timezone

from ..models import Membership, Risk, User
from ..roles import Permission
from ..services.risks import IMPACT, LIKELIHOOD
from .actions import date_field


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.email


def _scale_field(name: str, scale: dict) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=name.capitalize(),
        choices=[(n, f"{n} {label}") for n, (label, _) in scale.items()],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Select the {name}",
            "invalid_choice": f"Select the {name}: a number between 1 and 5",
        },
    )


class RiskForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the title", "max_length": "Title must be 200 characters or fewer"},
    )
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    likelihood = _scale_field("likelihood", LIKELIHOOD)
    impact = _scale_field("impact", IMPACT)
    owner = PersonChoiceField(
        label="Owner (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="No owner yet",
        help_text="A member of the partnership who keeps an eye on the risk.",
        error_messages={"invalid_choice": "Select the owner from the list"},
    )
    controls = forms.CharField(
        label="Controls (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is already in place to reduce the risk.",
    )
    review_date = date_field("Review date", required_message="Enter the review date")
    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        choices=[(Risk.Status.OPEN.value, "Open"), (Risk.Status.CLOSED.value, "Closed")],
        error_messages={"required": "Select a status", "invalid_choice": "Select open or closed"},
    )

    def __init__(self, *args, user, partnership, risk: Risk | None = None, **kwargs):
        self.risk = risk
        if risk is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": risk.title,
                "description": risk.description,
                "likelihood": risk.likelihood,
                "impact": risk.impact,
                "owner": risk.owner_id,
                "controls": risk.controls,
                "review_date": risk.review_date,
                "status": risk.status,
            }
        super().__init__(*args, **kwargs)
        members = (
            Membership.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
            .for_partnership(partnership)
            .filter(is_active=True)
            .values("user_id")
        )
        self.fields["owner"].queryset = User.objects.filter(pk__in=members, is_active=True).order_by("full_name")
        if risk is None or risk.status == Risk.Status.PROPOSED:
            # a new risk is open; a proposed one is kept or removed from the register
            del self.fields["status"]

    def clean_review_date(self):
        review = self.cleaned_data["review_date"]
        unchanged = self.risk is not None and self.risk.review_date == review
        if not unchanged and review < timezone.localdate():
            raise forms.ValidationError("Enter a review date that is today or in the future")
        return review

    def scale_items(self, name: str) -> list[dict]:
        """Radio items with a description under each point of the scale."""
        scale = LIKELIHOOD if name == "likelihood" else IMPACT
        value = str(self[name].value() or "")
        return [
            {"value": str(n), "text": f"{n} {label}", "hint": {"text": description}, "checked": str(n) == value}
            for n, (label, description) in scale.items()
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in ("title", "description", "likelihood", "impact", "owner", "controls", "review_date")
        }
        if "status" in self.fields:
            kwargs["status"] = data["status"]
        return kwargs
