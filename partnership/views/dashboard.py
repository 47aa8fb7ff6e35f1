"""STUB (issue 7): replaced by the dashboard pages."""

from django.http import HttpResponse


def _stub(request, *args, **kwargs):
    return HttpResponse(status=501)


index = partnership_dashboard = partnership_panel_export = partnership_board_pack = _stub
area_dashboard = area_panel_export = area_board_pack = export_job = export_job_download = _stub
