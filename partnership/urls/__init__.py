"""URL modules, one per governance area; config/urls.py includes each."""
