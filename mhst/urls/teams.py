from django.urls import path

from ..views import teams as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P, views.home, name="mhst_home"),
    path(P + "teams/add/", views.team_add, name="mhst_team_add"),
    path(P + "teams/<int:pk>/", views.team_detail, name="mhst_team"),
    path(P + "teams/<int:pk>/change/", views.team_edit, name="mhst_team_edit"),
    path(P + "teams/<int:team>/practitioners/add/", views.practitioner_add, name="mhst_practitioner_add"),
    path(P + "practitioners/<int:pk>/change/", views.practitioner_edit, name="mhst_practitioner_edit"),
    path(P + "teams/<int:team>/offer/add/", views.offer_add, name="mhst_offer_add"),
    path(P + "offer/<int:pk>/change/", views.offer_edit, name="mhst_offer_edit"),
    path(P + "teams/<int:team>/holidays/add/", views.holiday_add, name="mhst_holiday_add"),
    path(P + "holidays/<int:pk>/change/", views.holiday_edit, name="mhst_holiday_edit"),
    path(P + "holidays/<int:pk>/delete/", views.holiday_delete, name="mhst_holiday_delete"),
]
