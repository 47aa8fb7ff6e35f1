"""The site's URLs plus W2's baseline: a trivial authenticated POST, served only by bench settings.

`POST /bench/trivial/` goes through the same middleware, session authentication, CSRF check,
JSON parsing and permission check (SUBMIT_REFERRALS, as the referral POST) as `POST
/api/v1/referrals/`, then writes one row (a SentNotification key) in a transaction and answers 201.
The referral POST's ratio to it is the cost of the referral itself (validation, numbering,
the status row, the audit event, queueing the notification).
"""

import uuid

from django.db import transaction
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500
from config.urls import urlpatterns as site_urlpatterns
from partnership.api.permissions import HasPermission
from partnership.models import SentNotification
from partnership.roles import Permission


class TrivialPost(APIView):
    permission_classes = [HasPermission(Permission.SUBMIT_REFERRALS)]

    def post(self, request):
        size = len(request.data)
        with transaction.atomic():
            SentNotification.objects.create(key=f"bench-trivial:{uuid.uuid4()}")
        return Response({"fields": size}, status=201)


urlpatterns = [path("bench/trivial/", TrivialPost.as_view(), name="bench_trivial"), *site_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
