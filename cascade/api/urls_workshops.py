"""API URL patterns (filled in by the workshops endpoints)."""

urlpatterns = []
