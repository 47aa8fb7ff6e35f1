"""Forms of the single point of access: set-up and settings, reasons for not accepting, rota shifts."""

from datetime import UTC, datetime

from django import forms

from partnership.models import OrganisationKind, PartnershipOrganisation
from partnership.roles import Permission

from ..models import Channel, DutyRole
from ..services.rota import COVER_TIMEZONE
from ..services.spa import check_contact

TEXT = {"rows": 3}


class SpaForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label="How can schools make a referral?",
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one way to make a referral",
            "invalid_choice": "Select the ways to make a referral from the list",
        },
    )
    phone = forms.CharField(
        label="Phone number (if referrals are taken by phone)",
        required=False,
        max_length=30,
        error_messages={"max_length": "Phone number must be 30 characters or fewer"},
    )
    email = forms.EmailField(
        label="Secure email address (if referrals are taken by email)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@nhs.net"},
    )
    hours = forms.CharField(
        label="Hours",
        help_text="When the duty team answers, for example Monday to Friday, 9am to 5pm.",
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Enter the hours when the duty team answers"},
    )
    acceptance_criteria = forms.CharField(
        label="Acceptance criteria",
        help_text="Who the single point of access accepts referrals for. Schools read this before they refer.",
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Enter the acceptance criteria"},
    )
    thresholds = forms.CharField(
        label="Thresholds",
        help_text="The level of need the service works with. Schools read this before they refer.",
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Enter the thresholds"},
    )
    emergency_advice = forms.CharField(
        label="Emergency advice",
        help_text="Where to go instead in an emergency. It is shown on every referral page.",
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"required": "Enter the emergency advice"},
    )

    def clean(self):
        data = super().clean()
        if "channels" in data:
            check_contact(data["channels"], data.get("phone", ""), data.get("email", ""))
        return data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in SpaForm.base_fields}


class SpaSetupForm(SpaForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="For example, North Shire CYPMHS single point of access.",
        error_messages={"required": "Enter the name", "max_length": "Name must be 200 characters or fewer"},
    )
    provider = forms.TypedChoiceField(
        label="Which NHS children and young people's mental health service runs it?",
        coerce=int,
        error_messages={
            "required": "Select the NHS CYPMHS that runs the single point of access",
            "invalid_choice": "Select the NHS CYPMHS from the list",
        },
    )
    field_order = ["name", "provider"]

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        members = (
            PartnershipOrganisation.objects.for_user(user, Permission.MANAGE_PARTNERSHIP)
            .for_partnership(partnership)
            .filter(status=PartnershipOrganisation.Status.ACTIVE, organisation__kind=OrganisationKind.CYPMHS)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.providers = {m.organisation_id: m.organisation for m in members}
        choices = [(pk, org.name) for pk, org in self.providers.items()]
        self.fields["provider"].choices = [("", "Select the service"), *choices]
        self.fields["emergency_advice"].initial = (
            "An emergency is not a referral. If a child is in immediate danger call 999 or go to A&E. "
            "For urgent mental health help call NHS 111 and choose the mental health option."
        )
        self.fields["channels"].initial = [Channel.ONLINE]

    def service_kwargs(self) -> dict:
        return {
            **super().service_kwargs(),
            "name": self.cleaned_data["name"],
            "provider": self.providers[self.cleaned_data["provider"]],
        }


class ReasonForm(forms.Form):
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="A short code for reports and the API, for example not_in_catchment. It cannot be changed later.",
        error_messages={
            "required": "Enter a code",
            "invalid": "Code must only use letters, numbers, underscores or hyphens",
            "max_length": "Code must be 40 characters or fewer",
        },
    )
    label = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="As the school will read it, for example Outside the area or age range.",
        error_messages={"required": "Enter the reason", "max_length": "Reason must be 200 characters or fewer"},
    )


class ReasonLabelForm(forms.Form):
    label = ReasonForm.base_fields["label"]


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _date(label: str, required: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": required, "invalid": "Enter a real date, for example 2026-03-31"},
    )


def _time(label: str, required: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        widget=TimeInput(),
        input_formats=["%H:%M", "%H.%M"],
        help_text="Use the 24-hour clock, for example 09:00 or 13:30.",
        error_messages={"required": required, "invalid": "Enter a real time, for example 09:00 or 13:30"},
    )


class ShiftForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=DutyRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the duty role", "invalid_choice": "Select the duty role"},
    )
    user = forms.TypedChoiceField(
        label="Who",
        coerce=int,
        error_messages={"required": "Select who is on duty", "invalid_choice": "Select who is on duty from the list"},
    )
    start_date = _date("Start date", "Enter the start date")
    start_time = _time("Start time", "Enter the start time")
    end_date = _date("End date", "Enter the end date")
    end_time = _time("End time", "Enter the end time")

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}
        labels = {}
        for membership in memberships:
            person = membership.user
            self.people[person.pk] = person
            roles = ", ".join(DutyRole(r).label for r in membership.roles if r in DutyRole.values)
            labels[person.pk] = f"{person.full_name or person.email} ({roles})"
        self.fields["user"].choices = [("", "Select who is on duty"), *labels.items()]

    def _moment(self, day_field: str, time_field: str):
        day, at = self.cleaned_data.get(day_field), self.cleaned_data.get(time_field)
        if day is None or at is None:
            return None
        moment = datetime.combine(day, at, tzinfo=COVER_TIMEZONE)
        # a local time that does not exist (the hour the clocks go forward) comes back different
        if moment.astimezone(UTC).astimezone(COVER_TIMEZONE).replace(tzinfo=None) != moment.replace(tzinfo=None):
            self.add_error(time_field, "That time does not exist on that day because the clocks go forward")
            return None
        return moment.astimezone(UTC)

    def clean(self):
        data = super().clean()
        starts_at = self._moment("start_date", "start_time")
        ends_at = self._moment("end_date", "end_time")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("end_time", "The shift must end after it starts")
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "user": self.people[data["user"]],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
        }
