"""Serializers of the referrals API: the queue item (no child's details), the full referral, its
history, the bodies of the state-changing calls, the school's new referral and the reference lists.

Who acted is shown by name to the duty team; a school sees the duty team's actions as "Duty team"
(as on its pages, presenters.timeline)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnership.models import DirectoryService
from partnership.models.directory import Thrive

from .. import presenters, validation
from ..models import NotAcceptedReason, Referral, StatusChange
from ..services.drafts import SCHOOL_FIELDS
from ..states import Status, allowed_from
from ..waiting import Clock

DUTY_TEAM = "Duty team"
#: free text a school or clinician writes: generous, but bounded
MAX_TEXT = 10_000


@extend_schema_field({"type": "string", "description": "The referral's status: " + ", ".join(Status.values) + "."})
class StatusField(serializers.CharField):
    """A status. Its values are listed in words: an enum here would clash with other apps' `status`
    enums in the schema (needing ENUM_NAME_OVERRIDES in the settings)."""


@extend_schema_field({"type": "string", "enum": Thrive.values})
class ThriveCodeField(serializers.CharField):
    """A THRIVE grouping's code, described inline (the directory's schema names the same enum)."""


def _name(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null when shown to a school as the duty team.")
    name = serializers.CharField()


def _person(user, *, hidden: bool) -> dict | None:
    if user is None:
        return None
    return {"id": None, "name": DUTY_TEAM} if hidden else {"id": user.pk, "name": _name(user)}


class SchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReferralApiErrorSerializer(serializers.Serializer):
    """Every error of the referrals API."""

    code = serializers.CharField(help_text="Machine-readable, e.g. precondition_required, invalid, invalid_transition.")
    message = serializers.CharField(help_text="For a person to read.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages keyed by the field they concern (400 only); non_field_errors for the whole body.",
    )


# --- the queue ---------------------------------------------------------------------------------
class QueueItemSerializer(serializers.ModelSerializer):
    """One referral in the duty team's queue: no child's details (the detail endpoint has them)."""

    school = SchoolSerializer()
    status = StatusField()
    days_waiting = serializers.IntegerField(help_text="Days from submission to first contact, or to today.")
    clock = serializers.ChoiceField(
        choices=Clock.choices, help_text="The four-week clock: meaningful while the referral is open."
    )
    open = serializers.SerializerMethodField(help_text="Still waiting (the clock is running).")
    claimed_by = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "status",
            "version",
            "urgency",
            "school",
            "submitted_at",
            "days_waiting",
            "clock",
            "open",
            "claimed_by",
        ]

    def get_open(self, referral) -> bool:
        from ..states import OPEN

        return referral.status in OPEN

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_claimed_by(self, referral):
        return _person(referral.claimed_by, hidden=False)


# --- one referral ------------------------------------------------------------------------------
class ChildSerializer(serializers.Serializer):
    first_name = serializers.CharField(source="child_first_name")
    last_name = serializers.CharField(source="child_last_name")
    date_of_birth = serializers.DateField(allow_null=True)
    nhs_number = serializers.CharField()
    gender = serializers.CharField()
    ethnicity = serializers.CharField()
    year_group = serializers.CharField()
    postcode = serializers.CharField()


class SituationSerializer(serializers.Serializer):
    situation = serializers.CharField()
    why_now = serializers.CharField()


class BackgroundSerializer(serializers.Serializer):
    relevant_history = serializers.CharField()
    support_tried = serializers.CharField()
    support_duration = serializers.CharField()
    other_services = serializers.ListField(child=serializers.CharField())
    other_services_detail = serializers.CharField()


class AssessmentSerializer(serializers.Serializer):
    assessment = serializers.CharField()
    impact_attendance = serializers.CharField()
    impact_learning = serializers.CharField()
    impact_relationships = serializers.CharField()
    risk_self_harm = serializers.BooleanField(allow_null=True)
    risk_suicidal_thoughts = serializers.BooleanField(allow_null=True)
    risk_harm_to_others = serializers.BooleanField(allow_null=True)
    safeguarding_concern = serializers.BooleanField(allow_null=True)
    dsl_aware = serializers.CharField()


class RecommendationSerializer(serializers.Serializer):
    requests = serializers.ListField(child=serializers.CharField())
    child_views = serializers.CharField()
    family_views = serializers.CharField()


class ConsentSerializer(serializers.Serializer):
    consent_by = serializers.CharField()
    gillick_considered = serializers.BooleanField(allow_null=True)
    consent_share_outcome = serializers.BooleanField(allow_null=True)
    consent_date = serializers.DateField(allow_null=True)


class ServiceSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReasonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    """The D of SBARD: the duty team's decision, shown to the school with its reason."""

    thrive = serializers.CharField(help_text="THRIVE grouping of an accepted referral, else empty.")
    allocated_service = ServiceSummarySerializer(allow_null=True)
    signposted_services = ServiceSummarySerializer(many=True)
    not_accepted_reason = ReasonSummarySerializer(allow_null=True)
    explanation = serializers.CharField()
    decided_by = PersonSerializer(allow_null=True)
    triaged_at = serializers.DateTimeField(allow_null=True)
    first_contact_on = serializers.DateField(allow_null=True)
    first_contact_by = PersonSerializer(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()


class WaitsSerializer(serializers.Serializer):
    days_waiting = serializers.IntegerField(allow_null=True, help_text="Null for a draft.")
    clock = serializers.ChoiceField(choices=Clock.choices, allow_null=True)
    open = serializers.BooleanField()
    days_left = serializers.IntegerField(
        allow_null=True, help_text="Within the 28-day standard; negative once breached."
    )
    to_triage = serializers.IntegerField(allow_null=True)
    triage_to_first_contact = serializers.IntegerField(allow_null=True)
    to_first_contact = serializers.IntegerField(allow_null=True)


class InformationRequestSerializer(serializers.Serializer):
    question = serializers.CharField()
    asked_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)


