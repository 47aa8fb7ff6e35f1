from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.response import Response
from rest_framework.views import APIView

from ..middleware import content_security_policy
from .permissions import IsSignedIn
from .schema import UNAUTHENTICATED
from .serializers import MeSerializer


class MeView(APIView):
    """The caller's account, memberships and roles."""

    permission_classes = [IsSignedIn]

    @extend_schema(responses={200: MeSerializer, 401: UNAUTHENTICATED}, operation_id="me")
    def get(self, request):
        user = request.user
        data = {"email": user.email, "full_name": user.full_name, "memberships": list(user.active_memberships())}
        return Response(MeSerializer(data).data)


# The one <style> element Swagger UI (drf-spectacular-sidecar's bundle) adds at run time, allowed by
# its hash rather than with 'unsafe-inline'. Widget styles set from script (element.style) are not
# restricted by style-src. If a sidecar upgrade changes the element, the browser blocks it (the
# console names the new hash) and the page still works: tests/browser/test_csp.py notices.
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its initialiser served as a separate script, so the strict CSP holds for
    scripts; styles are the bundle's stylesheet and one inline <style> allowed by its hash."""

    schema = None  # not part of the API it documents

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = content_security_policy(
            getattr(request, "csp_nonce", ""), style_src=f"'self' {SWAGGER_UI_STYLE_HASH}"
        )
        return response
