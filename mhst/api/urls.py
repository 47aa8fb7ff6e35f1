"""The MHST API under /api/v1/mhst/ (issue 6 item 8)."""

urlpatterns: list = []