class ReferralSerializer(serializers.Serializer):
    """The whole referral: the child, SBARD, consent, the decision and the waits. Context:
    `for_school` (the viewer is the referral's school: duty staff are shown as "Duty team")."""

    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="e.g. SPA-2026-000123; empty for a draft.")
    status = StatusField()
    status_label = serializers.CharField()
    version = serializers.IntegerField(help_text="The ETag's value: send it back in If-Match.")
    partnership = serializers.CharField(help_text="The partnership's slug.")
    school = SchoolSerializer()
    urgency = serializers.CharField()
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    claimed_by = PersonSerializer(allow_null=True)
    claimed_at = serializers.DateTimeField(allow_null=True)
    child = ChildSerializer()
    situation = SituationSerializer()
    background = BackgroundSerializer()
    assessment = AssessmentSerializer()
    recommendation = RecommendationSerializer()
    consent = ConsentSerializer()
    decision = DecisionSerializer()
    waits = WaitsSerializer()
    information_requests = InformationRequestSerializer(many=True)
    allowed_actions = serializers.ListField(
        child=serializers.CharField(), help_text="Transitions the state machine allows from this status."
    )

    def to_representation(self, referral):
        hidden = self.context.get("for_school", False)
        waiting = presenters.waiting(referral) or {}
        reason = referral.not_accepted_reason
        data = {
            "id": referral.pk,
            "reference": referral.reference,
            "status": referral.status,
            "status_label": referral.get_status_display(),
            "version": referral.version,
            "partnership": referral.partnership.slug,
            "school": {"id": referral.school_id, "name": referral.school.name},
            "urgency": referral.urgency,
            "created_at": referral.created_at,
            "submitted_at": referral.submitted_at,
            "claimed_by": _person(referral.claimed_by, hidden=hidden),
            "claimed_at": referral.claimed_at,
            "child": referral,
            "situation": referral,
            "background": referral,
            "assessment": referral,
            "recommendation": referral,
            "consent": referral,
            "decision": {
                "thrive": referral.thrive,
                "allocated_service": referral.allocated_service,
                "signposted_services": list(referral.signposted_services.all()),
                "not_accepted_reason": reason,
                "explanation": referral.decision_explanation,
                "decided_by": _person(referral.decided_by, hidden=hidden),
                "triaged_at": referral.triaged_at,
                "first_contact_on": referral.first_contact_on,
                "first_contact_by": _person(referral.first_contact_by, hidden=hidden),
                "closed_at": referral.closed_at,
                "outcome": referral.outcome,
            },
            "waits": {
                "days_waiting": waiting.get("days"),
                "clock": waiting.get("clock"),
                "open": waiting.get("open", False),
                "days_left": waiting.get("days_left"),
                **presenters.internal_waits(referral),
            },
            "information_requests": list(referral.information_requests.all()),
            "allowed_actions": allowed_from(referral.status),
        }
        return super().to_representation(data)


class HistoryEntrySerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(help_text="Empty for the first row (a new draft).")
    to_status = StatusField()
    by = serializers.SerializerMethodField()

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "by", "at", "note"]

    def _hidden(self, change) -> bool:
        """A school sees the duty team's changes as by "Duty team", without their working notes."""
        return self.context.get("for_school", False) and not presenters.made_by_school(change)

    @extend_schema_field(PersonSerializer)
    def get_by(self, change):
        return _person(change.by, hidden=self._hidden(change))

    def to_representation(self, change):
        data = super().to_representation(change)
        if self._hidden(change):
            data["note"] = ""
        return data


