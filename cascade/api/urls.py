"""The CASCADE API, under /api/v1/cascade/ (one module per area)."""

from . import urls_imports, urls_results, urls_workshops

urlpatterns = [*urls_workshops.urlpatterns, *urls_results.urlpatterns, *urls_imports.urlpatterns]
