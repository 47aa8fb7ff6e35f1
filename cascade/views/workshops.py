from django.shortcuts import render

from partnership.roles import Permission
from partnership.views.common import partnership_for, scoped

from ..models import Workshop


def cascade_home(request, slug):
    partnership = partnership_for(request, slug, Permission.VIEW_CASCADE_RESULTS)
    workshops = scoped(Workshop, request, partnership, Permission.VIEW_CASCADE_RESULTS).select_related("cohort")
    return render(request, "cascade/home.jinja", {"partnership": partnership, "workshops": workshops})
