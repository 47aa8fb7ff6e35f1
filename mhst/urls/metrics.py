from django.urls import path

from ..views import metrics as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "coverage/", views.coverage, name="mhst_coverage"),
    path(P + "activity-figures/", views.activity_figures, name="mhst_metrics"),
]
