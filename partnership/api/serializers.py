from rest_framework import serializers

from ..models import Membership, Organisation, Partnership
from ..roles import Role


class PartnershipSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["slug", "name"]


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "kind"]


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class MembershipSerializer(serializers.ModelSerializer):
    partnership = PartnershipSummarySerializer()
    organisation = OrganisationSummarySerializer()
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Membership
        fields = ["partnership", "organisation", "roles"]

    def get_roles(self, membership) -> list[dict]:
        return RoleSerializer([{"code": r, "label": Role(r).label} for r in membership.roles], many=True).data


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField()
    memberships = MembershipSerializer(many=True)
