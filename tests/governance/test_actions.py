"""The action log: RAG (one rule in Python and SQL), pages, filters, CSV, progress, reminders."""

import csv
import datetime
import io
import time

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from partnership.models import Action, ActionUpdate, AuditEvent, Membership, Rag, SentNotification
from partnership.models.actions import rag_for
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import actions as service
from partnership.tasks import actions as tasks

from ..conftest import sign_in, wait_for
from ..factories import member
from .factories import ActionFactory, RiskFactory

pytestmark = pytest.mark.django_db

SITE = "https://cyp.example.nhs.uk"


def today():
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def organisation_of(user, partnership):
    return Membership.objects.get(user=user, partnership=partnership).organisation


def owned(partnership, owner, **fields) -> Action:
    return ActionFactory(
        partnership=partnership, owner=owner, owner_organisation=organisation_of(owner, partnership), **fields
    )


def membership_id(user, partnership) -> int:
    return Membership.objects.get(user=user, partnership=partnership).pk


# --- RAG ---------------------------------------------------------------------------------------

OFFSETS = [-30, -1, 0, 1, 13, 14, 15, 60]


def test_rag_rule_at_the_boundaries():
    t = datetime.date(2026, 3, 10)
    open_ = Action.Status.IN_PROGRESS

    def rag(offset, status=open_, at_risk=False):
        return rag_for(status=status, due_date=t + datetime.timedelta(days=offset), at_risk=at_risk, today=t)

    assert rag(-1) == Rag.RED  # overdue
    assert rag(0) == Rag.AMBER  # due today: not yet overdue
    assert rag(14) == Rag.AMBER  # within 14 days
    assert rag(15) == Rag.GREEN
    assert rag(15, at_risk=True) == Rag.AMBER
    assert rag(-1, at_risk=True) == Rag.RED
    assert rag(-1, status=Action.Status.COMPLETE) == Rag.COMPLETE
    assert rag(60, status=Action.Status.CANCELLED) == Rag.COMPLETE


def test_python_and_sql_rag_agree_for_a_grid_of_cases(cast):
    expected = {}
    for status in Action.Status.values:
        for at_risk in (False, True):
            for offset in OFFSETS:
                action = owned(cast.partnership, cast.lead, status=status, at_risk=at_risk, due_date=days(offset))
                expected[action.pk] = rag_for(status=status, due_date=action.due_date, at_risk=at_risk, today=today())
    annotated = dict(Action.objects.for_partnership(cast.partnership).with_rag(today()).values_list("pk", "rag"))
    assert annotated == {pk: rag.value for pk, rag in expected.items()}
    assert set(annotated.values()) == {r.value for r in Rag}


def test_an_action_turns_red_by_itself_when_its_due_date_passes(client, cast):
    action = owned(cast.partnership, cast.reader, due_date=days(20))
    url = reverse("action_detail", args=[cast.partnership.slug, action.pk])
    sign_in(client, cast.lead)
    html = client.get(url).content.decode()
    assert "nhsuk-tag--green" in html and "nhsuk-tag--red" not in html
    with time_machine.travel(timezone.now() + datetime.timedelta(days=21), tick=False):
        assert timezone.localdate() > action.due_date
        assert Action.objects.with_rag(timezone.localdate()).get(pk=action.pk).rag == Rag.RED
        client.logout()
        sign_in(client, cast.lead)  # the session of 21 days ago has ended
        html = client.get(url).content.decode()
        assert "nhsuk-tag--red" in html and "Red" in html
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED  # nothing stored changed


# --- the log page, filters and CSV -------------------------------------------------------------


@pytest.fixture
def log(cast):
    other_owner = member(cast.partnership, Role.STEERING_MEMBER, full_name="Olive Other")
    return {
        "red": owned(cast.partnership, cast.reader, title="Overdue training plan", due_date=days(-3)),
        "amber": owned(cast.partnership, cast.lead, title="Due soon audit", due_date=days(5)),
        "at_risk": owned(
            cast.partnership,
            other_owner,
            title="Flagged funding bid",
            due_date=days(40),
            at_risk=True,
            source=Action.Source.WORKSHOP,
            source_detail="Workshop 1",
        ),
        "green": owned(
            cast.partnership,
            cast.reader,
            title="Green leaflet",
            due_date=days(50),
            source=Action.Source.CASCADE_DOMAIN,
            source_detail="Domain A: Clarity on roles",
        ),
        "complete": owned(
            cast.partnership, cast.lead, title="Completed directory", due_date=days(-10), status=Action.Status.COMPLETE
        ),
        "other": ActionFactory(partnership=cast.other_partnership, title="Someone else's action"),
    }


