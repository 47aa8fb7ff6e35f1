"""The MHST API under /api/v1/mhst/ (issue 6 item 8)."""

from django.urls import path

from . import views

urlpatterns = [
    path("teams/", views.TeamList.as_view(), name="api_mhst_teams"),
    path("teams/<int:pk>/", views.TeamDetail.as_view(), name="api_mhst_team"),
    path("allocations/", views.AllocationList.as_view(), name="api_mhst_allocations"),
    path("allocations/<int:pk>/", views.AllocationDetail.as_view(), name="api_mhst_allocation"),
    path("readiness/", views.ReadinessList.as_view(), name="api_mhst_readiness"),
    path("activity/", views.ActivityCreate.as_view(), name="api_mhst_activity"),
    path("activity/summary/", views.ActivitySummary.as_view(), name="api_mhst_activity_summary"),
]
