from django.urls import path

from ..views import triage

P = "partnerships/<slug:slug>/referrals/triage/"

urlpatterns = [
    path(P, triage.stub, name="referrals_queue"),
    path(f"{P}<int:pk>/", triage.stub, name="referrals_triage_detail"),
]
