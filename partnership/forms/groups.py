"""Forms for groups, seats and terms of reference. Querysets of choices come from the view, scoped
to the user and the partnership."""

from django import forms
from django.utils import timezone

from ..models import Group, GroupMember, TermsOfReference
from ..models.organisation import Sector

DATE_HINT = "For example, 15/03/2027. Use the date picker or type the date as day/month/year."


def _date_field(label: str, *, required=True, hint=DATE_HINT, required_message="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": required_message or f"Enter the {label.lower()}",
            "invalid": f"{label} must be a real date, for example 15/03/2027",
        },
    )


class GroupForm(forms.Form):
    name = forms.CharField(
        label="Name of the group", max_length=200, error_messages={"required": "Enter the name of the group"}
    )
    kind = forms.ChoiceField(
        label="Type of group",
        choices=Group.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of group"},
    )
    summary = forms.CharField(
        label="Summary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the group is for, in a sentence or two.",
    )


class GroupEditForm(GroupForm):
    is_active = forms.BooleanField(label="The group is active", required=False)


class PublicPagesForm(forms.Form):
    publishes_public_pages = forms.BooleanField(
        label="Publish the partnership's public pages",
        required=False,
        help_text=(
            "Anyone can then read, without signing in, the membership list, the steering group's members, "
            "published terms of reference and meeting dates."
        ),
    )


class MembershipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.user.full_name} ({obj.organisation.name})"


class SeatForm(forms.Form):
    membership = MembershipChoiceField(
        label="Person",
        queryset=None,
        empty_label="Select a person",
        help_text="Members of the partnership, with the organisation they act for.",
        error_messages={
            "required": "Select the person who takes the seat",
            "invalid_choice": "Select a person who is an active member of the partnership",
        },
    )
    role = forms.ChoiceField(
        label="Seat",
        choices=GroupMember.SeatRole.choices,
        widget=forms.RadioSelect,
        initial=GroupMember.SeatRole.MEMBER,
        error_messages={"required": "Select the kind of seat"},
    )
    liaison_from = forms.ModelChoiceField(
        label="For a strategic liaison seat: the group the person comes from",
        queryset=None,
        required=False,
        empty_label="Not a liaison seat",
        help_text="The person must be a current member of that group.",
        error_messages={"invalid_choice": "Select another group of this partnership"},
    )
    joined_on = _date_field("Date the seat starts", required=False, hint=DATE_HINT + " Leave empty for today.")

    def __init__(self, *args, memberships, other_groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = memberships
        self.fields["liaison_from"].queryset = other_groups

    def clean_joined_on(self):
        joined_on = self.cleaned_data.get("joined_on")
        if joined_on and joined_on > timezone.localdate():
            raise forms.ValidationError("The date the seat starts must be today or in the past")
        return joined_on

    def clean(self):
        cleaned = super().clean()
        liaison = cleaned.get("role") == GroupMember.SeatRole.LIAISON
        if liaison and not cleaned.get("liaison_from") and "liaison_from" not in self.errors:
            self.add_error("liaison_from", "Select the group the liaison comes from")
        return cleaned


class EndSeatForm(forms.Form):
    left_on = _date_field("Date the seat ended", required_message="Enter the date the seat ended")

    def __init__(self, *args, seat, **kwargs):
        super().__init__(*args, **kwargs)
        self.seat = seat
        self.fields["left_on"].initial = timezone.localdate()

    def clean_left_on(self):
        left_on = self.cleaned_data["left_on"]
        if left_on < self.seat.joined_on:
            raise forms.ValidationError(
                f"The date the seat ended must be on or after {self.seat.joined_on:%-d %B %Y}, when it started"
            )
        if left_on > timezone.localdate():
            raise forms.ValidationError("The date the seat ended must be today or in the past")
        return left_on


class TermsForm(forms.Form):
    purpose = forms.CharField(
        label="Purpose", widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": "Enter the purpose"}
    )
    membership = forms.CharField(
        label="Membership",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Who sits on the group, by organisation or role.",
        error_messages={"required": "Enter who sits on the group"},
    )
    chair = forms.CharField(
        label="Chair",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who chairs the group and how the chair is chosen.",
        error_messages={"required": "Enter who chairs the group"},
    )
    quorum = forms.IntegerField(
        label="Quorum (members present)",
        min_value=1,
        max_value=100,
        help_text="The fewest members present for the meeting to make decisions.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter the quorum",
            "invalid": "The quorum must be a whole number, like 4",
            "min_value": "The quorum must be at least 1",
            "max_value": "The quorum must be 100 or fewer",
        },
    )
    quorum_sectors = forms.MultipleChoiceField(
        label="Sectors that must be present",
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each sector selected needs at least one member present for the meeting to be quorate.",
        error_messages={"invalid_choice": "Select sectors from the list"},
    )
    meeting_frequency = forms.ChoiceField(
        label="How often the group meets",
        choices=TermsOfReference.Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often the group meets"},
    )
    decision_making = forms.CharField(
        label="Decision making",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter how the group makes decisions"},
    )
    reporting_line = forms.CharField(
        label="Reporting line",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who the group reports to.",
        error_messages={"required": "Enter who the group reports to"},
    )
    review_date = _date_field("Review date", required_message="Enter the review date")

    def clean_review_date(self):
        review_date = self.cleaned_data["review_date"]
        if review_date <= timezone.localdate():
            raise forms.ValidationError("The review date must be in the future")
        return review_date


class DiffForm(forms.Form):
    old = forms.TypedChoiceField(label="Compare version", coerce=int, error_messages={"required": "Select a version"})
    new = forms.TypedChoiceField(label="With version", coerce=int, error_messages={"required": "Select a version"})

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(terms.pk, f"Version {terms.version} ({terms.get_status_display().lower()})") for terms in versions]
        self.fields["old"].choices = choices
        self.fields["new"].choices = choices
        self.fields["old"].error_messages["invalid_choice"] = "Select a version of this group's terms"
        self.fields["new"].error_messages["invalid_choice"] = "Select a version of this group's terms"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("old") is not None and cleaned.get("old") == cleaned.get("new"):
            self.add_error("new", "Select two different versions")
        return cleaned
