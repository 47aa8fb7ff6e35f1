"""Serializers for the CASCADE workshops and table scores API."""

from rest_framework import serializers

from ..models import DomainScore, ScoringTable, Workshop
from ..services.scoring import NOTE_MAX_LENGTH, SCORE_MESSAGE

NOTE_HELP = "Leave out (or send null) to keep the current text; send an empty string to clear it."


class TableSerializer(serializers.ModelSerializer):
    organisations = serializers.SerializerMethodField(help_text="The organisations at the table, by name.")
    scored_domains = serializers.SerializerMethodField(help_text="How many domains the table has scored.")

    class Meta:
        model = ScoringTable
        fields = ["id", "label", "organisations", "scored_domains"]

    def get_organisations(self, table) -> list[str]:
        return sorted(org.name for org in table.organisations.all())

    def get_scored_domains(self, table) -> int:
        return len(table.scores.all())


class WorkshopSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cohort = serializers.CharField(source="cohort.name", help_text="The cohort's name.")
    framework = serializers.SerializerMethodField(help_text="The framework the workshop is scored on.")
    tables = TableSerializer(many=True, read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "id",
            "partnership",
            "cohort",
            "round",
            "held_on",
            "venue",
            "status",
            "closed_at",
            "framework",
            "tables",
        ]

    def get_framework(self, workshop) -> str:
        return f"{workshop.framework.code} {workshop.framework.version}"


class DomainScoreSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="domain.code", help_text="The domain's code, for example clarity.")
    domain_title = serializers.CharField(source="domain.title")
    level = serializers.SerializerMethodField(help_text="The label of the level scored, for example Gold standard.")

    class Meta:
        model = DomainScore
        fields = [
            "domain",
            "domain_title",
            "score",
            "level",
            "what_works",
            "what_gets_in_the_way",
            "evidence",
            "updated_at",
        ]

    def get_level(self, score) -> str:
        return self.context["levels"].get(score.score, "")


class SavedScoreSerializer(DomainScoreSerializer):
    changed = serializers.BooleanField(
        help_text="False when the score and notes were already saved with these values (nothing was written)."
    )

    class Meta(DomainScoreSerializer.Meta):
        fields = [*DomainScoreSerializer.Meta.fields, "changed"]


def _note():
    return serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        trim_whitespace=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=NOTE_HELP,
        error_messages={"max_length": f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer"},
    )


class ScoreWriteSerializer(serializers.Serializer):
    """The body of PUT .../scores/{domain}/: the level (0-3) and optionally the three notes."""

    score = serializers.IntegerField(
        min_value=0,
        max_value=3,
        help_text="0 Major challenge, 1 Good elements of practice, 2 Widespread good practice, 3 Gold standard.",
        error_messages={
            "required": SCORE_MESSAGE,
            "null": SCORE_MESSAGE,
            "invalid": SCORE_MESSAGE,
            "min_value": SCORE_MESSAGE,
            "max_value": SCORE_MESSAGE,
            "max_string_length": SCORE_MESSAGE,
        },
    )
    what_works = _note()
    what_gets_in_the_way = _note()
    evidence = _note()


class ErrorSerializer(serializers.Serializer):
    """An error: messages keyed by the field they concern (`score`, `domain`, a note, or `workshop`)."""

    score = serializers.ListField(child=serializers.CharField(), required=False)
    domain = serializers.ListField(child=serializers.CharField(), required=False)
    workshop = serializers.ListField(child=serializers.CharField(), required=False)
