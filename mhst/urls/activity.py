from django.urls import path

from ..views import activity as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "teams/<int:team>/activity/", views.activity_list, name="mhst_activity"),
    path(P + "teams/<int:team>/activity/add/", views.activity_add, name="mhst_activity_add"),
    path(P + "teams/<int:team>/activity/export/", views.activity_export, name="mhst_activity_export"),
    path(P + "teams/<int:team>/activity/import/", views.activity_import_view, name="mhst_activity_import"),
    path(P + "teams/<int:team>/activity/template/", views.activity_template, name="mhst_activity_template"),
    path(P + "activity/<int:pk>/", views.activity_edit, name="mhst_activity_edit"),
    path(P + "activity/<int:pk>/delete/", views.activity_delete, name="mhst_activity_delete"),
    path(P + "teams/<int:team>/caseload/", views.caseload, name="mhst_caseload"),
]
