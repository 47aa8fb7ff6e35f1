"""Forms of workshop attendance and the representation target mix. The services re-check every rule."""

from django import forms

from partnership.models import Membership, User
from partnership.roles import Permission

from ..models import Sector
from .workshops import member_organisations


def partnership_people(user, partnership):
    """Active users with a membership of `partnership`: an attendee may be linked to one of them."""
    memberships = (
        Membership.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
        .for_partnership(partnership)
        .filter(is_active=True, user__is_active=True)
    )
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation):
        return organisation.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.full_name} ({user.email})" if user.full_name else user.email


class AttendeeForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the person's name", "max_length": "Name must be 200 characters or fewer"},
    )
    organisation = OrganisationChoiceField(
        label="Organisation",
        queryset=None,
        empty_label="Select the organisation",
        error_messages={
            "required": "Select the person's organisation",
            "invalid_choice": "Select the organisation from the list",
        },
    )
    sector = forms.ChoiceField(
        label="Sector",
        required=False,
        choices=[("", "Work it out from the organisation"), *Sector.choices],
        help_text="Leave it to be worked out from the kind of organisation, or choose the person's sector.",
        error_messages={"invalid_choice": "Select the sector from the list"},
    )
    user = PersonChoiceField(
        label="Their account on this service (optional)",
        queryset=None,
        required=False,
        empty_label="Not linked to an account",
        help_text=(
            "Linking an account matches the person across round 1 and round 2 even if their name is spelt differently."
        ),
        error_messages={"invalid_choice": "Select the account from the list"},
    )

    def __init__(self, *args, user, partnership, attendance=None, **kwargs):
        if attendance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": attendance.name,
                "organisation": attendance.organisation_id,
                "sector": attendance.sector,
                "user": attendance.user_id,
            }
        super().__init__(*args, **kwargs)
        also = [attendance.organisation] if attendance is not None else ()
        self.fields["organisation"].queryset = member_organisations(user, partnership, also=also)
        self.fields["user"].queryset = partnership_people(user, partnership)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "organisation": data["organisation"],
            "sector": data["sector"] or None,
            "user": data["user"],
        }


class TargetsForm(forms.Form):
    """One whole-number percentage per sector; blank means no target for that sector."""

    def __init__(self, *args, targets: dict[str, int], **kwargs):
        kwargs.setdefault("initial", dict(targets))
        super().__init__(*args, **kwargs)
        for sector in Sector:
            self.fields[sector.value] = forms.IntegerField(
                label=sector.label,
                required=False,
                min_value=0,
                max_value=100,
                widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "invalid": f"Enter {sector.label}'s target as a whole number from 0 to 100",
                    "min_value": f"Enter {sector.label}'s target as a whole number from 0 to 100",
                    "max_value": f"Enter {sector.label}'s target as a whole number from 0 to 100",
                },
            )

    def clean(self):
        data = super().clean()
        total = sum(value for value in data.values() if value is not None)
        if total > 100:
            raise forms.ValidationError(f"The targets add up to {total}%: they must not add up to more than 100%.")
        return data
