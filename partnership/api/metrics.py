"""STUB (issue 7): replaced by the metrics API."""

from rest_framework.response import Response
from rest_framework.views import APIView


class MetricsIndex(APIView):
    def get(self, request):
        return Response(status=501)


class MetricsPanel(APIView):
    def get(self, request, panel):
        return Response(status=501)
