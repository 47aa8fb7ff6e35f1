from django.urls import path

from ..views import attendance, workshops

P = "partnerships/<slug:slug>/cascade/"

urlpatterns = [
    # the CASCADE landing page: cohorts with their round 1 and round 2 workshops
    path(P, workshops.cascade_home, name="cascade_home"),
    path(f"{P}cohorts/new/", workshops.cascade_cohort_create, name="cascade_cohort_create"),
    # ?cohort=<pk> preselects the cohort (and its next round)
    path(f"{P}workshops/new/", workshops.cascade_workshop_create, name="cascade_workshop_create"),
    path(f"{P}workshops/<int:pk>/", workshops.cascade_workshop_detail, name="cascade_workshop_detail"),
    path(f"{P}workshops/<int:pk>/edit/", workshops.cascade_workshop_edit, name="cascade_workshop_edit"),
    path(f"{P}workshops/<int:pk>/close/", workshops.cascade_workshop_close, name="cascade_workshop_close"),
    path(f"{P}workshops/<int:pk>/reopen/", workshops.cascade_workshop_reopen, name="cascade_workshop_reopen"),
    path(f"{P}workshops/<int:pk>/tables/new/", workshops.cascade_table_create, name="cascade_table_create"),
    path(f"{P}tables/<int:pk>/edit/", workshops.cascade_table_edit, name="cascade_table_edit"),
    # attendance of one workshop
    path(
        f"{P}workshops/<int:pk>/attendance/", attendance.cascade_workshop_attendance, name="cascade_workshop_attendance"
    ),
    path(f"{P}workshops/<int:pk>/attendance/new/", attendance.cascade_attendee_add, name="cascade_attendee_add"),
    path(f"{P}attendance/<int:pk>/edit/", attendance.cascade_attendee_edit, name="cascade_attendee_edit"),
    path(f"{P}attendance/<int:pk>/remove/", attendance.cascade_attendee_remove, name="cascade_attendee_remove"),
    # the partnership's attendance: representation against the target mix, follow-up lists
    path(f"{P}attendance/", attendance.cascade_attendance_report, name="cascade_attendance_report"),
    path(f"{P}attendance/follow-up.csv", attendance.cascade_follow_up_export, name="cascade_follow_up_export"),
    path(f"{P}attendance/targets/", attendance.cascade_targets, name="cascade_targets"),
]
