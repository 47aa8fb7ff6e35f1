from django.urls import path

from ..views import triage

P = "partnerships/<slug:slug>/referrals/triage/"
R = f"{P}<int:pk>/"

urlpatterns = [
    path(P, triage.queue, name="referrals_queue"),
    path(R, triage.detail, name="referrals_triage_detail"),
    path(f"{R}claim/", triage.claim, name="referrals_triage_claim"),
    path(f"{R}release/", triage.release, name="referrals_triage_release"),
    path(f"{R}decide/<slug:decision>/", triage.decide, name="referrals_triage_decide"),
    path(f"{R}first-contact/", triage.first_contact, name="referrals_triage_first_contact"),
    path(f"{R}close/", triage.close, name="referrals_triage_close"),
    path(f"{R}reassign/", triage.reassign, name="referrals_triage_reassign"),
    path(f"{R}message/", triage.message, name="referrals_triage_message"),
]