def test_the_log_shows_rag_as_words_and_counts(client, cast, log):
    sign_in(client, cast.reader)
    html = client.get(reverse("action_list", args=[cast.partnership.slug])).content.decode()
    for word in ("Red", "Amber", "Green", "Complete"):
        assert word in html
    assert "nhsuk-tag--red" in html and "nhsuk-tag--orange" in html and "nhsuk-tag--green" in html
    assert "Overdue training plan" in html and "Someone else" not in html
    assert "2 actions" in html  # amber: due soon + flagged
    assert html.index("Completed directory") < html.index("Overdue training plan") < html.index("Green leaflet")
    assert "Domain A: Clarity on roles" in html
    assert "Add an action" not in html  # the reader cannot add


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"rag": "red"}, {"Overdue training plan"}),
        ({"rag": "amber"}, {"Due soon audit", "Flagged funding bid"}),
        ({"status": "complete"}, {"Completed directory"}),
        ({"source": "cascade_domain"}, {"Green leaflet"}),
        ({"mine": "on"}, {"Overdue training plan", "Green leaflet"}),
        ({"rag": "green", "mine": "on"}, {"Green leaflet"}),
    ],
)
def test_the_log_filters(client, cast, log, query, titles):
    sign_in(client, cast.reader)
    html = client.get(reverse("action_list", args=[cast.partnership.slug]), query).content.decode()
    all_titles = {a.title for a in log.values()}
    assert {t for t in all_titles if t in html} == titles


def test_the_log_filters_by_owner_and_rejects_an_unknown_owner(client, cast, log):
    sign_in(client, cast.lead)
    url = reverse("action_list", args=[cast.partnership.slug])
    html = client.get(url, {"owner": cast.lead.pk}).content.decode()
    assert "Due soon audit" in html and "Overdue training plan" not in html
    response = client.get(url, {"owner": cast.outsider.pk, "rag": "purple"})
    assert response.status_code == 200  # an invalid filter is shown, never a 500


def test_pagination_keeps_the_filters(client, cast):
    for n in range(27):
        owned(cast.partnership, cast.reader, title=f"Numbered action {n}", due_date=days(30 + n))
    sign_in(client, cast.reader)
    html = client.get(reverse("action_list", args=[cast.partnership.slug]), {"rag": "green"}).content.decode()
    assert "27 actions" in html
    assert "?rag=green&amp;page=2" in html
    page2 = client.get(reverse("action_list", args=[cast.partnership.slug]), {"rag": "green", "page": 2})
    assert "Numbered action 26" in page2.content.decode()


def test_an_empty_log_says_so(client, cast):
    sign_in(client, cast.reader)
    html = client.get(reverse("action_list", args=[cast.partnership.slug])).content.decode()
    assert "No actions match these filters." in html


def _csv(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_of_the_filtered_list_is_audited(client, cast, log):
    owned(cast.partnership, cast.reader, title='=HYPERLINK("http://evil.example")', due_date=days(-1))
    sign_in(client, cast.reader)
    response = client.get(reverse("action_export", args=[cast.partnership.slug]), {"rag": "red"})
    rows = _csv(response)
    assert rows[0][:7] == ["Reference", "Title", "Owner", "Organisation", "Due date", "Status", "RAG"]
    titles = [row[1] for row in rows[1:]]
    assert set(titles) == {"Overdue training plan", '\'=HYPERLINK("http://evil.example")'}
    assert all(row[6] == "Red" for row in rows[1:])
    assert all(row[2] == cast.reader.full_name for row in rows[1:])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == cast.reader
    assert event.detail["rows"] == 2
    assert event.detail["filters"] == {"rag": "red"}
    assert event.partnership_id == cast.partnership.pk


def test_csv_export_without_filters_lists_every_action_of_the_partnership(client, cast, log):
    sign_in(client, cast.lead)
    rows = _csv(client.get(reverse("action_export", args=[cast.partnership.slug])))
    assert len(rows) == 1 + 5
    assert "Someone else's action" not in {row[1] for row in rows}


# --- create and edit ---------------------------------------------------------------------------


def test_the_lead_adds_an_action(client, cast):
    sign_in(client, cast.lead)
    response = client.post(
        reverse("action_create", args=[cast.partnership.slug]),
        {
            "title": "Name a CYPMHS link for each secondary school",
            "description": "",
            "owner": membership_id(cast.reader, cast.partnership),
            "due_date": days(30).isoformat(),
            "source": "cascade_domain",
            "source_detail": "Domain A: Clarity on roles",
        },
    )
    action = Action.objects.get(partnership=cast.partnership)
    assert response.status_code == 302
    assert response.url == reverse("action_detail", args=[cast.partnership.slug, action.pk])
    assert action.owner == cast.reader
    assert action.owner_organisation == organisation_of(cast.reader, cast.partnership)
    assert action.reference == "A0001"
    assert action.source == Action.Source.CASCADE_DOMAIN
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(action.pk)).exists()


