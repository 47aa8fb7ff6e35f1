"""Forms of CASCADE workshops: a cohort, a workshop (round, date, venue, facilitators), a table,
and the reason for reopening a closed workshop. The services re-check every rule."""

from django import forms

from partnership.forms.actions import date_field
from partnership.models import Membership, Organisation, PartnershipOrganisation, User
from partnership.roles import ROLES, Permission

from ..models import Workshop


def facilitator_choices(user, partnership):
    """The active users who can run CASCADE workshops in `partnership` (area leads and facilitators)."""
    roles = [role.value for role, info in ROLES.items() if Permission.RUN_CASCADE_WORKSHOPS in info.permissions]
    memberships = (
        Membership.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(is_active=True, user__is_active=True, roles__overlap=roles)
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


def member_organisations(user, partnership, *, also=()):
    """The partnership's active member organisations (and `also`, those already chosen), by name."""
    members = (
        PartnershipOrganisation.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(status=PartnershipOrganisation.Status.ACTIVE)
    )
    ids = set(members.values_list("organisation_id", flat=True)) | {o.pk for o in also}
    return Organisation.objects.filter(pk__in=ids).order_by("name")


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.email


class CohortForm(forms.Form):
    name = forms.CharField(
        label="Cohort name",
        max_length=100,
        help_text="For example North schools 2026, or Cohort 1.",
        error_messages={"required": "Enter the cohort's name", "max_length": "Name must be 100 characters or fewer"},
    )


class WorkshopForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=None,
        empty_label="Select the cohort",
        error_messages={"required": "Select the cohort", "invalid_choice": "Select the cohort from the list"},
    )
    round = forms.TypedChoiceField(
        label="Round",
        coerce=int,
        choices=Workshop.Round.choices,
        widget=forms.RadioSelect,
        help_text="Round 1 sets the baseline; round 2, 6 to 10 weeks later, reviews progress.",
        error_messages={"required": "Select round 1 or round 2", "invalid_choice": "Select round 1 or round 2"},
    )
    held_on = date_field("Date of the workshop", required_message="Enter the date of the workshop")
    venue = forms.CharField(
        label="Venue (optional)",
        max_length=200,
        required=False,
        error_messages={"max_length": "Venue must be 200 characters or fewer"},
    )
    facilitators = PersonChoiceField(
        label="Facilitators (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People who can run CASCADE workshops in this partnership.",
        error_messages={
            "invalid_choice": "Select facilitators from the list",
            "invalid_pk_value": "Select facilitators from the list",
        },
    )

    def __init__(self, *args, user, partnership, cohorts, workshop: Workshop | None = None, **kwargs):
        self.workshop = workshop
        if workshop is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "held_on": workshop.held_on,
                "venue": workshop.venue,
                "facilitators": [u.pk for u in workshop.facilitators.all()],
            }
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["facilitators"].queryset = facilitator_choices(user, partnership)
        if workshop is not None:  # a workshop keeps its cohort and round
            del self.fields["cohort"]
            del self.fields["round"]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        workshop = self.workshop
        if workshop is not None and workshop.round == Workshop.Round.TWO:
            first = workshop.round_one()
            if first is not None and held_on <= first.held_on:
                raise forms.ValidationError(f"Round 2 must be after round 1 ({first.held_on:%-d %B %Y})")
        if workshop is not None and workshop.round == Workshop.Round.ONE:
            second = workshop.cohort.workshops.filter(round=Workshop.Round.TWO).first()
            if second is not None and held_on >= second.held_on:
                raise forms.ValidationError(f"Round 1 must be before round 2 ({second.held_on:%-d %B %Y})")
        return held_on


class TableForm(forms.Form):
    label = forms.CharField(
        label="Table label",
        max_length=50,
        help_text="For example 1, 2, or Blue.",
        error_messages={
            "required": "Enter the table's label, for example 1 or Blue",
            "max_length": "Label must be 50 characters or fewer",
        },
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Organisations at the table (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select organisations from the list",
            "invalid_pk_value": "Select organisations from the list",
        },
    )

    def __init__(self, *args, user, partnership, table=None, **kwargs):
        if table is not None and "initial" not in kwargs:
            kwargs["initial"] = {"label": table.label, "organisations": [o.pk for o in table.organisations.all()]}
        super().__init__(*args, **kwargs)
        also = table.organisations.all() if table is not None else ()
        self.fields["organisations"].queryset = member_organisations(user, partnership, also=also)


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening the workshop?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: table 3's score for domain B was entered as 0 instead of 2.",
        error_messages={
            "required": "Say why the workshop is being reopened",
            "max_length": "Reason must be 1000 characters or fewer",
        },
    )
