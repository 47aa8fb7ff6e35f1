from django.urls import path, register_converter

from ..views import dashboard, exports


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class Area:
    regex = "commissioned|national"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "fmt")
register_converter(Area, "area")

urlpatterns = [
    path("dashboards/", dashboard.index, name="dashboard_home"),
    path("partnerships/<slug:slug>/dashboard/", dashboard.partnership_dashboard, name="dashboard"),
    path(
        "partnerships/<slug:slug>/dashboard/<slug:panel>.<fmt:fmt>",
        dashboard.partnership_panel_export,
        name="dashboard_panel_export",
    ),
    path(
        "partnerships/<slug:slug>/dashboard/board-pack/",
        exports.board_pack,
        name="dashboard_board_pack",
    ),
    path("dashboards/<area:area>/", dashboard.area_dashboard, name="dashboard_area"),
    path("dashboards/<area:area>/<slug:panel>.<fmt:fmt>", dashboard.area_panel_export, name="dashboard_area_export"),
    path("dashboards/<area:area>/board-pack/", exports.area_board_pack, name="dashboard_area_board_pack"),
    path("exports/<uuid:pk>/", exports.export_job, name="export_job"),
    path("exports/<uuid:pk>/download/", exports.export_job_download, name="export_job_download"),
]
