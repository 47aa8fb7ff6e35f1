"""The referrals API under /api/v1/ (stub: the API helper replaces it)."""

urlpatterns = []
