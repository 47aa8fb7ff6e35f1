from django.urls import path

from ..views import spa

P = "partnerships/<slug:slug>/referrals/"

urlpatterns = [
    path(P, spa.stub, name="referrals_home"),
    path(f"{P}rota/", spa.stub, name="referrals_rota"),
]
