from django.urls import path

from ..views import workshops

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    path(P, workshops.cascade_home, name="cascade_home"),
]
