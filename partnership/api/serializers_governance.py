"""Read-only serializers for the governance API: groups, actions, risks and the directory."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Action, DirectoryService, Group, GroupMember, Rag, Risk, RiskRating, ServiceSchedule
from ..models.directory import Channel, Need, SchoolPhase, Thrive
from ..services.directory import needs_review


def _name(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


class SeatSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(help_text="The seat holder's name.")
    organisation = serializers.CharField(source="organisation.name", help_text="The organisation they represent.")
    seat_role = serializers.ChoiceField(source="role", choices=GroupMember.SeatRole.choices)

    class Meta:
        model = GroupMember
        fields = ["name", "organisation", "seat_role", "joined_on"]

    def get_name(self, seat) -> str:
        return _name(seat.user)


class GroupSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    current_seats = SeatSerializer(many=True, read_only=True, help_text="Seats held now (not those who have left).")
    published_terms_version = serializers.SerializerMethodField(
        help_text="The version number of the published terms of reference, or null when none is published."
    )

    class Meta:
        model = Group
        fields = [
            "id",
            "partnership",
            "name",
            "kind",
            "summary",
            "is_active",
            "current_seats",
            "published_terms_version",
        ]

    def get_published_terms_version(self, group) -> int | None:
        published = group.published  # prefetched by the view
        return published[0].version if published else None


class ActionSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reference = serializers.CharField(help_text="The action's stable reference, for example A0012.")
    owner_name = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="owner_organisation.name", help_text="The owner's organisation.")
    rag = serializers.ChoiceField(
        choices=Rag.choices, help_text="Red when overdue unless complete; amber when due within 14 days or at risk."
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "partnership",
            "reference",
            "title",
            "owner_name",
            "organisation",
            "due_date",
            "status",
            "rag",
            "source",
        ]

    def get_owner_name(self, action) -> str:
        return _name(action.owner)


class RiskSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    reference = serializers.CharField(help_text="The risk's stable reference, for example R003.")
    score = serializers.IntegerField(help_text="Likelihood times impact, 1 to 25.")
    rating = serializers.ChoiceField(choices=RiskRating.choices, help_text="The band of the score.")
    owner_name = serializers.SerializerMethodField()

    class Meta:
        model = Risk
        fields = [
            "id",
            "partnership",
            "reference",
            "title",
            "likelihood",
            "impact",
            "score",
            "rating",
            "owner_name",
            "review_date",
            "status",
        ]

    def get_owner_name(self, risk) -> str:
        return _name(risk.owner)


class ScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceSchedule
        fields = ["byday", "opens_at", "closes_at"]


class ProviderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DirectoryServiceSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    provider = ProviderSerializer()
    thrive_groupings = serializers.ListField(child=serializers.ChoiceField(choices=Thrive.choices))
    needs = serializers.ListField(child=serializers.ChoiceField(choices=Need.choices))
    school_phases = serializers.ListField(child=serializers.ChoiceField(choices=SchoolPhase.choices))
    channels = serializers.ListField(child=serializers.ChoiceField(choices=Channel.choices))
    schedules = ScheduleSerializer(many=True, read_only=True, help_text="Weekly opening times.")
    needs_review = serializers.SerializerMethodField(help_text="True when not reviewed for more than 12 months.")

    class Meta:
        model = DirectoryService
        fields = [
            "id",
            "partnership",
            "name",
            "description",
            "provider",
            "thrive_groupings",
            "needs",
            "min_age",
            "max_age",
            "school_phases",
            "eligibility",
            "thresholds",
            "how_to_access",
            "self_referral",
            "channels",
            "contact_name",
            "phone",
            "email",
            "website",
            "opening_hours",
            "schedules",
            "typical_wait_days",
            "is_active",
            "last_reviewed_on",
            "needs_review",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_needs_review(self, service) -> bool:
        return needs_review(service, self.context["today"])
