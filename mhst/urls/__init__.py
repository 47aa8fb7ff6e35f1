"""MHST pages, under /partnerships/<slug>/mhst/ (one module per area)."""

from . import activity, allocation, metrics, schools, teams

urlpatterns = [
    *teams.urlpatterns,
    *allocation.urlpatterns,
    *schools.urlpatterns,
    *activity.urlpatterns,
    *metrics.urlpatterns,
]
