from django.urls import path

from . import governance, metrics
from .views import MeView

urlpatterns = [
    path("me/", MeView.as_view(), name="api_me"),
    path("metrics/", metrics.MetricsIndex.as_view(), name="api_metrics"),
    path("metrics/<slug:panel>/", metrics.MetricsPanel.as_view(), name="api_metrics_panel"),
    path("groups/", governance.GroupList.as_view(), name="api_groups"),
    path("groups/<int:pk>/", governance.GroupDetail.as_view(), name="api_group_detail"),
    path("actions/", governance.ActionList.as_view(), name="api_actions"),
    path("actions/<int:pk>/", governance.ActionDetail.as_view(), name="api_action_detail"),
    path("risks/", governance.RiskList.as_view(), name="api_risks"),
    path("risks/<int:pk>/", governance.RiskDetail.as_view(), name="api_risk_detail"),
    path("directory/services/", governance.DirectoryList.as_view(), name="api_directory"),
    path("directory/services/<int:pk>/", governance.DirectoryDetail.as_view(), name="api_directory_detail"),
]
