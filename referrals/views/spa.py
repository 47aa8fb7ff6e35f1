"""Stub views, replaced by the helper who owns this area."""

from django.http import Http404


def stub(request, **kwargs):
    raise Http404("Not built yet")
