"""The referrals API under /api/v1/ (issue 5 item 8): the queue and a school's new referral, one
referral, its history and its transitions, and the reference lists."""

from django.urls import path

from . import actions, export, reference, views

urlpatterns = [
    path("referrals/", views.ReferralListCreate.as_view(), name="api_referrals"),
    path("referrals/export/", export.ReferralExport.as_view(), name="api_referrals_export"),
    path("referrals/<int:pk>/", views.ReferralDetail.as_view(), name="api_referral_detail"),
    path("referrals/<int:pk>/history/", views.ReferralHistory.as_view(), name="api_referral_history"),
    path("referrals/<int:pk>/claim/", actions.Claim.as_view(), name="api_referral_claim"),
    path("referrals/<int:pk>/release/", actions.Release.as_view(), name="api_referral_release"),
    path("referrals/<int:pk>/triage/", actions.Triage.as_view(), name="api_referral_triage"),
    path(
        "referrals/<int:pk>/request-information/",
        actions.RequestInformation.as_view(),
        name="api_referral_request_information",
    ),
    path("referrals/<int:pk>/first-contact/", actions.FirstContact.as_view(), name="api_referral_first_contact"),
    path("referrals/<int:pk>/close/", actions.Close.as_view(), name="api_referral_close"),
    path("reference/thrive-groupings/", reference.ThriveGroupings.as_view(), name="api_reference_thrive"),
    path("reference/not-accepted-reasons/", reference.NotAcceptedReasons.as_view(), name="api_reference_reasons"),
    path("reference/services/", reference.Services.as_view(), name="api_reference_services"),
]
