"""URLs for membership of the partnership and lead contacts (included from config/urls.py)."""

from django.urls import path

from ..views import leads, members

P = "partnerships/<slug:slug>/"

urlpatterns = [
    path(f"{P}members/", members.member_list, name="member_list"),
    path(f"{P}members/apply/", members.member_apply, name="member_apply"),
    path(f"{P}members/<int:pk>/", members.member_detail, name="member_detail"),
    path(f"{P}members/<int:pk>/approve/", members.member_approve, name="member_approve"),
    path(f"{P}members/<int:pk>/decline/", members.member_decline, name="member_decline"),
    path(f"{P}members/<int:pk>/lapse/", members.member_lapse, name="member_lapse"),
    path(f"{P}members/<int:pk>/leave/", members.member_leave, name="member_leave"),
    path(f"{P}members/<int:pk>/reinstate/", members.member_reinstate, name="member_reinstate"),
    path(f"{P}members/<int:pk>/lead-contacts/add/", leads.lead_add, name="lead_add"),
    path(f"{P}lead-contacts/", leads.lead_list, name="lead_list"),
    path(f"{P}lead-contacts/<int:pk>/replace/", leads.lead_replace, name="lead_replace"),
    path(f"{P}lead-contacts/<int:pk>/confirm/", leads.lead_confirm_signed_in, name="lead_confirm_signed_in"),
    path("lead-contacts/confirm/<str:token>/", leads.lead_confirm, name="lead_confirm"),
]
