"""Placeholders for pages another branch is building: each branch replaces the ones it owns.
(Removed at integration: nothing may import this module once every page exists.)"""

from django.http import HttpResponse

from partnership.roles import Permission
from partnership.views.common import partnership_for


def placeholder(request, slug, **kwargs):
    partnership_for(request, slug, Permission.VIEW_CASCADE_RESULTS)
    return HttpResponse("Not built yet")
