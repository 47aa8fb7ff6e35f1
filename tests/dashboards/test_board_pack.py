"""The PDF board pack (issue 7 item 3): asked for from the dashboard, built by a Celery task with its
progress on an ExportJob, watched and downloaded by its requester only."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from partnership.dashboards import boardpack
from partnership.dashboards.service import ShownPanel
from partnership.disclosure import disclose
from partnership.figures import Filters, Level, Scope
from partnership.models import AuditEvent, ExportJob, OrganisationKind
from partnership.models.audit import AuditAction
from partnership.roles import Permission, Role
from partnership.tasks import build_board_pack

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipOrganisationFactory, UserFactory, member
from .fakes import FakePanel, install
from .pdf import pdf_text

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime.datetime(2026, 6, 15, 10, 0))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def panel(monkeypatch):
    return install(monkeypatch)


@pytest.fixture
def queued(monkeypatch):
    """Board-pack job ids handed to the broker, instead of Redis."""
    from partnership import outbox

    sent = []

    def publish(task, args, kwargs):
        if task == build_board_pack.name:
            sent.extend(args)

    monkeypatch.setattr(outbox, "_publish", publish)
    return sent


def _shown(compute: FakePanel, national=False) -> ShownPanel:
    figures = compute(None, None)
    tables = tuple(disclose(t, national=national) for t in figures.tables)
    return ShownPanel("fake", "Fake referrals", "Made up.", tables, figures.refreshed_at, figures.notes)


# --- the PDF -------------------------------------------------------------------------------------------
def test_the_pdf_has_a_cover_and_each_panel_with_suppressed_values_as_stars():
    scope = Scope(Level.PARTNERSHIP, (1,), "Northshire CYP Mental Health Partnership")
    filters = Filters(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), "Primary")
    content = boardpack.build_pdf(
        scope=scope, filters=filters, panels=[_shown(FakePanel())], generated_at=NOW, school="Hill Primary"
    )
    text = pdf_text(content)
    for expected in (
        "Dashboard board pack",
        "Northshire CYP Mental Health Partnership",
        "Period: January 2026 to March 2026",
        "School phase: Primary",
        "School: Hill Primary",
        "Made on 15 June 2026 at 10:00",
        "Figures last refreshed: 1 April 2026 at 06:30",
        "a count of 1 to 7 shows as *",  # the footnote
        "Fake referrals",
        "Referrals by phase",
        "Chart: Referrals by phase",
        "Referrals: * (suppressed)",  # the chart labels a suppressed value, and draws no bar
        "Referrals: 10",
        "100.0%",
        "21 days",
        "Staff",
    ):
        assert expected in text, expected
    lines = text.splitlines()
    primary = lines.index("Primary")
    assert lines[primary : primary + 6] == ["Primary", "*", "*", "*", "*", "Red"]
    total = lines.index("Total")
    assert lines[total : total + 5] == ["Total", "15", "10", "66.7%", "19 days"]  # from the raw figures
    assert "\n3\n" not in text and "\n12\n" not in text  # no raw small or unrounded count


def test_the_national_pack_says_its_numbers_are_not_suppressed():
    scope = Scope(Level.NATIONAL, (1, 2), "England (all partnerships)")
    filters = Filters(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    text = pdf_text(
        boardpack.build_pdf(scope=scope, filters=filters, panels=[_shown(FakePanel(), True)], generated_at=NOW)
    )
    assert "Period: March 2026" in text and "without small-number suppression" in text
    lines = text.splitlines()
    assert lines[lines.index("Primary") : lines.index("Primary") + 3] == ["Primary", "3", "2"]


def test_an_empty_pack_says_so():
    scope = Scope(Level.COMMISSIONER, (1,), "Your partnership")
    filters = Filters(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    text = pdf_text(boardpack.build_pdf(scope=scope, filters=filters, panels=[], generated_at=NOW))
    assert "There are no dashboard panels you may read" in text
    assert "Figures computed when the pack was made" in text


def test_progress_is_reported_after_each_panel(cast, monkeypatch):
    from partnership import registry

    install(monkeypatch)
    registry.register_dashboard_panel(
        registry.DashboardPanel("second", "Second panel", Permission.VIEW_DASHBOARDS, compute=FakePanel(), order=2)
    )
    calls = []
    scope = Scope(Level.PARTNERSHIP, (cast.partnership.pk,), "x")
    filters = Filters(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    panels = boardpack.shown_panels_with_progress(cast.lead, scope, filters, lambda *a: calls.append(a))
    assert [p.key for p in panels] == ["fake", "second"]
    assert calls == [(1, 2, "Fake referrals"), (2, 2, "Second panel")]


# --- the task ------------------------------------------------------------------------------------------
def _job(user, **params) -> ExportJob:
    defaults = {
        "level": "partnership",
        "partnership_ids": [],
        "from": "2026-01",
        "to": "2026-03",
        "phase": "",
        "school": None,
    }
    return ExportJob.objects.create(
        requested_by=user, kind=ExportJob.Kind.BOARD_PACK, title="Board pack", params={**defaults, **params}
    )


def test_the_task_builds_the_pack_and_a_done_job_is_not_rebuilt(cast, panel):
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own")
    assert build_board_pack(str(job.pk)) == "done"
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == ("done", 100, "Ready to download")
    assert job.filename == "board-pack-own-2026-01-to-2026-03.pdf" and job.content_type == "application/pdf"
    assert job.finished_at == NOW
    assert "Fake referrals" in pdf_text(bytes(job.content))
    scope, filters = panel.calls[-1]
    assert scope.partnership_ids == (cast.partnership.pk,)
    assert filters == Filters(datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    calls = len(panel.calls)
    assert build_board_pack(str(job.pk)) == "done"
    assert len(panel.calls) == calls  # not rebuilt


def test_the_task_refuses_when_the_requester_no_longer_reads_the_dashboard(cast, panel):
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own")
    cast.lead.memberships.update(roles=[Role.STEERING_MEMBER.value])
    assert build_board_pack(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.message == "You can no longer read or download these figures."
    assert panel.calls == [] and not job.content


def test_a_failure_is_recorded_with_a_message_and_logged_without_details(cast, monkeypatch, caplog):
    compute = install(monkeypatch)
    compute.rows = None  # the panel blows up
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own")
    assert build_board_pack(str(job.pk)) == "failed"
    job.refresh_from_db()
    assert job.status == "failed" and job.message.startswith("Something went wrong")
    assert str(job.pk) in caplog.text


def test_a_missing_job_is_ignored():
    assert build_board_pack("00000000-0000-0000-0000-000000000000") == "missing"


def test_the_task_acks_late_and_takes_only_the_id():
    assert build_board_pack.name == "partnership.tasks.build_board_pack"
    assert build_board_pack.acks_late is True


# --- asking for it ----------------------------------------------------------------------------------------
def test_an_area_lead_asks_for_a_pack_from_the_dashboard(
    client, cast, panel, queued, django_capture_on_commit_callbacks
):
    sign_in(client, cast.lead)
    url = reverse("dashboard_board_pack", args=["own"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"from": "2026-01", "to": "2026-03", "phase": "Primary", "school": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("export_job", args=[job.pk])
    assert queued == [str(job.pk)]
    assert job.requested_by == cast.lead and job.status == "queued"
    assert job.params == {
        "level": "partnership",
        "partnership_ids": [cast.partnership.pk],
        "slug": "own",
        "from": "2026-01",
        "to": "2026-03",
        "phase": "Primary",
        "school": None,
    }
    assert job.title == f"Board pack: {cast.partnership.name}, January 2026 to March 2026"
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor, event.object_id, event.partnership_id) == (cast.lead, str(job.pk), cast.partnership.pk)
    assert event.detail["export"] == "board_pack" and event.detail["requested"] is True


def test_an_area_lead_may_ask_for_one_school(client, cast, panel, queued):
    school = OrganisationFactory(kind=OrganisationKind.PRIMARY)
    PartnershipOrganisationFactory(partnership=cast.partnership, organisation=school)
    sign_in(client, cast.lead)
    client.post(reverse("dashboard_board_pack", args=["own"]), {"school": str(school.pk)})
    job = ExportJob.objects.get()
    assert job.params["school"] == school.pk
    build_board_pack(str(job.pk))
    job.refresh_from_db()
    assert f"School: {school.name}" in pdf_text(bytes(job.content))
    assert panel.calls[-1][1].school_id == school.pk


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"from": "2026-13"}, "Enter the 'from' month"),
        ({"from": "2026-05", "to": "2026-01"}, "must be the same as or after"),
        ({"phase": "Nonsense"}, "Select a valid choice"),
    ],
)
def test_bad_filters_go_back_to_the_dashboard_with_the_error(client, cast, panel, queued, data, words):
    sign_in(client, cast.lead)
    response = client.post(reverse("dashboard_board_pack", args=["own"]), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("dashboard", args=["own"]) + "?")
    assert ExportJob.objects.count() == 0 and queued == []
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(words in m for m in messages), messages


def test_a_commissioner_may_not_filter_by_school(client, cast, panel, queued):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    sign_in(client, commissioner)
    response = client.post(reverse("dashboard_board_pack", args=["own"]), {"school": "1"})
    assert response.status_code == 302 and ExportJob.objects.count() == 0
    assert any("Only an area lead" in str(m) for m in response.wsgi_request._messages)


def test_who_may_ask_for_a_partnership_pack(client, cast, panel, queued):
    url = reverse("dashboard_board_pack", args=["own"])
    sign_in(client, cast.outsider)
    assert client.post(url).status_code == 404
    client.logout()
    sign_in(client, cast.reader)  # sees the partnership, reads no dashboards
    assert client.post(url).status_code == 403
    client.logout()
    duty_lead = member(cast.partnership, Role.DUTY_LEAD, totp=True)  # reads dashboards, may not export
    sign_in(client, duty_lead)
    assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert ExportJob.objects.count() == 0


def test_area_packs_commissioned_and_national(client, cast, panel, queued):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    sign_in(client, commissioner)
    assert (
        client.post(reverse("dashboard_area_board_pack", args=["national"])).status_code == 404
    )  # like the dashboard: only national readers know it is there
    assert client.post(reverse("dashboard_area_board_pack", args=["commissioned"])).status_code == 302
    job = ExportJob.objects.get()
    assert job.params["level"] == "commissioner" and job.params["area"] == "commissioned"
    client.logout()
    national = UserFactory(reads_national_dashboard=True)  # no EXPORT_AGGREGATES anywhere: not needed
    sign_in(client, national)
    assert client.post(reverse("dashboard_area_board_pack", args=["commissioned"])).status_code == 403
    assert client.post(reverse("dashboard_area_board_pack", args=["national"])).status_code == 302
    job = ExportJob.objects.get(requested_by=national)
    assert job.params["level"] == "national"
    build_board_pack(str(job.pk))
    job.refresh_from_db()
    assert job.status == "done" and "without small-number suppression" in pdf_text(bytes(job.content))


def test_when_the_broker_is_down_the_job_stays_queued_and_the_page_says_so(
    client, cast, panel, broker_down, django_capture_on_commit_callbacks
):
    sign_in(client, cast.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard_board_pack", args=["own"]))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "queued" and "could not be started" in job.message
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Not started yet" in page.text and "Try again" in page.text
    assert f'action="{reverse("dashboard_board_pack", args=["own"])}"' in page.text


# --- watching and downloading -------------------------------------------------------------------------------
def test_the_job_page_shows_progress_and_refreshes_while_waiting(client, cast):
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own")
    ExportJob.objects.filter(pk=job.pk).update(status="running", progress=45, message="Worked out Fake (1 of 2 panels)")
    sign_in(client, cast.lead)
    page = client.get(reverse("export_job", args=[job.pk]))
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in page.text
    assert '<progress id="progress" max="100" value="45">45%</progress>' in page.text
    assert "Being built: 45% done." in page.text and "Worked out Fake (1 of 2 panels)" in page.text
    assert "Download" not in page.text


def test_the_job_page_links_the_download_when_done_and_offers_try_again_when_failed(client, cast, panel):
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own", phase="Primary")
    build_board_pack(str(job.pk))
    sign_in(client, cast.lead)
    page = client.get(reverse("export_job", args=[job.pk]))
    assert "http-equiv" not in page.text
    assert reverse("export_job_download", args=[job.pk]) in page.text and "Try again" not in page.text
    ExportJob.objects.filter(pk=job.pk).update(status="failed", message="It broke.")
    page = client.get(reverse("export_job", args=[job.pk]))
    assert "The board pack was not made" in page.text and "It broke." in page.text
    assert "Try again" in page.text and 'name="phase" value="Primary"' in page.text
    assert reverse("export_job_download", args=[job.pk]) not in page.text


def test_only_the_requester_sees_or_downloads_a_job(client, cast, panel):
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own")
    build_board_pack(str(job.pk))
    colleague = member(cast.partnership, Role.AREA_LEAD)
    sign_in(client, colleague)
    assert client.get(reverse("export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 404


def test_the_download_is_an_audited_attachment(client, cast, panel):
    job = _job(cast.lead, partnership_ids=[cast.partnership.pk], slug="own")
    sign_in(client, cast.lead)
    not_yet = client.get(reverse("export_job_download", args=[job.pk]))
    assert not_yet.status_code == 302 and not_yet.url == reverse("export_job", args=[job.pk])
    build_board_pack(str(job.pk))
    response = client.get(reverse("export_job_download", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="board-pack-own-2026-01-to-2026-03.pdf"'
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["downloaded"] is True and event.object_id == str(job.pk)
    assert event.partnership_id == cast.partnership.pk
    # a requester who has lost the role cannot take it away any more
    cast.lead.memberships.update(roles=[Role.STEERING_MEMBER.value])
    assert client.get(reverse("export_job_download", args=[job.pk])).status_code == 403
