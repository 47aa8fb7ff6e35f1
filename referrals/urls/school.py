from django.urls import path

from ..views import school

P = "partnerships/<slug:slug>/referrals/school/"

urlpatterns = [
    path(P, school.school_list, name="referrals_school_list"),
    path(f"{P}new/", school.start, name="referrals_start"),
    path(f"{P}<int:pk>/", school.detail, name="referrals_school_detail"),
    path(f"{P}<int:pk>/edit/<slug:section>/", school.edit, name="referrals_school_edit"),
    path(f"{P}<int:pk>/check/", school.check, name="referrals_school_check"),
    path(f"{P}<int:pk>/submitted/", school.submitted, name="referrals_school_submitted"),
    path(f"{P}<int:pk>/answer/", school.answer, name="referrals_school_answer"),
    path(f"{P}<int:pk>/messages/", school.message, name="referrals_school_message"),
    path(f"{P}<int:pk>/delete/", school.delete, name="referrals_school_delete"),
]
