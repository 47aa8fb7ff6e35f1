"""Referral pages, under /partnerships/<slug>/referrals/ (one module per area)."""

from . import school, spa, triage

urlpatterns = [*spa.urlpatterns, *school.urlpatterns, *triage.urlpatterns]
