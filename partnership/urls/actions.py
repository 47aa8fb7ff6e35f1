"""URLs of the action log and the risk register (included from config/urls.py)."""

from django.urls import path

from ..views import actions, risks

P = "partnerships/<slug:slug>"

urlpatterns = [
    path(f"{P}/actions/", actions.action_list, name="action_list"),
    path(f"{P}/actions/export/", actions.action_export, name="action_export"),
    path(f"{P}/actions/new/", actions.action_create, name="action_create"),
    path(f"{P}/actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path(f"{P}/actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path(f"{P}/actions/<int:pk>/update/", actions.action_update, name="action_update"),
    path(f"{P}/risks/", risks.risk_list, name="risk_list"),
    path(f"{P}/risks/new/", risks.risk_create, name="risk_create"),
    path(f"{P}/risks/<int:pk>/", risks.risk_detail, name="risk_detail"),
    path(f"{P}/risks/<int:pk>/edit/", risks.risk_edit, name="risk_edit"),
    path(f"{P}/risks/<int:pk>/keep/", risks.risk_keep, name="risk_keep"),
    path(f"{P}/risks/<int:pk>/remove/", risks.risk_remove, name="risk_remove"),
    path(f"{P}/risks/<int:pk>/actions/new/", risks.risk_action_add, name="risk_action_add"),
]
