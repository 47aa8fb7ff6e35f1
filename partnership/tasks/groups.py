"""Celery tasks for this area (see partnership/tasks/__init__.py)."""
