from django.urls import path

from ..views import schools as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "schools/<int:school>/", views.stub, name="mhst_school"),
    path(P + "readiness/", views.stub, name="mhst_readiness"),
]
