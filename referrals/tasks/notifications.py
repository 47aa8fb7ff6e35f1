"""Stub: the notifications helper replaces it."""
