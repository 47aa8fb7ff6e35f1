"""The SBARD referral form, one question topic per page (DESIGN.md section 6).

Each section is a plain Django form over some of the school's fields (drafts.SCHOOL_FIELDS). A
section is saved with `drafts.update_draft(**form.values())`. In "continue" mode every question the
referral needs is required; in "save and come back later" mode (`strict=False`) nothing is
required, but what is entered must still be valid (NHS number, date of birth, postcode, dates).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .. import validation
from ..models import ConsentBy, DslAware, Ethnicity, Gender, OtherService, Referral, Request, Urgency

TEXT_MAX = 5000
YES_NO = [("yes", "Yes"), ("no", "No")]
YEAR_GROUPS = [
    "Reception",
    *[f"Year {n}" for n in range(1, 14)],
    "Further education",
    "Not in a year group",
]
DATE_HINT = "Use the date picker, or type the date as year-month-day, for example 2012-03-31."


class DateInput(forms.DateInput):
    """A browser date picker; its value is always year-month-day."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def text(label: str, *, required_message: str, hint: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{label.removesuffix(' (optional)')} must be {TEXT_MAX:,} characters or fewer",
        },
    )


def yes_no(label: str, *, required_message: str, hint: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=hint,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def radios(label: str, choices, *, required_message: str, hint: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def checkboxes(label: str, choices, *, required_message: str, hint: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        help_text=hint,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


def date(label: str, *, required_message: str, hint: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=hint,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": required_message, "invalid": f"{label} must be a real date"},
    )


class SectionForm(forms.Form):
    """One page of the referral: its fields, shown with the referral's current answers."""

    #: fields that are optional even when continuing (labelled "(optional)")
    optional: tuple[str, ...] = ()

    def __init__(self, *args, referral: Referral, strict: bool = True, **kwargs):
        self.referral = referral
        self.strict = strict
        kwargs.setdefault("initial", self.initial_from(referral))
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = strict and name not in self.optional

    def initial_from(self, referral: Referral) -> dict:
        initial = {}
        for name in self.base_fields:
            value = getattr(referral, name)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            initial[name] = value
        return initial

    def values(self) -> dict:
        """What to save: every field of this page, blanks included (the model's empty values)."""
        values = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value is None and not isinstance(self.fields[name], forms.TypedChoiceField | forms.DateField):
                value = ""
            if isinstance(self.fields[name], forms.MultipleChoiceField):
                value = list(value or [])
            values[name] = value
        return values


class ChildForm(SectionForm):
    optional = ("nhs_number", "ethnicity")

    child_first_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={
            "required": "Enter the child's first name",
            "max_length": "First name must be 100 characters or fewer",
        },
    )
    child_last_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={
            "required": "Enter the child's last name",
            "max_length": "Last name must be 100 characters or fewer",
        },
    )
    date_of_birth = date("Date of birth", required_message="Enter the child's date of birth")
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        max_length=20,
        help_text="A 10 digit number, like 943 476 5919. Leave it blank if you do not know it.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"max_length": "Enter the NHS number as 10 digits, like 943 476 5919"},
    )
    gender = radios("Gender", Gender.choices, required_message="Select the child's gender")
    ethnicity = radios(
        "Ethnic group (optional)",
        Ethnicity.choices,
        required_message="Select the child's ethnic group",
        hint="Used only to check that services reach every group of children fairly.",
    )
    year_group = forms.ChoiceField(
        label="Year group",
        choices=[("", "Select the year group"), *[(y, y) for y in YEAR_GROUPS]],
        error_messages={"required": "Enter the child's year group", "invalid_choice": "Select the child's year group"},
    )
    postcode = forms.CharField(
        label="Home postcode",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the child's postcode", "max_length": "Enter a real postcode, like NS1 2AB"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.referral.year_group
        if current and current not in YEAR_GROUPS:  # set through the API: keep it
            self.fields["year_group"].choices = [*self.fields["year_group"].choices, (current, current)]

    def clean_nhs_number(self):
        return validation.nhs_number(self.cleaned_data.get("nhs_number", ""))

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        return validation.date_of_birth(born) if born else born

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return validation.postcode(value) if value.strip() else ""


class UrgencyForm(SectionForm):
    urgency = radios(
        "How urgent is this referral?",
        Urgency.choices,
        required_message="Select whether the referral is routine or urgent",
        hint="Urgent means the child needs to be seen within days, not weeks. "
        "If a child is at immediate risk, this is an emergency, not a referral: see the advice above.",
    )


class SituationForm(SectionForm):
    situation = text(
        "What is happening now?",
        required_message="Say what is happening now",
        hint="Describe what you have seen and heard, how often and since when.",
    )
    why_now = text(
        "Why are you referring now?",
        required_message="Say why you are referring now",
        hint="For example, something has changed or the support tried so far has not helped.",
        rows=3,
    )


class BackgroundForm(SectionForm):
    optional = ("relevant_history", "support_duration", "other_services", "other_services_detail")

    relevant_history = text(
        "Relevant history (optional)",
        required_message="Enter the relevant history",
        hint="Anything in the child's history that helps the duty team understand their needs.",
    )
    support_tried = text(
        "What support has the school already tried?",
        required_message="Say what support the school has already tried",
        hint="For example, pastoral check-ins, a mentor, a reduced timetable or a counsellor.",
    )
    support_duration = forms.CharField(
        label="For how long? (optional)",
        max_length=100,
        help_text="For example, since September, or 6 weeks.",
        error_messages={"max_length": "How long must be 100 characters or fewer"},
    )
    other_services = checkboxes(
        "Which other services are involved? (optional)",
        OtherService.choices,
        required_message="Select the other services involved",
        hint="Select all that apply. Leave them all clear if no other service is involved.",
    )
    other_services_detail = text(
        "How are the other services involved? (optional)",
        required_message="Say how the other services are involved",
        hint="Who is involved and what they are doing, with a contact name if you have one.",
        rows=3,
    )

    def clean(self):
        data = super().clean()
        if self.strict and data.get("other_services") and not data.get("other_services_detail", "").strip():
            self.add_error("other_services_detail", "Say how the other services are involved")
        return data


class AssessmentForm(SectionForm):
    optional = ("impact_attendance", "impact_learning", "impact_relationships")

    assessment = text(
        "Your assessment",
        required_message="Give your assessment",
        hint="What you think is going on for the child, and what you think they need.",
    )
    impact_attendance = text(
        "Impact on attendance (optional)",
        required_message="Describe the impact on attendance",
        hint="For example, attendance this term compared with last.",
        rows=2,
    )
    impact_learning = text("Impact on learning (optional)", required_message="Describe the impact on learning", rows=2)
    impact_relationships = text(
        "Impact on relationships (optional)",
        required_message="Describe the impact on relationships",
        hint="With friends, family and staff.",
        rows=2,
    )
    risk_self_harm = yes_no("Is there any self-harm?", required_message="Select yes if there is any self-harm")
    risk_suicidal_thoughts = yes_no(
        "Has the child spoken of suicidal thoughts?", required_message="Select yes if there are suicidal thoughts"
    )
    risk_harm_to_others = yes_no(
        "Is there a risk of harm to others?", required_message="Select yes if there is a risk of harm to others"
    )
    safeguarding_concern = yes_no(
        "Is there a safeguarding concern?", required_message="Select yes if there is a safeguarding concern"
    )
    dsl_aware = radios(
        "Does the designated safeguarding lead know about this referral?",
        DslAware.choices,
        required_message="Select whether the designated safeguarding lead knows",
        hint="Select 'No safeguarding concern' only if you answered no to the question above.",
    )

    def clean(self):
        data = super().clean()
        if data.get("safeguarding_concern") is True and data.get("dsl_aware") == DslAware.NOT_APPLICABLE:
            self.add_error(
                "dsl_aware", "You said there is a safeguarding concern: select whether the safeguarding lead knows"
            )
        if data.get("safeguarding_concern") is False and data.get("dsl_aware") in (DslAware.YES, DslAware.NO):
            data["dsl_aware"] = DslAware.NOT_APPLICABLE
        return data


class RecommendationForm(SectionForm):
    optional = ("child_views", "family_views")

    requests = checkboxes(
        "What are you asking the service for?",
        Request.choices,
        required_message="Select what you are asking for",
        hint="Select all that apply.",
    )
    child_views = text(
        "The child's views (optional)",
        required_message="Give the child's views",
        hint="What the child or young person thinks about their difficulties and about this referral.",
        rows=3,
    )
    family_views = text(
        "The family's views (optional)",
        required_message="Give the family's views",
        hint="What the parents or carers think.",
        rows=3,
    )


class ConsentForm(SectionForm):
    optional = ("gillick_considered",)

    consent_by = radios(
        "Who consented to this referral?",
        ConsentBy.choices,
        required_message="Select who consented to the referral",
        hint="The service cannot accept a referral without consent.",
    )
    gillick_considered = yes_no(
        "Was the young person's Gillick competence considered?",
        required_message="Select yes if the young person's Gillick competence was considered",
        hint="Needed when the young person consented for themselves.",
    )
    consent_share_outcome = yes_no(
        "May the service tell the school the outcome of the referral?",
        required_message="Say whether the outcome may be shared with the school",
    )
    consent_date = date("Date consent was given", required_message="Enter the date consent was given")

    def clean_consent_date(self):
        given = self.cleaned_data.get("consent_date")
        if given and given > timezone.localdate():
            raise ValidationError("Date consent was given must be today or in the past")
        return given

    def clean(self):
        data = super().clean()
        by_young_person = data.get("consent_by") in (ConsentBy.YOUNG_PERSON, ConsentBy.BOTH)
        if self.strict and by_young_person and data.get("gillick_considered") is None:
            self.add_error("gillick_considered", "Select yes if the young person's Gillick competence was considered")
        return data


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    form: type[SectionForm]
    caption: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.form.base_fields)


SECTIONS = (
    Section("child", "About the child", ChildForm, "The child's details"),
    Section("urgency", "Urgency", UrgencyForm, "Urgency"),
    Section("situation", "Situation", SituationForm, "S: Situation"),
    Section("background", "Background", BackgroundForm, "B: Background"),
    Section("assessment", "Assessment", AssessmentForm, "A: Assessment"),
    Section("recommendation", "Recommendation", RecommendationForm, "R: Recommendation"),
    Section("consent", "Consent", ConsentForm, "Consent"),
)
BY_SLUG = {section.slug: section for section in SECTIONS}


def section_for_field(name: str) -> Section:
    for section in SECTIONS:
        if name in section.fields:
            return section
    return SECTIONS[0]


def next_section(section: Section) -> Section | None:
    index = SECTIONS.index(section)
    return SECTIONS[index + 1] if index + 1 < len(SECTIONS) else None
