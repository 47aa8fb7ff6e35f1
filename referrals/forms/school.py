"""The school's small forms around a referral: start one, submit it, answer the duty team's
question, send the duty team a message. Forms that change a referral carry its version."""

from django import forms

from ..services.messages import MAX_LENGTH

ANSWER_MAX = 5000


class StartForm(forms.Form):
    """The key is made when the page is drawn: posting the same page twice makes one draft."""

    idempotency_key = forms.CharField(
        max_length=100,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Something went wrong starting the referral: try again",
            "max_length": "Something went wrong starting the referral: try again",
        },
    )
    school = forms.TypedChoiceField(
        label="Which school or college are you referring from?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the school or college you are referring from",
            "invalid_choice": "Select the school or college you are referring from",
        },
    )

    def __init__(self, *args, schools, **kwargs):
        self.schools = {school.pk: school for school in schools}
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(school.pk, school.name) for school in schools]
        if len(schools) <= 1:
            del self.fields["school"]

    @property
    def asks_school(self) -> bool:
        return "school" in self.fields

    def chosen_school(self):
        if self.asks_school:
            return self.schools[self.cleaned_data["school"]]
        return next(iter(self.schools.values()), None)


class VersionForm(forms.Form):
    """Submit: the version of the referral the check-your-answers page showed."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": "Something went wrong: check your answers and try again",
            "invalid": "Something went wrong: check your answers and try again",
            "min_value": "Something went wrong: check your answers and try again",
            "max_value": "Something went wrong: check your answers and try again",
        },
    )


class AnswerForm(VersionForm):
    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Sending your answer returns the referral to the duty team.",
        error_messages={
            "required": "Enter your answer to the duty team's question",
            "max_length": f"Your answer must be {ANSWER_MAX:,} characters or fewer",
        },
    )

    field_order = ["answer", "version"]


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Up to {MAX_LENGTH:,} characters. The duty team will see it the next time they open the referral.",
        error_messages={
            "required": "Enter your message",
            "max_length": f"Message must be {MAX_LENGTH:,} characters or fewer",
        },
    )
