"""URL patterns (filled in by the results pages)."""

urlpatterns = []
