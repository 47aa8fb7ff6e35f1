"""URLs for this governance area (included from config/urls.py)."""

urlpatterns = []
