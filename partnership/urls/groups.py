"""URLs for groups, terms of reference and the public pages (included from config/urls.py)."""

from django.urls import path

from ..views import groups, public

GROUP = "partnerships/<slug:slug>/groups/<int:pk>/"
TERMS = GROUP + "terms/<int:terms_pk>/"

urlpatterns = [
    path("partnerships/<slug:slug>/groups/", groups.group_list, name="group_list"),
    path("partnerships/<slug:slug>/groups/new/", groups.group_create, name="group_create"),
    path(GROUP, groups.group_detail, name="group_detail"),
    path(GROUP + "edit/", groups.group_edit, name="group_edit"),
    path(GROUP + "seats/new/", groups.group_seat_add, name="group_seat_add"),
    path(GROUP + "seats/<int:seat_pk>/end/", groups.group_seat_end, name="group_seat_end"),
    path(GROUP + "terms/new/", groups.terms_create, name="terms_create"),
    path(GROUP + "terms/compare/", groups.terms_diff, name="terms_diff"),
    path(TERMS, groups.terms_detail, name="terms_detail"),
    path(TERMS + "edit/", groups.terms_edit, name="terms_edit"),
    path(TERMS + "approve/", groups.terms_approve, name="terms_approve"),
    path(TERMS + "publish/", groups.terms_publish, name="terms_publish"),
    path(TERMS + "discard/", groups.terms_discard, name="terms_discard"),
    path("public/<slug:slug>/", public.public_partnership, name="public_partnership"),
    path("public/<slug:slug>/groups/<int:group_pk>/terms/", public.public_terms, name="public_terms"),
]
