from django.urls import path

from ..views import allocation as views

P = "partnerships/<slug:slug>/mhst/"
urlpatterns = [
    path(P + "allocation-method/", views.method, name="mhst_method"),
    path(P + "allocation-method/publish/", views.method_edit, name="mhst_method_edit"),
    path(P + "teams/<int:team>/propose/", views.propose, name="mhst_propose"),
    path(P + "allocations/<int:pk>/", views.allocation, name="mhst_allocation"),
    path(P + "allocations/<int:pk>/decide/", views.decide, name="mhst_allocation_decide"),
    path(P + "allocations/<int:pk>/withdraw/", views.withdraw, name="mhst_allocation_withdraw"),
    path(P + "allocation-lines/<int:pk>/adjust/", views.adjust, name="mhst_allocation_adjust"),
]
