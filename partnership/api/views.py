from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .permissions import IsSignedIn
from .serializers import MeSerializer


class MeView(APIView):
    """The caller's account, memberships and roles."""

    permission_classes = [IsSignedIn]

    @extend_schema(responses=MeSerializer, operation_id="me")
    def get(self, request):
        user = request.user
        data = {"email": user.email, "full_name": user.full_name, "memberships": list(user.active_memberships())}
        return Response(MeSerializer(data).data)
