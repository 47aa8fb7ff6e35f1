"""API URL patterns (filled in by the results endpoints)."""

urlpatterns = []
