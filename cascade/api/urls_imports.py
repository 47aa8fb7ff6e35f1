"""API URL patterns for importing table scores from CSV."""

from django.urls import path

from .imports import ScoreImport

urlpatterns = [path("imports/", ScoreImport.as_view(), name="api_cascade_import")]
