"""CASCADE pages, under /partnerships/<slug>/cascade/ (one module per area)."""

from . import results, scoring, workshops

urlpatterns = [*workshops.urlpatterns, *scoring.urlpatterns, *results.urlpatterns]
