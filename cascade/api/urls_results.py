"""API URL patterns of CASCADE results."""

from django.urls import path

from . import results

urlpatterns = [
    path("partnerships/<slug:slug>/results/", results.PartnershipResults.as_view(), name="api_cascade_results"),
]
