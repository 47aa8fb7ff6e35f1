from django.urls import path

from ..views import stub

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    # the live scoring page of one table
    path(f"{P}tables/<int:pk>/score/", stub.placeholder, name="cascade_table_score"),
]
