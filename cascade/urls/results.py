from django.urls import path

from ..views import stub

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    # the partnership's results for a round (?round=1 or 2)
    path(f"{P}results/", stub.placeholder, name="cascade_results"),
    # one domain: the next level's guidance and the actions planned against it
    path(f"{P}domains/<slug:code>/", stub.placeholder, name="cascade_domain"),
    # plan an action at a workshop (?domain=<code> preselects the domain)
    path(f"{P}workshops/<int:pk>/actions/new/", stub.placeholder, name="cascade_plan_action"),
]
