"""URL patterns (filled in by the scoring pages)."""

urlpatterns = []