def test_an_owner_acting_for_two_organisations_is_picked_with_one(client, cast):
    second = member(cast.partnership, Role.STEERING_MEMBER).memberships.get().organisation
    Membership.objects.create(
        user=cast.reader, partnership=cast.partnership, organisation=second, roles=["steering_member"]
    )
    picked = Membership.objects.get(user=cast.reader, organisation=second)
    sign_in(client, cast.lead)
    html = client.get(reverse("action_create", args=[cast.partnership.slug])).content.decode()
    assert html.count(cast.reader.full_name) == 2
    client.post(
        reverse("action_create", args=[cast.partnership.slug]),
        {"title": "T", "owner": picked.pk, "due_date": days(3).isoformat(), "source": "other"},
    )
    assert Action.objects.get().owner_organisation == second


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "Enter the title"),
        ({"owner": ""}, "Select the owner"),
        ({"due_date": ""}, "Enter the due date"),
        ({"due_date": "31/02/2026"}, "Enter a real date"),
        ({"due_date": "2001-01-01"}, "The due date must be today or in the future"),
        ({"source": "risk"}, "Select the risk the action mitigates"),
        ({"source": "workshop", "source_detail": ""}, "Enter the CASCADE domain or workshop"),
        ({"source": "meeting"}, "Select where the action came from"),
    ],
)
def test_adding_an_action_shows_errors_in_the_summary(client, cast, data, message):
    sign_in(client, cast.lead)
    body = {
        "title": "T",
        "owner": membership_id(cast.reader, cast.partnership),
        "due_date": days(3).isoformat(),
        "source": "other",
    }
    response = client.post(reverse("action_create", args=[cast.partnership.slug]), {**body, **data})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert not Action.objects.exists()


def test_an_owner_from_another_partnership_cannot_be_picked(client, cast):
    sign_in(client, cast.lead)
    response = client.post(
        reverse("action_create", args=[cast.partnership.slug]),
        {
            "title": "T",
            "owner": membership_id(cast.outsider, cast.other_partnership),
            "due_date": days(3).isoformat(),
            "source": "other",
        },
    )
    assert response.status_code == 200
    assert "Select the owner from the list" in response.content.decode()


