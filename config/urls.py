from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from partnership import views
from partnership.api.views import ApiDocsView

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("healthz", views.healthz, name="healthz"),  # liveness
    path("readyz", views.kernel.readyz, name="readyz"),  # readiness (docs/operations.md)
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/<slug:slug>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<slug:slug>/edit/", views.partnership_edit, name="partnership_edit"),
    path("", include("partnership.urls.members")),
    path("", include("partnership.urls.groups")),
    path("", include("partnership.urls.meetings")),
    path("", include("partnership.urls.actions")),
    path("", include("partnership.urls.directory")),
    path("", include("partnership.urls.dashboard")),
    path("", include("cascade.urls")),
    path("", include("referrals.urls")),
    path("", include("mhst.urls")),
    path("account/", views.account, name="account"),
    path("account/api-tokens/", views.api_tokens, name="api_tokens"),
    path("account/api-tokens/<str:token_key>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    # Email addresses are managed by administrators: allauth's self-service email page is not offered.
    path("accounts/email/", views.not_offered, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("partnership.api.urls")),
    path("api/v1/cascade/", include("cascade.api.urls")),
    path("api/v1/", include("referrals.api.urls")),
    path("api/v1/mhst/", include("mhst.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api_schema"), name="api_docs"),
]

handler400 = "partnership.views.bad_request"
handler403 = "partnership.views.permission_denied"
handler404 = "partnership.views.page_not_found"
handler500 = "partnership.views.server_error"