# --- state-changing calls ----------------------------------------------------------------------
class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="Kept on the status row (optional)."
    )


class TriageSerializer(NoteSerializer):
    decision = serializers.ChoiceField(
        choices=["accept", "signpost", "not_accept"],
        error_messages={
            "required": "Select the decision: accept, signpost or not_accept",
            "invalid_choice": "Select the decision: accept, signpost or not_accept",
        },
    )
    thrive = serializers.CharField(
        required=False, allow_blank=True, max_length=25, help_text="accept: the THRIVE grouping's code."
    )
    service = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1, help_text="accept: the allocated service."
    )
    services = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=50,
        help_text="signpost: the services suggested.",
    )
    reason = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="not_accept: the reason's id (GET /reference/not-accepted-reasons/).",
    )
    explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_TEXT,
        help_text="Written for the school: required to signpost (the advice) and to not accept.",
    )

    FIELDS = {
        "accept": ("thrive", "service", "explanation"),
        "signpost": ("services", "explanation"),
        "not_accept": ("reason", "explanation"),
    }

    def details(self) -> dict:
        """The transition's own fields, as transitions.apply expects them."""
        data = self.validated_data
        return {name: data[name] for name in self.FIELDS[data["decision"]] if name in data}


class RequestInformationSerializer(NoteSerializer):
    question = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=MAX_TEXT, help_text="The question for the school."
    )


class FirstContactSerializer(NoteSerializer):
    on = serializers.DateField(
        help_text="The date of first contact (today or earlier).",
        error_messages={
            "required": "Enter the date of first contact",
            "null": "Enter the date of first contact",
            "invalid": "Enter the date of first contact as YYYY-MM-DD",
        },
    )
    contact_by = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The id of the duty team member who made the contact (default: the caller).",
    )


class CloseSerializer(NoteSerializer):
    outcome = serializers.CharField(required=False, allow_blank=True, default="", max_length=MAX_TEXT)


# --- a school's new referral -------------------------------------------------------------------
def _django_check(check, value):
    try:
        return check(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages) from error


class NewReferralSerializer(serializers.ModelSerializer):
    """The school's fields (all optional here: submitting checks what a referral must have),
    `submit` (default true) and `school` (needed only by staff of more than one school)."""

    submit = serializers.BooleanField(default=True, help_text="False keeps it as a draft to finish in the browser.")
    school = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="Your school's id, if you refer from several."
    )

    class Meta:
        model = Referral
        fields = [*SCHOOL_FIELDS, "submit", "school"]
        extra_kwargs = {
            name: {"required": False}
            | ({"max_length": MAX_TEXT} if Referral._meta.get_field(name).get_internal_type() == "TextField" else {})
            for name in SCHOOL_FIELDS
        }

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {str(key): ["This field can't be set by a school."] for key in unknown}
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(error.detail, dict):
                raise
            errors.update(error.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return values

    def validate_nhs_number(self, value):
        return _django_check(validation.nhs_number, value)

    def validate_postcode(self, value):
        return _django_check(validation.postcode, value) if value else value

    def validate_date_of_birth(self, value):
        return _django_check(validation.date_of_birth, value) if value is not None else value

    def school_values(self) -> dict:
        return {name: value for name, value in self.validated_data.items() if name in SCHOOL_FIELDS}


def differs(referral: Referral, values: dict) -> list[str]:
    """The school fields where `referral` differs from a new request's `values` (fields left out
    count as their empty default): a reused Idempotency-Key with another body."""
    changed = []
    for name in SCHOOL_FIELDS:
        field = Referral._meta.get_field(name)
        default = field.get_default() if name not in values else values[name]
        if name not in values and field.null:
            default = None
        if getattr(referral, name) != default:
            changed.append(name)
    return changed


# --- reference lists ---------------------------------------------------------------------------
class ThriveGroupingSerializer(serializers.Serializer):
    code = ThriveCodeField()
    label = serializers.CharField()
    description = serializers.CharField()


class ReasonSerializer(serializers.ModelSerializer):
    partnership = serializers.CharField(source="spa.partnership.slug", help_text="The partnership's slug.")

    class Meta:
        model = NotAcceptedReason
        fields = ["id", "code", "label", "partnership"]


class ServiceSerializer(serializers.ModelSerializer):
    partnership = serializers.CharField(source="partnership.slug", help_text="The partnership's slug.")
    provider = SchoolSerializer(help_text="The organisation that provides it.")

    class Meta:
        model = DirectoryService
        fields = ["id", "name", "provider", "thrive_groupings", "partnership"]
