"""Forms of triage in the browser: claim, release, the four decisions, first contact, close,
reassign and messages. Every form that changes a referral carries the version it was drawn from
(hidden), passed to the service as `expected_version`, plus what the page showed then (status,
claimant, time) so a stale form can say what changed since."""

from django import forms
from django.utils import timezone

from partnership.models import DirectoryService, User
from partnership.models.directory import Thrive
from partnership.roles import Permission

from ..models import NotAcceptedReason, Referral
from ..services.messages import MAX_LENGTH
from ..services.spa import members_holding

DATE_HINT = "Use the date picker, or type the date as year-month-day, for example 2026-03-31."


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.email


class ServiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, service):
        return f"{service.name} ({service.provider.name})"


class ServicesChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, service):
        return f"{service.name} ({service.provider.name})"


def duty_staff(referral: Referral):
    """The active duty staff of the referral's SPA (people who may triage it), by name."""
    return members_holding(referral.partnership_id, referral.spa.provider_id, Permission.TRIAGE_REFERRALS)


def directory_services(user, referral: Referral):
    """The partnership's active directory of services, as the duty clinician may see it."""
    return (
        DirectoryService.objects.for_user(user, Permission.TRIAGE_REFERRALS)
        .for_partnership(referral.partnership_id)
        .filter(is_active=True)
        .select_related("provider")
        .order_by("name")
    )


