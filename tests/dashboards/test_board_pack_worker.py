"""The board pack end to end through a real Celery worker on the real Redis broker.

Run alone with: .venv/bin/pytest -m celery
"""

import pytest
from django.urls import reverse

from partnership.models import ExportJob

from ..conftest import sign_in, wait_for
from .fakes import install
from .pdf import pdf_text


@pytest.mark.celery
def test_a_board_pack_is_built_by_the_worker_and_downloaded(client, cast, monkeypatch, celery_worker):
    panel = install(monkeypatch)
    sign_in(client, cast.lead)
    response = client.post(reverse("dashboard_board_pack", args=["own"]), {"from": "2026-01", "to": "2026-03"})
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.DONE).exists())
    job.refresh_from_db()
    assert job.progress == 100 and panel.calls
    page = client.get(response.url)
    assert "http-equiv" not in page.text and reverse("export_job_download", args=[job.pk]) in page.text
    download = client.get(reverse("export_job_download", args=[job.pk]))
    assert download.status_code == 200
    assert "Referrals by phase" in pdf_text(download.content)
