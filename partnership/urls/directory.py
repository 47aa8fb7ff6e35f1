"""URLs for the directory of services and the sustainability plan (included from config/urls.py)."""

from django.urls import path

from ..views import directory, sustainability

P = "partnerships/<slug:slug>/"

urlpatterns = [
    path(f"{P}directory/", directory.directory_list, name="directory_list"),
    path(f"{P}directory/review/", directory.directory_review_list, name="directory_review_list"),
    path(f"{P}directory/new/", directory.directory_create, name="directory_create"),
    path(f"{P}directory/export.csv", directory.directory_export_csv, name="directory_export_csv"),
    path(f"{P}directory/export-oruk.json", directory.directory_export_oruk, name="directory_export_oruk"),
    path(f"{P}directory/<int:pk>/", directory.directory_detail, name="directory_detail"),
    path(f"{P}directory/<int:pk>/edit/", directory.directory_edit, name="directory_edit"),
    path(f"{P}directory/<int:pk>/reviewed/", directory.directory_reviewed, name="directory_reviewed"),
    path(f"{P}directory/<int:pk>/deactivate/", directory.directory_deactivate, name="directory_deactivate"),
    path(f"{P}sustainability/", sustainability.sustainability_plan, name="sustainability_plan"),
    path(f"{P}sustainability/edit/", sustainability.sustainability_edit, name="sustainability_edit"),
    path(f"{P}sustainability/funding/new/", sustainability.funding_stream_add, name="funding_stream_add"),
    path(
        f"{P}sustainability/funding/<int:pk>/remove/",
        sustainability.funding_stream_remove,
        name="funding_stream_remove",
    ),
]