def test_editing_an_action_is_audited_with_its_changes_and_a_new_due_date_is_on_the_timeline(client, cast):
    action = owned(cast.partnership, cast.reader, title="Old title", due_date=days(10))
    sign_in(client, cast.lead)
    response = client.post(
        reverse("action_edit", args=[cast.partnership.slug, action.pk]),
        {
            "title": "New title",
            "owner": membership_id(cast.reader, cast.partnership),
            "due_date": days(20).isoformat(),
            "source": "other",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "New title" and action.due_date == days(20)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(action.pk))
    assert set(event.detail["changed"]) == {"title", "due_date"}
    assert event.detail["changed"]["title"] == ["Old title", "New title"]
    entry = ActionUpdate.objects.get(action=action)
    assert (entry.due_date_from, entry.due_date_to) == (days(10), days(20))


def test_an_overdue_action_can_be_edited_without_moving_its_due_date(client, cast):
    action = owned(cast.partnership, cast.reader, due_date=days(-5))
    sign_in(client, cast.lead)
    response = client.post(
        reverse("action_edit", args=[cast.partnership.slug, action.pk]),
        {
            "title": "Renamed",
            "owner": membership_id(cast.reader, cast.partnership),
            "due_date": days(-5).isoformat(),
            "source": "other",
        },
    )
    assert response.status_code == 302


def test_another_partnerships_action_is_404_even_under_ones_own_slug(client, cast):
    foreign = ActionFactory(partnership=cast.other_partnership)
    sign_in(client, cast.lead)
    for name in ("action_detail", "action_edit", "action_update"):
        assert client.get(reverse(name, args=[cast.partnership.slug, foreign.pk])).status_code == 404


# --- progress ----------------------------------------------------------------------------------


def test_the_owner_records_progress_and_it_appears_on_the_timeline(client, cast):
    action = owned(cast.partnership, cast.reader, due_date=days(10))
    sign_in(client, cast.reader)
    url = reverse("action_update", args=[cast.partnership.slug, action.pk])
    response = client.post(url, {"text": "Met the school leads.", "status": "in_progress", "at_risk": "on"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS and action.at_risk
    update = ActionUpdate.objects.get(action=action)
    assert update.by == cast.reader
    assert (update.status_from, update.status_to) == ("not_started", "in_progress")
    html = client.get(reverse("action_detail", args=[cast.partnership.slug, action.pk])).content.decode()
    assert "Met the school leads." in html
    assert "Status changed from Not started to In progress." in html
    assert "Flagged as at risk." in html
    assert cast.reader.full_name in html
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE, object_id=str(action.pk))
    assert event.detail["changed"]["status"] == ["not_started", "in_progress"]


def test_a_steering_member_cannot_update_an_action_they_do_not_own(client, cast):
    action = owned(cast.partnership, cast.lead)
    sign_in(client, cast.reader)
    url = reverse("action_update", args=[cast.partnership.slug, action.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "Not mine"}).status_code == 403
    assert not ActionUpdate.objects.exists()
    detail = client.get(reverse("action_detail", args=[cast.partnership.slug, action.pk])).content.decode()
    assert "Add a progress update" not in detail


def test_the_service_refuses_a_non_owner_too(cast):
    action = owned(cast.partnership, cast.lead)
    with pytest.raises(PermissionDenied):
        service.record_progress(action=action, by=cast.reader, text="Not mine")


def test_a_member_without_update_own_actions_cannot_update_even_their_own(client, cast):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    action = owned(cast.partnership, commissioner)
    sign_in(client, commissioner)
    assert client.get(reverse("action_update", args=[cast.partnership.slug, action.pk])).status_code == 403


def test_the_lead_updates_any_action(cast):
    action = owned(cast.partnership, cast.reader)
    service.record_progress(action=action, by=cast.lead, text="Chased.")
    assert ActionUpdate.objects.filter(action=action, by=cast.lead).count() == 1


def test_completing_sets_completed_at_and_reopening_clears_it(cast):
    action = owned(cast.partnership, cast.reader)
    service.record_progress(action=action, by=cast.reader, text="Done.", status=Action.Status.COMPLETE)
    action.refresh_from_db()
    assert action.completed_at is not None
    assert action.rag_on(today()) == Rag.COMPLETE
    service.record_progress(action=action, by=cast.reader, text="Reopened: one school missed.", status="in_progress")
    action.refresh_from_db()
    assert action.completed_at is None and action.status == Action.Status.IN_PROGRESS
    assert list(action.updates.values_list("status_to", flat=True)) == ["complete", "in_progress"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"text": ""}, "Enter the progress update"),
        ({"due_date": "__later__"}, "Enter the reason for the new due date"),
        ({"due_date": "2001-01-01", "reason": "x"}, "The new due date must be today or in the future"),
        ({"status": "lost"}, "Select a status"),
        ({"due_date": "not a date"}, "Enter a real date"),
    ],
)
def test_progress_errors_are_shown_in_the_summary(client, cast, data, message):
    action = owned(cast.partnership, cast.reader)
    if data.get("due_date") == "__later__":
        data = {**data, "due_date": days(90).isoformat()}
    sign_in(client, cast.reader)
    response = client.post(
        reverse("action_update", args=[cast.partnership.slug, action.pk]), {"text": "Progress", **data}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not ActionUpdate.objects.exists()


def test_a_new_due_date_with_a_reason_is_recorded(cast):
    action = owned(cast.partnership, cast.reader, due_date=days(3))
    update = service.record_progress(
        action=action, by=cast.reader, text="Slipped.", due_date=days(30), reason="Staff sickness"
    )
    action.refresh_from_db()
    assert action.due_date == days(30)
    assert (update.due_date_from, update.due_date_to) == (days(3), days(30))
    assert "Staff sickness" in update.text


def test_my_actions_lists_only_the_signed_in_users_actions(client, cast):
    owned(cast.partnership, cast.reader, title="Reader's own")
    owned(cast.partnership, cast.lead, title="Lead's own")
    sign_in(client, cast.reader)
    html = client.get(reverse("action_list", args=[cast.partnership.slug]), {"mine": "on"}).content.decode()
    assert "Reader&#39;s own" in html or "Reader's own" in html
    assert "Lead&#39;s own" not in html and "Lead's own" not in html


def test_a_mitigating_action_can_be_raised_from_a_risk(client, cast):
    risk = RiskFactory(partnership=cast.partnership)
    sign_in(client, cast.lead)
    response = client.post(
        reverse("risk_action_add", args=[cast.partnership.slug, risk.pk]),
        {"title": "Cover plan", "owner": membership_id(cast.reader, cast.partnership), "due_date": days(7).isoformat()},
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.source == Action.Source.RISK and action.source_risk == risk


# --- reminders ---------------------------------------------------------------------------------


@pytest.fixture
def site(settings):
    settings.SITE_URL = SITE


def test_reminders_are_sent_once_per_action_and_due_date(cast, site):
    soon = owned(cast.partnership, cast.reader, due_date=days(7))
    late = owned(cast.partnership, cast.lead, due_date=days(-2))
    owned(cast.partnership, cast.reader, due_date=days(8))  # not yet due soon
    owned(cast.partnership, cast.reader, due_date=days(-2), status=Action.Status.COMPLETE)  # done
    ActionFactory(partnership=cast.partnership, due_date=days(1))  # owner is no member: nobody to tell

    assert service.send_action_reminders() == 2
    assert service.send_action_reminders() == 0
    assert len(mail.outbox) == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "due on" in by_recipient[cast.reader.email].subject
    assert soon.reference in by_recipient[cast.reader.email].subject
    assert "overdue" in by_recipient[cast.lead.email].subject
    link = SITE + reverse("action_detail", args=[cast.partnership.slug, late.pk])
    assert link in by_recipient[cast.lead.email].body
    assert set(SentNotification.objects.values_list("key", flat=True)) == {
        f"action-due-soon:{soon.pk}:{soon.due_date.isoformat()}",
        f"action-overdue:{late.pk}:{late.due_date.isoformat()}",
    }
    events = AuditEvent.objects.filter(action=AuditAction.NOTIFICATION_SENT)
    assert events.count() == 2 and all(e.actor is None and e.actor_label == "system" for e in events)


def test_a_due_soon_action_later_gets_an_overdue_reminder_and_a_new_due_date_a_new_one(cast, site):
    action = owned(cast.partnership, cast.reader, due_date=days(2))
    assert service.send_action_reminders() == 1
    assert service.send_action_reminders(today=days(3)) == 1  # now overdue
    assert service.send_action_reminders(today=days(4)) == 0
    service.record_progress(
        action=action, by=cast.reader, text="New date agreed.", due_date=days(5), reason="Term dates"
    )
    assert service.send_action_reminders() == 1  # due soon again, for the new date
    assert len(mail.outbox) == 3


def test_reminders_tell_nobody_about_another_partnerships_action_or_an_inactive_owner(cast, site):
    action = owned(cast.partnership, cast.reader, due_date=days(1))
    cast.reader.is_active = False
    cast.reader.save()
    assert service.send_action_reminders() == 0
    assert action.pk  # nothing sent for a deactivated owner


@pytest.mark.celery
def test_the_reminder_task_runs_on_a_real_worker_and_is_idempotent(cast, site, celery_worker):
    action = owned(cast.partnership, cast.reader, due_date=days(-1))
    tasks.send_action_reminders.delay()
    assert wait_for(lambda: len(mail.outbox) == 1)
    tasks.send_action_reminders.delay()
    time.sleep(1.0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.reader.email]
    assert SentNotification.objects.filter(key=f"action-overdue:{action.pk}:{action.due_date.isoformat()}").exists()


def test_the_reminder_task_is_on_the_beat_schedule():
    names = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert tasks.send_action_reminders.name in names


# --- demo data ---------------------------------------------------------------------------------


def test_the_demo_action_log_and_register_cover_every_state_and_seed_once():
    from demo.seed import seed_demo

    partnership = seed_demo()
    actions = Action.objects.for_partnership(partnership)
    first = (actions.count(), ActionUpdate.objects.for_partnership(partnership).count(), partnership.risks.count())
    # the governance demo's own actions; the CASCADE demo adds the actions planned at its workshops
    assert 18 <= actions.filter(cascade_plan__isnull=True).count() <= 24
    rags = set(actions.with_rag(today()).values_list("rag", flat=True))
    assert rags == {r.value for r in Rag}
    assert actions.filter(at_risk=True, due_date__gt=days(14)).exists()  # amber because flagged
    assert {"workshop", "cascade_domain", "risk", "other"} <= set(actions.values_list("source", flat=True))
    owners = set(actions.values_list("owner__email", flat=True))
    assert {f"{p}@northshire.example" for p in ("area.lead", "steering.member", "school.lead", "duty.lead")} <= owners
    statuses = list(partnership.risks.exclude(seed_key="").values_list("status", flat=True))
    assert len(statuses) == 6 and statuses.count("proposed") == 1
    assert partnership.risks.filter(seed_key="", actions__isnull=False).distinct().count() == 2
    seed_demo()
    assert (
        actions.count(),
        ActionUpdate.objects.for_partnership(partnership).count(),
        partnership.risks.count(),
    ) == first
