"""Forms for meetings: the year's schedule, agenda, attendance, minutes, decisions, actions."""

import datetime

from django import forms
from django.utils import timezone

from ..models import Attendance, Membership
from .actions import OwnerChoiceField
from .actions import owner_memberships as partnership_people
from .mous import DATE_HINT, date_widget


class ScheduleForm(forms.Form):
    first_date = forms.DateField(
        label="Date of the first meeting",
        widget=date_widget(),
        help_text="The rest of the year follows the group's meeting frequency. " + DATE_HINT,
        error_messages={"required": "Enter the date of the first meeting", "invalid": "Enter a real date"},
    )
    time = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="Use the 24-hour clock, for example 14:00.",
        error_messages={"required": "Enter the start time", "invalid": "Enter a real time, for example 14:00"},
    )

    def clean_first_date(self):
        first = self.cleaned_data["first_date"]
        today = timezone.localdate()
        if not today - datetime.timedelta(days=5 * 365) <= first <= today + datetime.timedelta(days=5 * 365):
            raise forms.ValidationError("Enter a first meeting date within five years of today")
        return first

    location = forms.CharField(
        label="Location",
        max_length=200,
        help_text="For example County Hall, Committee Room 2, or Online (Microsoft Teams).",
        error_messages={
            "required": "Enter where the meetings will be held",
            "max_length": "The location must be 200 characters or fewer",
        },
    )


class AgendaForm(forms.Form):
    agenda = forms.CharField(
        label="Agenda",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="One item a line, for example: 1. Apologies and declarations of interest.",
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Never include a child's name or details.",
        error_messages={"required": "Enter the minutes"},
    )


class DecisionForm(forms.Form):
    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the group decided, in one or two sentences.",
        error_messages={"required": "Enter the decision"},
    )


class ActionForm(forms.Form):
    title = forms.CharField(
        label="Action",
        max_length=300,
        help_text="What needs to be done, for example: Circulate the draft referral pathway to all schools.",
        error_messages={"required": "Enter the action", "max_length": "The action must be 300 characters or fewer"},
    )
    owner = OwnerChoiceField(
        queryset=Membership.objects.for_user(None),  # set per request in __init__
        label="Owner",
        help_text="The person who will do it, and the organisation they act for.",
        empty_label="Select the owner",
        error_messages={"required": "Select the owner", "invalid_choice": "Select the owner from the list"},
    )
    due_date = forms.DateField(
        label="Due date",
        widget=date_widget(),
        help_text=DATE_HINT,
        error_messages={"required": "Enter the due date", "invalid": "Enter the due date as a real date"},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = partnership_people(user, partnership)

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("Enter a due date that is today or in the future")
        return due


class GuestChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user.full_name} ({membership.organisation.name})"


class AttendanceForm(forms.Form):
    """One question per current seat of the group (present, apologies or absent), and the other
    partnership members who attended (not counted towards quorum)."""

    def __init__(self, *args, user, meeting, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = list(seats)
        recorded = {a.user_id: a for a in meeting.attendance.all()}
        for seat in self.seats:
            label = f"{seat.user.full_name}, {seat.organisation.name}"
            if seat.role != seat.SeatRole.MEMBER:
                label += f" ({seat.get_role_display()})"
            previous = recorded.get(seat.user_id)
            self.fields[self.seat_field(seat)] = forms.ChoiceField(
                label=label,
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                initial=previous.status if previous else None,
                error_messages={"required": f"Select whether {seat.user.full_name} was present"},
            )
        seat_users = {seat.user_id for seat in self.seats}
        self.fields["others"] = GuestChoiceField(
            queryset=partnership_people(user, meeting.group.partnership).exclude(user__in=seat_users),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Other people who attended (optional)",
            help_text="Partnership members who are not members of the group. They do not count towards quorum.",
            initial=[
                m.pk
                for m in partnership_people(user, meeting.group.partnership).filter(
                    user__in=[a.user_id for a in recorded.values() if not a.is_member]
                )
            ],
            error_messages={
                "invalid_choice": "Select people from the list",
                "invalid_pk_value": "Select people from the list",
            },
        )

    @staticmethod
    def seat_field(seat) -> str:
        return f"seat_{seat.pk}"

    def statuses(self) -> dict[int, str]:
        return {seat.pk: self.cleaned_data[self.seat_field(seat)] for seat in self.seats}
