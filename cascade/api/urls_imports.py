"""API URL patterns (filled in by the imports endpoints)."""

urlpatterns = []
