"""API URL patterns for CASCADE workshops and table scores (under /api/v1/cascade/)."""

from django.urls import path

from . import workshops

urlpatterns = [
    path("workshops/", workshops.WorkshopList.as_view(), name="api_cascade_workshops"),
    path("workshops/<int:pk>/", workshops.WorkshopDetail.as_view(), name="api_cascade_workshop_detail"),
    path("tables/<int:pk>/scores/", workshops.TableScores.as_view(), name="api_cascade_table_scores"),
    path(
        "tables/<int:pk>/scores/<slug:domain_code>/",
        workshops.TableDomainScore.as_view(),
        name="api_cascade_table_domain_score",
    ),
]