class VersionedForm(forms.Form):
    """A form drawn from one version of the referral."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    drawn_status = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    drawn_claimant = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20)
    drawn_at = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    #: the fields the person typed in (kept on a stale form; shown back when the form is gone)
    typed: tuple[str, ...] = ()

    def __init__(self, *args, referral: Referral, user, **kwargs):
        self.referral, self.user = referral, user
        kwargs.setdefault("initial", {}).update(drawn_from(referral))
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages = {
            "required": "Reload the page and try again: the form was incomplete",
            "invalid": "Reload the page and try again: the form was incomplete",
            "min_value": "Reload the page and try again: the form was incomplete",
            "max_value": "Reload the page and try again: the form was incomplete",
        }

    def redraw(self, current: Referral) -> None:
        """Keep what was typed, but draw the hidden fields from `current` so a resubmission is checked
        against the referral as it is now."""
        data = self.data.copy()
        for name, value in drawn_from(current).items():
            data[self.add_prefix(name)] = value
        self.data = data
        self.referral = current

    def service_details(self) -> dict:
        return {}


def drawn_from(referral: Referral) -> dict:
    return {
        "version": referral.version,
        "drawn_status": referral.status,
        "drawn_claimant": str(referral.claimed_by_id or ""),
        "drawn_at": timezone.now().isoformat(),
    }


class ClaimForm(VersionedForm):
    """Claim or release: nothing to fill in."""


class AcceptForm(VersionedForm):
    thrive = forms.ChoiceField(
        label="THRIVE grouping",
        choices=Thrive.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the THRIVE grouping", "invalid_choice": "Select the THRIVE grouping"},
    )
    service = ServiceChoiceField(
        label="Allocated service",
        queryset=None,
        empty_label="Select the service",
        help_text="The service in the partnership's directory that will see the child.",
        error_messages={
            "required": "Select the service the referral is allocated to",
            "invalid_choice": "Select the service from the list",
        },
    )
    explanation = forms.CharField(
        label="Note for the school (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happens next, written for the school.",
        error_messages={"max_length": "Note must be 4,000 characters or fewer"},
    )
    typed = ("thrive", "service", "explanation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = directory_services(self.user, self.referral)

    def service_details(self) -> dict:
        data = self.cleaned_data
        return {"thrive": data["thrive"], "service": data["service"].pk, "explanation": data["explanation"]}


class SignpostForm(VersionedForm):
    explanation = forms.CharField(
        label="Advice for the school",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The advice given, written for the school.",
        error_messages={
            "required": "Enter the advice given to the school",
            "max_length": "Advice must be 4,000 characters or fewer",
        },
    )
    services = ServicesChoiceField(
        label="Services suggested (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Select services from the list",
            "invalid_pk_value": "Select services from the list",
        },
    )
    typed = ("explanation", "services")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = directory_services(self.user, self.referral)

    def service_details(self) -> dict:
        data = self.cleaned_data
        return {"explanation": data["explanation"], "services": [s.pk for s in data["services"]]}


class NotAcceptForm(VersionedForm):
    reason = forms.ModelChoiceField(
        label="Reason",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the reason the referral is not accepted",
            "invalid_choice": "Select the reason the referral is not accepted",
        },
    )
    explanation = forms.CharField(
        label="Explanation for the school",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The school sees this with the reason: say what they could do instead.",
        error_messages={
            "required": "Explain the decision for the school",
            "max_length": "Explanation must be 4,000 characters or fewer",
        },
    )
    typed = ("reason", "explanation")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = (
            NotAcceptedReason.objects.for_user(self.user, Permission.TRIAGE_REFERRALS)
            .filter(spa_id=self.referral.spa_id, is_active=True)
            .order_by("position", "label")
        )

    def service_details(self) -> dict:
        data = self.cleaned_data
        return {"reason": data["reason"].pk, "explanation": data["explanation"]}


class RequestInformationForm(VersionedForm):
    question = forms.CharField(
        label="Question for the school",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The referral waits with the school until they answer.",
        error_messages={
            "required": "Enter the question for the school",
            "max_length": "Question must be 4,000 characters or fewer",
        },
    )
    typed = ("question",)

    def service_details(self) -> dict:
        return {"question": self.cleaned_data["question"]}


class FirstContactForm(VersionedForm):
    on = forms.DateField(
        label="Date of first contact",
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the date of first contact",
            "invalid": "Enter a real date, for example 2026-03-31",
        },
    )
    by = PersonChoiceField(
        label="Who made the first contact",
        queryset=None,
        empty_label=None,
        error_messages={
            "required": "Select who made the first contact",
            "invalid_choice": "Select who made the first contact from the list",
        },
    )
    typed = ("on", "by")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = duty_staff(self.referral)
        self.fields["by"].queryset = _users(people)
        self.initial.setdefault("by", self.user.pk)
        self.initial.setdefault("on", timezone.localdate().isoformat())

    def service_details(self) -> dict:
        return {"on": self.cleaned_data["on"], "contact_by": self.cleaned_data["by"]}


class CloseForm(VersionedForm):
    outcome = forms.CharField(
        label="Outcome",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened, for the record. Closing cannot be undone.",
        error_messages={"required": "Enter the outcome", "max_length": "Outcome must be 4,000 characters or fewer"},
    )
    typed = ("outcome",)

    def service_details(self) -> dict:
        return {"outcome": self.cleaned_data["outcome"]}


class ReassignForm(VersionedForm):
    to = PersonChoiceField(
        label="Give the referral to",
        queryset=None,
        empty_label="Select a duty clinician",
        error_messages={
            "required": "Select the duty clinician to give the referral to",
            "invalid_choice": "Select a duty clinician from the list",
        },
    )
    typed = ("to",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = [u for u in duty_staff(self.referral) if u.pk != self.referral.claimed_by_id]
        self.fields["to"].queryset = _users(people)


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message to the school",
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Short and secure. The school is emailed that there is a new message, never its text.",
        error_messages={
            "required": "Enter your message",
            "max_length": f"Message must be {MAX_LENGTH:,} characters or fewer",
        },
    )
    typed = ("body",)


def _users(people):
    """A queryset of exactly `people` (users carry no partnership data: the list was scoped)."""
    return User.objects.filter(pk__in=[u.pk for u in people]).order_by("full_name", "email")


#: each decision's form, by the transition's name (the URL's <decision>)
DECISIONS = {
    "accept": AcceptForm,
    "signpost": SignpostForm,
    "not_accept": NotAcceptForm,
    "request_information": RequestInformationForm,
}
