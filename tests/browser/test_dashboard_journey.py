"""The issue's "done when", with the demo commissioner in headless Chromium: a complete dashboard
(every panel, suppressed numbers where they are small, the footnote, when the figures were
refreshed), a CSV and an XLSX download of a panel, and a PDF board pack built by a real Celery
worker, followed on its progress page and downloaded."""

import io
import re
from pathlib import Path

import openpyxl
import pytest

from demo.personas import persona_email
from demo.seed import seed_demo
from partnership.disclosure import FOOTNOTE
from partnership.models import AuditEvent, ExportJob
from partnership.models.audit import AuditAction

from .conftest import axe_violations
from .test_personas import sign_in

PANELS = [
    "CASCADE self-assessment",
    "Referrals and waiting times",
    "Mental Health Support Teams",
    "Partnership governance",
]


@pytest.fixture
def demo(transactional_db):
    return seed_demo()


def test_the_commissioner_reads_the_dashboard_and_takes_it_to_the_board(page, live_server, demo, celery_worker):
    base = live_server.url
    page.set_default_timeout(20_000)
    sign_in(page, base, persona_email("commissioner"))
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Dashboards").click()
    index = page.locator("main").inner_text()
    assert "Westmoor CYP Mental Health Partnership" in index
    assert re.search(r"Your 2 partnerships together", index)

    page.get_by_role("link", name="Northshire CYP Mental Health Partnership").first.click()
    page.wait_for_url(f"{base}/partnerships/northshire/dashboard/")
    main = page.locator("main")
    text = main.inner_text()
    for title in PANELS:
        assert page.get_by_role("heading", name=title).is_visible(), title
    assert "*" in text  # small numbers are suppressed below national level
    assert FOOTNOTE[:60] in text
    assert "last refreshed" in text.lower()
    assert page.get_by_role("img", name=re.compile("by month", re.I)).first.is_visible()
    assert axe_violations(page) == []

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download Referrals and waiting times as CSV").click()
    body = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert "Referrals and waiting times" in body and FOOTNOTE[:60] in body
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Download Referrals and waiting times as XLSX").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    assert len(book.sheetnames) >= 2

    page.get_by_role("button", name="Request the PDF board pack").click()
    page.wait_for_url(re.compile(r".*/exports/[0-9a-f-]+/$"))
    link = page.get_by_role("link", name="Download the board pack (PDF)")
    link.wait_for(timeout=60_000)  # the page refreshes itself until the worker has built it
    with page.expect_download() as pdf_download:
        link.click()
    assert Path(pdf_download.value.path()).read_bytes()[:5] == b"%PDF-"
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE and job.progress == 100
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, actor__email=persona_email("commissioner"))
    assert exports.count() >= 4  # the two downloads, the board pack asked for and downloaded
