from django.urls import path

from ..views import scoring

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    # the live scoring page of one table
    path(f"{P}tables/<int:pk>/score/", scoring.table_score, name="cascade_table_score"),
]
