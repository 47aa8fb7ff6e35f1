"""Representations of the MHST API. Component names start with Mhst so they never clash with
another API's in the OpenAPI schema. Nothing here holds a child's details: activity is counts only."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import ActivityType, Function, ReadinessCode, ReadinessStatus
from ..services.capacity import classify

WTE = {"max_digits": 6, "decimal_places": 2}


class MhstOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MhstSchoolSerializer(MhstOrganisationSerializer):
    urn = serializers.IntegerField(allow_null=True, help_text="The school's GIAS unique reference number.")


class MhstTeamRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


# --- teams -------------------------------------------------------------------------------------
class MhstCapacitySerializer(serializers.Serializer):
    on = serializers.DateField(help_text="The day measured (today).")
    qualified_wte = serializers.DecimalField(
        help_text="Qualified practitioners in direct-work roles (the capacity for direct work).", **WTE
    )
    trainee_wte = serializers.DecimalField(help_text="EMHPs in training, shown separately.", **WTE)
    other_wte = serializers.DecimalField(help_text="Service leads and administrators.", **WTE)
    sessions_per_week = serializers.DecimalField(
        help_text="Qualified capacity in sessions (half days): one WTE is ten a week.", **WTE
    )


class MhstTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    partnership = serializers.CharField(source="partnership.slug", help_text="The partnership's slug.")
    name = serializers.CharField()
    provider = MhstOrganisationSerializer()
    wave = serializers.CharField()
    started_on = serializers.DateField()
    service = serializers.IntegerField(source="service_id", help_text="Its directory of services entry's id.")
    capacity = serializers.SerializerMethodField()

    @extend_schema_field(MhstCapacitySerializer)
    def get_capacity(self, team):
        today = self.context.get("today") or timezone.localdate()
        measured = classify(team.practitioners.all(), today)
        return MhstCapacitySerializer(
            {
                "on": today,
                "qualified_wte": measured.qualified_wte,
                "trainee_wte": measured.trainee_wte,
                "other_wte": measured.other_wte,
                "sessions_per_week": measured.sessions_per_week,
            }
        ).data


# --- allocations -------------------------------------------------------------------------------
class MhstWeightsSerializer(serializers.Serializer):
    pupils = serializers.DecimalField(source="pupils_weight", max_digits=4, decimal_places=1)
    fsm = serializers.DecimalField(source="fsm_weight", max_digits=4, decimal_places=1)
    deprivation = serializers.DecimalField(source="deprivation_weight", max_digits=4, decimal_places=1)
    referral_rate = serializers.DecimalField(source="referral_rate_weight", max_digits=4, decimal_places=1)
    readiness = serializers.DecimalField(source="readiness_weight", max_digits=4, decimal_places=1)


class MhstMethodSerializer(serializers.Serializer):
    version = serializers.IntegerField(source="number")
    weights = MhstWeightsSerializer(source="*")
    explanation = serializers.CharField()


class MhstDecisionSerializer(serializers.Serializer):
    reference = serializers.CharField(source="decision.reference", help_text="The governance decision, e.g. D0007.")
    date = serializers.SerializerMethodField(help_text="The day of the steering group meeting that decided.")
    meeting = serializers.IntegerField(source="meeting_id")
    decided_by = serializers.CharField(source="decided_by.full_name", help_text="Who recorded the decision.")

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date(self, allocation):
        return timezone.localtime(allocation.meeting.starts_at).date().isoformat()


class MhstAllocationLineSerializer(serializers.Serializer):
    school = MhstSchoolSerializer()
    need_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField(help_text="Another school has the same need score.")
    workings = serializers.JSONField(help_text="Each indicator's value, scaled value, weight and points.")
    notes = serializers.ListField(child=serializers.CharField(), help_text="Missing data and ties, in words.")
    calculated_wte = serializers.DecimalField(**WTE)
    adjusted_wte = serializers.DecimalField(allow_null=True, **WTE)
    adjustment_reason = serializers.CharField()
    share_wte = serializers.DecimalField(help_text="The adjusted share if adjusted, else the calculated.", **WTE)
    sessions_per_week = serializers.DecimalField(help_text="The share in sessions (half days) a week.", **WTE)


class MhstAllocationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = MhstTeamRefSerializer()
    partnership = serializers.CharField(source="team.partnership.slug")
    version = serializers.IntegerField(source="number")
    status = serializers.ChoiceField(choices=["approved", "superseded"], help_text="approved is the active one.")
    effective_from = serializers.DateField()
    capacity_wte = serializers.DecimalField(**WTE)
    rationale = serializers.CharField()
    method = MhstMethodSerializer()
    decision = MhstDecisionSerializer(source="*")
    lines = MhstAllocationLineSerializer(many=True)


# --- readiness ---------------------------------------------------------------------------------
class MhstReadinessItemSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ReadinessCode.choices)
    label = serializers.CharField()
    description = serializers.CharField(help_text="The checklist item's full wording.")
    status = serializers.ChoiceField(choices=ReadinessStatus.choices, help_text="A missing item reads not_started.")
    evidence = serializers.CharField()
    confirmed_by = serializers.CharField(allow_null=True, help_text="Who confirmed it (their name).")
    confirmed_at = serializers.DateTimeField(allow_null=True)


class MhstReadinessSerializer(serializers.Serializer):
    partnership = serializers.CharField()
    school = MhstSchoolSerializer()
    met = serializers.IntegerField(help_text="Items met, of the ten.")
    total = serializers.IntegerField()
    ready = serializers.BooleanField(help_text="All ten items met.")
    items = MhstReadinessItemSerializer(many=True)


# --- activity ----------------------------------------------------------------------------------
class MhstFiguresSerializer(serializers.Serializer):
    sessions = serializers.IntegerField(help_text="Pieces of activity recorded.")
    minutes = serializers.IntegerField()
    children = serializers.IntegerField(help_text="Children and young people reached (a count).")
    adults = serializers.IntegerField(help_text="Parents, carers and staff reached (a count).")


class MhstFunctionFiguresSerializer(MhstFiguresSerializer):
    function = serializers.ChoiceField(choices=Function.choices)
    label = serializers.CharField(help_text="For example 1. Evidence-based interventions.")
    title = serializers.CharField(help_text="The function's full wording.")


class MhstSchoolFiguresSerializer(MhstFiguresSerializer):
    school = MhstSchoolSerializer()


class MhstMonthFiguresSerializer(MhstFiguresSerializer):
    month = serializers.CharField(help_text="YYYY-MM.")


class MhstActivitySummarySerializer(serializers.Serializer):
    teams = MhstTeamRefSerializer(many=True, help_text="The teams counted.")
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    totals = MhstFiguresSerializer()
    by_function = MhstFunctionFiguresSerializer(many=True, help_text="All three functions, zero when none.")
    by_school = MhstSchoolFiguresSerializer(many=True)
    by_month = MhstMonthFiguresSerializer(many=True)


class MhstActivityWriteSerializer(serializers.Serializer):
    """One piece of work in a school: counts only. Any other field is refused (400 Unknown field):
    the activity log never holds a child's details."""

    team = serializers.IntegerField(help_text="Your team's id.")
    school = serializers.IntegerField(help_text="The school's id: an active member of the team's partnership.")
    practitioner = serializers.IntegerField(help_text="A practitioner of the team, in post on the date.")
    date = serializers.DateField(help_text="Not in the future.")
    function = serializers.ChoiceField(choices=Function.choices)
    type = serializers.ChoiceField(choices=ActivityType.choices)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600)
    children_reached = serializers.IntegerField(min_value=0, max_value=5000, default=0)
    adults_reached = serializers.IntegerField(min_value=0, max_value=5000, default=0)

    def validate_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The date must be today or in the past")
        return value


class MhstActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    school = serializers.IntegerField(source="school_id")
    practitioner = serializers.IntegerField(source="practitioner_id")
    date = serializers.DateField()
    function = serializers.IntegerField()
    type = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    children_reached = serializers.IntegerField()
    adults_reached = serializers.IntegerField()
    created_at = serializers.DateTimeField()
