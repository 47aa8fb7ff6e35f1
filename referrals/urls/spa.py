from django.urls import path

from ..views import spa

P = "partnerships/<slug:slug>/referrals/"

urlpatterns = [
    path(P, spa.home, name="referrals_home"),
    path(f"{P}set-up/", spa.spa_setup, name="referrals_spa_setup"),
    path(f"{P}settings/", spa.spa_edit, name="referrals_spa_edit"),
    path(f"{P}reasons/", spa.reason_list, name="referrals_reasons"),
    path(f"{P}reasons/new/", spa.reason_add, name="referrals_reason_add"),
    path(f"{P}reasons/<int:pk>/", spa.reason_edit, name="referrals_reason_edit"),
    path(f"{P}reasons/<int:pk>/active/", spa.reason_active, name="referrals_reason_active"),
    path(f"{P}reasons/<int:pk>/move/", spa.reason_move, name="referrals_reason_move"),
    path(f"{P}rota/", spa.rota_week, name="referrals_rota"),
    path(f"{P}rota/shifts/new/", spa.shift_add, name="referrals_shift_add"),
    path(f"{P}rota/shifts/<int:pk>/", spa.shift_edit, name="referrals_shift_edit"),
    path(f"{P}rota/shifts/<int:pk>/delete/", spa.shift_delete, name="referrals_shift_delete"),
]
