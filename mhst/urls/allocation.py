from django.urls import path

from ..views import allocation as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "allocation-method/", views.stub, name="mhst_method"),
    path(P + "teams/<int:team>/propose/", views.stub, name="mhst_propose"),
    path(P + "allocations/<int:pk>/", views.stub, name="mhst_allocation"),
]
