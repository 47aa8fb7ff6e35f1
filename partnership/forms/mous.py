"""Forms for memoranda of understanding: content, parties, signing."""

from django import forms

from ..models import Membership, Mou, PartnershipOrganisation
from ..roles import Permission

DATE_HINT = "Use the date picker, or type the date as year-month-day, for example 2026-09-01."


def date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MouForm(forms.ModelForm):
    class Meta:
        model = Mou
        fields = Mou.CONTENT_FIELDS
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "joint_working_areas": forms.Textarea(attrs={"rows": 5}),
            "roles_and_responsibilities": forms.Textarea(attrs={"rows": 5}),
            "information_shared": forms.Textarea(attrs={"rows": 4}),
            "information_when": forms.Textarea(attrs={"rows": 3}),
            "information_how": forms.Textarea(attrs={"rows": 3}),
            "start_date": date_widget(),
            "review_date": date_widget(),
        }
        labels = {
            "title": "Title",
            "purpose": "Purpose",
            "joint_working_areas": "Agreed areas of joint working",
            "roles_and_responsibilities": "Roles and responsibilities",
            "information_shared": "What information schools and CYPMHS share",
            "information_when": "When information is shared",
            "information_how": "How information is shared",
            "start_date": "Start date",
            "review_date": "Review date",
        }
        help_texts = {
            "information_shared": "Describe the kinds of information, never a child's details.",
            "information_how": "For example through this platform or secure email, never by unencrypted email.",
            "start_date": DATE_HINT,
            "review_date": "The date the parties will review the memorandum. It must be after the start date. "
            + DATE_HINT,
        }
        error_messages = {
            "title": {"required": "Enter the title"},
            "purpose": {"required": "Enter the purpose"},
            "joint_working_areas": {"required": "Enter the agreed areas of joint working"},
            "roles_and_responsibilities": {"required": "Enter the roles and responsibilities"},
            "information_shared": {"required": "Enter what information schools and CYPMHS share"},
            "information_when": {"required": "Enter when information is shared"},
            "information_how": {"required": "Enter how information is shared"},
            "start_date": {"required": "Enter the start date", "invalid": "Enter the start date as a real date"},
            "review_date": {"required": "Enter the review date", "invalid": "Enter the review date as a real date"},
        }

    def clean(self):
        cleaned = super().clean()
        start, review = cleaned.get("start_date"), cleaned.get("review_date")
        if start and review and review <= start:
            self.add_error("review_date", "The review date must be after the start date")
        return cleaned


class SignatoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, membership):
        return f"{membership.user.full_name}, for {membership.organisation.name}"


class MouPartyForm(forms.Form):
    signatory = SignatoryChoiceField(
        queryset=Membership.objects.for_user(None),  # set per request in __init__
        label="Organisation and signatory",
        help_text="The person who will sign for the organisation. Only active members of the partnership "
        "acting for an active member organisation are listed.",
        empty_label="Select the signatory",
        error_messages={"required": "Select the signatory", "invalid_choice": "Select the signatory from the list"},
    )
    signatory_title = forms.CharField(
        label="Signatory's job title",
        max_length=200,
        required=False,
        help_text="For example Head teacher or Service manager.",
        error_messages={"max_length": "The job title must be 200 characters or fewer"},
    )

    def __init__(self, *args, user, mou, **kwargs):
        super().__init__(*args, **kwargs)
        partnership = mou.partnership
        active_members = PartnershipOrganisation.objects.for_user(user, Permission.VIEW_PARTNERSHIP).filter(
            partnership=partnership, status=PartnershipOrganisation.Status.ACTIVE
        )
        self.fields["signatory"].queryset = (
            Membership.objects.for_user(user, Permission.VIEW_PARTNERSHIP)
            .for_partnership(partnership)
            .filter(is_active=True, user__is_active=True, organisation__in=active_members.values("organisation"))
            .exclude(organisation__in=mou.parties.values("organisation"))
            .select_related("user", "organisation")
            .order_by("organisation__name", "user__full_name")
        )


class SignForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": "Tick the box to confirm you have read the memorandum and sign it"},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = f"I have read this memorandum and sign it for {organisation.name}"


class ConfirmForm(forms.Form):
    """A confirmation page's form: no questions, one button."""
