"""Stub: replaced by this area's work."""

from django.http import Http404


def stub(request, **kwargs):
    raise Http404
