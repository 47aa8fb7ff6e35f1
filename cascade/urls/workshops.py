from django.urls import path

from ..views import stub, workshops

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    path(P, workshops.cascade_home, name="cascade_home"),
    path(f"{P}workshops/<int:pk>/", stub.placeholder, name="cascade_workshop_detail"),
]
