from django.urls import path

from ..views import activity as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "teams/<int:team>/activity/", views.stub, name="mhst_activity"),
    path(P + "teams/<int:team>/activity/add/", views.stub, name="mhst_activity_add"),
    path(P + "teams/<int:team>/caseload/", views.stub, name="mhst_caseload"),
]
