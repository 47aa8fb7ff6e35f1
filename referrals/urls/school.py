from django.urls import path

from ..views import school

P = "partnerships/<slug:slug>/referrals/school/"

urlpatterns = [
    path(P, school.stub, name="referrals_school_list"),
    path(f"{P}new/", school.stub, name="referrals_start"),
    path(f"{P}<int:pk>/", school.stub, name="referrals_school_detail"),
]
