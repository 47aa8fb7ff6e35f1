"""Forms for teams, practitioners, the offer and holiday offers. Choices come from the user's scope;
the services check every rule again (show_errors puts their refusals in the error summary)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from partnership.forms.actions import DATE_HINT, DateInput
from partnership.models import DirectoryService, Membership, PartnershipOrganisation
from partnership.roles import Permission

from ..models import Function, PractitionerRole
from ..services.schools import member_schools
from ..services.teams import check_wte

TEXT = {"rows": 4}


def _date(label: str, *, required: bool = True, required_message: str = "Enter the date", hint: str = DATE_HINT):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=hint,
        error_messages={"required": required_message, "invalid": "Enter a real date, for example 2026-03-31"},
    )


def _text(label: str, *, required_message: str, max_length: int = 200, required: bool = True, help_text: str = ""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


def _pick(label: str, *, required: bool, required_message: str = "", invalid: str = "", help_text: str = ""):
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=required,
        empty_value=None,
        help_text=help_text,
        error_messages={"required": required_message, "invalid_choice": invalid or "Select an option from the list"},
    )


def _person(user) -> str:
    return user.full_name or user.email


def member_people(user, partnership, organisation_id: int | None = None) -> dict:
    """{user pk: (label, user)} of the partnership's active members (at `organisation_id`, if given)."""
    memberships = (
        Membership.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(is_active=True, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email", "organisation__name")
    )
    if organisation_id is not None:
        memberships = memberships.filter(organisation_id=organisation_id)
    people: dict = {}
    for m in memberships:
        people.setdefault(m.user_id, (f"{_person(m.user)} ({m.organisation.name})", m.user))
    return people


# --- teams -------------------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = _text("Team name", required_message="Enter the team's name", help_text="For example, North Shire MHST.")
    wave = _text(
        "Wave",
        max_length=50,
        required=False,
        required_message="",
        help_text="The national roll-out wave, for example Wave 5.",
    )
    service_lead = _pick(
        "Service lead (optional)",
        required=False,
        invalid="Select the service lead from the list",
        help_text="Someone with an account in the partnership at the team's provider.",
    )
    started_on = _date("Date the team started", required_message="Enter the date the team started")
    service = _pick(
        "Entry in the directory of services",
        required=True,
        required_message="Select the team's entry in the directory of services",
        invalid="Select the directory of services entry from the list",
        help_text="Referrals are allocated to the team through this entry. It must be run by the team's provider.",
    )
    field_order = ["provider", "name", "wave", "service_lead", "started_on", "service"]

    def __init__(self, *args, user, partnership, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        provider_id = team.provider_id if team else None
        self.people = member_people(user, partnership, provider_id)
        self.fields["service_lead"].choices = [("", "No service lead")] + [
            (pk, label) for pk, (label, _) in self.people.items()
        ]
        services = (
            DirectoryService.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
            .for_partnership(partnership)
            .select_related("provider")
            .order_by("name", "pk")
        )
        if team is not None:
            services = services.filter(provider_id=team.provider_id).filter(
                Q(mhst_team__isnull=True) | Q(mhst_team=team)
            )
        else:
            services = services.filter(mhst_team__isnull=True)
        self.services = {s.pk: s for s in services}
        self.fields["service"].choices = [("", "Select the entry")] + [
            (pk, f"{s.name} ({s.provider.name})") for pk, s in self.services.items()
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        lead = data.get("service_lead")
        return {
            "name": data["name"],
            "wave": data.get("wave", ""),
            "service_lead": self.people[lead][1] if lead is not None else None,
            "started_on": data["started_on"],
            "service": self.services[data["service"]],
        }


class TeamAddForm(TeamForm):
    provider = _pick(
        "Provider",
        required=True,
        required_message="Select the organisation that runs the team",
        invalid="Select the provider from the list",
        help_text="The organisation that employs the team. Its MHST managers manage the team.",
    )

    def __init__(self, *args, user, partnership, **kwargs):
        super().__init__(*args, user=user, partnership=partnership, **kwargs)
        members = (
            PartnershipOrganisation.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
            .for_partnership(partnership)
            .filter(status=PartnershipOrganisation.Status.ACTIVE)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        self.providers = {m.organisation_id: m.organisation for m in members}
        self.fields["provider"].choices = [("", "Select the provider")] + [
            (pk, org.name) for pk, org in self.providers.items()
        ]

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "provider": self.providers[self.cleaned_data["provider"]]}


# --- practitioners -----------------------------------------------------------------------------


class PractitionerForm(forms.Form):
    name = _text("Name", required_message="Enter the practitioner's name")
    role = forms.ChoiceField(
        label="Role",
        choices=PractitionerRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the practitioner's role",
            "invalid_choice": "Select the role from the list",
        },
    )
    wte = forms.CharField(
        label="Whole-time equivalent (WTE)",
        max_length=10,
        help_text="Between 0.01 and 1.00. Full time is 1.00; three days a week is 0.60.",
        error_messages={"required": "Enter the whole-time equivalent, like 0.60"},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
    )
    started_on = _date("Start date", required_message="Enter the date they started")
    ended_on = _date(
        "End date (optional)",
        required=False,
        hint="Set this when they leave the team: they stop counting towards capacity after this day. " + DATE_HINT,
    )
    training_completed_on = _date(
        "Training completion date (EMHPs in training only)",
        required=False,
        hint=(
            "Required for an EMHP in training: the expected date, then the actual one. From this day they count "
            "as qualified. Leave blank for other roles. " + DATE_HINT
        ),
    )
    user = _pick(
        "Their account on this platform (optional)",
        required=False,
        invalid="Select the account from the list",
        help_text="A member of the partnership at the team's provider.",
    )

    def __init__(self, *args, user, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = member_people(user, team.partnership, team.provider_id)
        self.fields["user"].choices = [("", "No account")] + [(pk, label) for pk, (label, _) in self.people.items()]

    def clean_wte(self):
        try:
            return check_wte(self.cleaned_data["wte"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["wte"]) from None

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["user"] = self.people[data["user"]][1] if data.get("user") is not None else None
        return data


# --- the offer ---------------------------------------------------------------------------------


class OfferItemForm(forms.Form):
    function = forms.TypedChoiceField(
        label="Which function does this support come under?",
        coerce=int,
        choices=[(f.value, f.title) for f in Function],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the function", "invalid_choice": "Select the function from the list"},
    )
    title = _text("Name of the support", required_message="Enter the name of the support")
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs=TEXT),
        error_messages={"max_length": "Description must be 2,000 characters or fewer"},
    )


class OfferItemEditForm(OfferItemForm):
    is_active = forms.TypedChoiceField(
        label="Is the team offering this now?",
        coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, schools can choose it"), ("no", "No, deactivate it (agreements keep it)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the team offers this now", "invalid_choice": "Select yes or no"},
    )


# --- holiday offers ----------------------------------------------------------------------------


class HolidayOfferForm(forms.Form):
    name = _text(
        "Holiday",
        max_length=100,
        required_message="Enter the name of the holiday",
        help_text="For example, Summer 2026.",
    )
    starts_on = _date("First day", required_message="Enter the date the holiday starts")
    ends_on = _date("Last day", required_message="Enter the date the holiday ends")
    offer = forms.CharField(
        label="What the team offers",
        max_length=4000,
        widget=forms.Textarea(attrs=TEXT),
        help_text="What children, families and schools can get during the holiday, and how to reach the team.",
        error_messages={
            "required": "Enter what the team offers during the holiday",
            "max_length": "The offer must be 4,000 characters or fewer",
        },
    )
    schools = forms.TypedMultipleChoiceField(
        label="Schools covered",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Schools not ticked show as having no holiday cover on the coverage page.",
        error_messages={"invalid_choice": "Select schools from the list"},
    )

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].choices = [(s.pk, s.name) for s in member_schools(team.partnership)]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day must be the same as or after the first day")
        return data
