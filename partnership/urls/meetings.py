"""URLs for memoranda of understanding and meetings (included from config/urls.py)."""

from django.urls import path

from ..views import meetings, mous

P = "partnerships/<slug:slug>/"

urlpatterns = [
    path(P + "mous/", mous.mou_list, name="mou_list"),
    path(P + "mous/new/", mous.mou_create, name="mou_create"),
    path(P + "mous/<int:pk>/", mous.mou_detail, name="mou_detail"),
    path(P + "mous/<int:pk>/edit/", mous.mou_edit, name="mou_edit"),
    path(P + "mous/<int:pk>/parties/add/", mous.mou_party_add, name="mou_party_add"),
    path(P + "mous/<int:pk>/parties/<int:party_pk>/remove/", mous.mou_party_remove, name="mou_party_remove"),
    path(P + "mous/<int:pk>/send/", mous.mou_send, name="mou_send"),
    path(P + "mous/<int:pk>/parties/<int:party_pk>/sign/", mous.mou_sign, name="mou_sign"),
    path(P + "mous/<int:pk>/new-version/", mous.mou_new_version, name="mou_new_version"),
    path(P + "meetings/", meetings.meeting_list, name="meeting_list"),
    path(P + "meetings/schedule/<int:group_pk>/", meetings.meeting_schedule, name="meeting_schedule"),
    path(P + "meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path(P + "meetings/<int:pk>/agenda/", meetings.meeting_agenda, name="meeting_agenda"),
    path(P + "meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path(P + "meetings/<int:pk>/attendance/", meetings.meeting_attendance, name="meeting_attendance"),
    path(P + "meetings/<int:pk>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path(P + "meetings/<int:pk>/decisions/add/", meetings.meeting_decision_add, name="meeting_decision_add"),
    path(
        P + "meetings/<int:pk>/decisions/<int:decision_pk>/edit/",
        meetings.meeting_decision_edit,
        name="meeting_decision_edit",
    ),
    path(P + "meetings/<int:pk>/actions/add/", meetings.meeting_action_add, name="meeting_action_add"),
]
