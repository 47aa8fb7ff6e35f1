from django.urls import path

from ..views import schools as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "schools/<int:school>/", views.school, name="mhst_school"),
    path(P + "schools/<int:school>/readiness/<str:code>/", views.readiness_item, name="mhst_readiness_item"),
    path(P + "schools/<int:school>/agreements/<int:team>/", views.agreement_edit, name="mhst_agreement_edit"),
    path(P + "readiness/", views.readiness_overview, name="mhst_readiness"),
]
