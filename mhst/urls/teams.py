from django.urls import path

from ..views import teams as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P, views.stub, name="mhst_home"),
    path(P + "teams/<int:pk>/", views.stub, name="mhst_team"),
]
