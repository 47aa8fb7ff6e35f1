"""The activity pages: quick entry with its defaults, the log's filters, totals (against hand
calculations) and CSV download, corrections and deletion, and the caseload."""

import csv
import datetime
import io
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from mhst.models import Activity, ActivityType
from partnership.models import AuditEvent
from partnership.models.audit import AuditAction
from partnership.models.directory import Thrive
from referrals.models import Referral, Status

from ..conftest import sign_in
from ..referrals.factories import spa_in
from .factories import add_practitioner, log_activity, make_world, today

pytestmark = pytest.mark.django_db

JUNK = "\u00b2<script>'\"=1+1"


@pytest.fixture
def world():
    return make_world()


def team_url(world, name, team=None):
    return reverse(name, args=[world.partnership.slug, (team or world.team).pk])


def valid_post(world, **overrides):
    data = {
        "date": today().isoformat(),
        "school": world.school.pk,
        "practitioner": world.practitioner.pk,
        "function": "1",
        "type": "group",
        "duration_minutes": "50",
        "children_reached": "7",
        "adults_reached": "",
    }
    data.update(overrides)
    return data


# --- quick entry --------------------------------------------------------------------------------------


def test_quick_entry_defaults_to_today_and_the_users_own_post(client, world):
    sign_in(client, world.practitioner_user)
    page = client.get(team_url(world, "mhst_activity_add")).content.decode()
    assert f'value="{today().isoformat()}"' in page
    assert selected(page, world.practitioner.pk)
    assert "Save and add another" in page
    assert 'inputmode="numeric"' in page


def test_quick_entry_remembers_the_last_school_function_and_type(client, world):
    log_activity(
        world.team, world.other_school, world.practitioner, world.practitioner_user, function=2, type="assembly"
    )
    sign_in(client, world.practitioner_user)
    page = client.get(team_url(world, "mhst_activity_add")).content.decode()
    assert selected(page, world.other_school.pk)
    assert selected(page, "assembly")
    assert checked(page, 2)


def test_save_and_add_another_keeps_the_date_and_comes_back(client, world):
    sign_in(client, world.practitioner_user)
    day = today() - datetime.timedelta(days=3)
    response = client.post(team_url(world, "mhst_activity_add"), valid_post(world, date=day.isoformat(), another="1"))
    assert response.status_code == 302
    assert response.url == team_url(world, "mhst_activity_add") + f"?date={day.isoformat()}"
    activity = Activity.objects.get()
    assert (activity.recorded_by, activity.children_reached, activity.adults_reached) == (world.practitioner_user, 7, 0)
    page = client.get(response.url).content.decode()
    assert "Saved: group session at" in page
    assert f'value="{day.isoformat()}"' in page


def test_save_returns_to_the_log(client, world):
    sign_in(client, world.manager)
    response = client.post(team_url(world, "mhst_activity_add"), valid_post(world))
    assert response.status_code == 302
    assert response.url == team_url(world, "mhst_activity")


def test_quick_entry_shows_the_services_refusals_in_the_error_summary(client, world):
    sign_in(client, world.manager)
    future = (today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        team_url(world, "mhst_activity_add"),
        valid_post(world, date=future, duration_minutes="700", children_reached="0"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The date of the activity must be today or in the past" in page
    assert "Duration must be between 1 and 600 minutes" in page
    assert not Activity.objects.exists()


def test_quick_entry_with_an_empty_or_junk_post_shows_errors_not_a_500(client, world):
    sign_in(client, world.manager)
    for data in ({}, dict.fromkeys(valid_post(world), JUNK)):
        response = client.post(team_url(world, "mhst_activity_add"), data)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    assert not Activity.objects.exists()


def test_quick_entry_refuses_another_teams_practitioner(client, world):
    stranger = add_practitioner(world.other_team, name="Olu Other")
    sign_in(client, world.manager)
    response = client.post(team_url(world, "mhst_activity_add"), valid_post(world, practitioner=stranger.pk))
    assert "Select a practitioner from the list" in response.content.decode()
    assert not Activity.objects.exists()


def test_a_junk_date_in_the_query_is_ignored(client, world):
    sign_in(client, world.manager)
    for value in (JUNK, "2999-01-01", "1900-01-01"):
        page = client.get(team_url(world, "mhst_activity_add"), {"date": value}).content.decode()
        assert f'value="{today().isoformat()}"' in page


# --- the log ------------------------------------------------------------------------------------------


@pytest.fixture
def logged(world):
    """Five activities, figures for hand calculation."""
    sam = world.team.practitioners.get(name="Sam Senior")
    d = today()
    rows = [
        (world.school, world.practitioner, 0, 1, "group", 60, 8, 1),
        (world.school, sam, 5, 2, "staff_training", 90, 0, 20),
        (world.other_school, world.practitioner, 10, 1, "group", 45, 1, 0),
        (world.other_school, sam, 40, 3, "liaison", 30, 0, 0),
    ]
    for school, practitioner, days_ago, function, kind, minutes, children, adults in rows:
        log_activity(
            world.team,
            school,
            practitioner,
            world.manager,
            date=d - datetime.timedelta(days=days_ago),
            function=function,
            type=kind,
            duration_minutes=minutes,
            children_reached=children,
            adults_reached=adults,
        )
    other_practitioner = add_practitioner(world.other_team, name="Olu Other")
    log_activity(
        world.other_team,
        world.school,
        other_practitioner,
        world.other_manager,
        duration_minutes=600,
        children_reached=500,
    )
    return world


def totals_in(page: str) -> dict:
    """The four figures of the totals summary list."""
    totals = page[page.index("Totals") :]
    return {
        key: re.search(rf"{key}\s*</dt>\s*<dd[^>]*>\s*([^<]*?)\s*</dd>", totals).group(1)
        for key in ("Sessions", "Hours", "Children reached", "Adults reached")
    }


def selected(page: str, value) -> bool:
    return re.search(rf'<option value="{value}"\s+selected', page) is not None


def checked(page: str, value) -> bool:
    return re.search(rf'value="{value}"\s+checked', page) is not None


def test_the_log_shows_only_the_teams_activity_with_totals(client, logged):
    world = logged
    sign_in(client, world.manager)
    page = client.get(team_url(world, "mhst_activity")).content.decode()
    # 4 sessions; 60+90+45+30 = 225 minutes = 3.75 h, shown as 3.8; children 8+0+1+0 = 9; adults 1+20+0+0 = 21
    assert totals_in(page) == {"Sessions": "4", "Hours": "3.8", "Children reached": "9", "Adults reached": "21"}
    assert "Olu Other" not in page
    assert "4 activities, most recent first" in page


def test_the_filters_narrow_the_list_and_the_totals(client, logged):
    world = logged
    sign_in(client, world.manager)
    url = team_url(world, "mhst_activity")
    since = (today() - datetime.timedelta(days=12)).isoformat()
    page = client.get(url, {"date_from": since, "school": world.other_school.pk}).content.decode()
    assert totals_in(page) == {"Sessions": "1", "Hours": "0.8", "Children reached": "1", "Adults reached": "0"}
    page = client.get(url, {"function": "2"}).content.decode()
    assert totals_in(page)["Adults reached"] == "20"
    sam = world.team.practitioners.get(name="Sam Senior")
    page = client.get(url, {"practitioner": sam.pk, "type": "liaison"}).content.decode()
    assert totals_in(page)["Sessions"] == "1"
    until = (today() - datetime.timedelta(days=30)).isoformat()
    page = client.get(url, {"date_to": until}).content.decode()
    assert totals_in(page)["Hours"] == "0.5"
    page = client.get(url, {"type": "parent_group"}).content.decode()
    assert "No activity matches these filters." in page


def test_filters_with_junk_show_errors_and_are_ignored(client, logged):
    world = logged
    sign_in(client, world.manager)
    params = dict.fromkeys(["date_from", "date_to", "school", "practitioner", "function", "type", "page"], JUNK)
    response = client.get(team_url(world, "mhst_activity"), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert totals_in(page)["Sessions"] == "4"


def test_from_after_to_is_an_error(client, logged):
    world = logged
    sign_in(client, world.manager)
    response = client.get(team_url(world, "mhst_activity"), {"date_from": today().isoformat(), "date_to": "2000-01-01"})
    assert "The to date must be the same as or after the from date" in response.content.decode()


def test_the_log_is_paginated(client, world):
    for _ in range(27):
        log_activity(world.team, world.school, world.practitioner, world.manager)
    sign_in(client, world.manager)
    first = client.get(team_url(world, "mhst_activity")).content.decode()
    assert first.count("Change<span") == 25
    second = client.get(team_url(world, "mhst_activity"), {"page": 2}).content.decode()
    assert second.count("Change<span") == 2
    assert totals_in(second)["Sessions"] == "27"


def test_an_empty_log_says_so(client, world):
    sign_in(client, world.practitioner_user)
    assert (
        "The team has not recorded any activity yet." in client.get(team_url(world, "mhst_activity")).content.decode()
    )


def test_a_practitioner_sees_change_links_only_on_their_own_records(client, world):
    log_activity(world.team, world.school, world.practitioner, world.manager)
    log_activity(world.team, world.school, world.practitioner, world.practitioner_user)
    sign_in(client, world.practitioner_user)
    assert client.get(team_url(world, "mhst_activity")).content.decode().count("Change<span") == 1


def test_the_csv_download_has_the_filtered_rows_and_is_audited(client, logged):
    world = logged
    sign_in(client, world.practitioner_user)
    response = client.get(team_url(world, "mhst_activity_export"), {"school": world.school.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["date", "school_urn", "school"]
    assert len(lines) == 3
    assert {line[2] for line in lines[1:]} == {world.school.name}
    assert sorted(int(line[7]) for line in lines[1:]) == [0, 8]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == world.practitioner_user
    assert event.detail == {"export": "mhst_activity", "filters": {"school": str(world.school.pk)}, "rows": 2}


# --- corrections and deletion -----------------------------------------------------------------------


def test_the_manager_corrects_an_activity(client, world):
    activity = log_activity(world.team, world.school, world.practitioner, world.practitioner_user)
    sign_in(client, world.manager)
    url = reverse("mhst_activity_edit", args=[world.partnership.slug, activity.pk])
    assert 'value="50"' in client.get(url).content.decode()
    response = client.post(url, valid_post(world, duration_minutes="75", type="individual", children_reached="1"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.duration_minutes == 75
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="mhst.activity")
    assert event.detail["duration_minutes"] == ["50", "75"]


def test_a_correction_that_breaks_a_rule_is_refused(client, world):
    activity = log_activity(world.team, world.school, world.practitioner, world.practitioner_user)
    sign_in(client, world.practitioner_user)
    url = reverse("mhst_activity_edit", args=[world.partnership.slug, activity.pk])
    response = client.post(url, valid_post(world, children_reached="0", adults_reached="0"))
    assert response.status_code == 200
    assert "at least one" in response.content.decode()


def test_delete_asks_first_then_deletes_on_post(client, world):
    activity = log_activity(world.team, world.school, world.practitioner, world.practitioner_user)
    sign_in(client, world.practitioner_user)
    url = reverse("mhst_activity_delete", args=[world.partnership.slug, activity.pk])
    page = client.get(url).content.decode()
    assert "Delete this activity?" in page
    assert Activity.objects.filter(pk=activity.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(activity.pk)).exists()


# --- the caseload -----------------------------------------------------------------------------------


def referral(world, service, status, school=None, **kw):
    spa = spa_in(world.partnership)
    number = Referral.objects.count() + 1
    return Referral.objects.create(
        partnership=world.partnership,
        spa=spa,
        school=school or world.school,
        created_by=world.school_lead,
        idempotency_key=str(uuid.uuid4()),
        year=2026,
        number=number,
        status=status,
        submitted_at=timezone.now() - datetime.timedelta(days=20),
        triaged_at=timezone.now() - datetime.timedelta(days=15),
        thrive=Thrive.GETTING_HELP if status != Status.SUBMITTED else "",
        allocated_service=service,
        child_first_name="Zebedee",
        child_last_name="Quagmire",
        nhs_number="9434765919",
        **kw,
    )


def test_the_caseload_shows_only_the_teams_allocated_referrals_without_child_details(client, world):
    mine = referral(world, world.team.service, Status.ACCEPTED)
    contacted = referral(world, world.team.service, Status.FIRST_CONTACT, first_contact_on=today())
    closed = referral(world, world.team.service, Status.CLOSED, school=world.other_school)
    theirs = referral(world, world.other_team.service, Status.ACCEPTED)
    not_yet = referral(world, world.team.service, Status.SUBMITTED)
    sign_in(client, world.practitioner_user)
    response = client.get(team_url(world, "mhst_caseload"))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (mine, contacted, closed):
        assert shown.reference in page
    for hidden in (theirs, not_yet):
        assert hidden.reference not in page
    for detail in ("Zebedee", "Quagmire", "9434765919"):
        assert detail not in page
    assert "Getting Help" in page
    assert today().strftime("%-d %B %Y") in page
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_CHILD_DETAILS).exists()


def test_the_caseload_counts_by_status(client, world):
    for _ in range(2):
        referral(world, world.team.service, Status.ACCEPTED)
    referral(world, world.team.service, Status.CLOSED)
    sign_in(client, world.manager)
    page = client.get(team_url(world, "mhst_caseload")).content.decode()
    assert "2 referrals" in page
    assert "1 referral<" in page


def test_an_empty_caseload_says_so(client, world):
    sign_in(client, world.manager)
    page = client.get(team_url(world, "mhst_caseload")).content.decode()
    assert "No referrals have been allocated to the team yet." in page


def test_the_other_teams_manager_sees_their_own_caseload_not_this_one(client, world):
    theirs = referral(world, world.other_team.service, Status.ACCEPTED)
    referral(world, world.team.service, Status.ACCEPTED)
    sign_in(client, world.other_manager)
    page = client.get(team_url(world, "mhst_caseload", team=world.other_team)).content.decode()
    assert theirs.reference in page
    assert page.count("SPA-2026-") == 1
    assert client.get(team_url(world, "mhst_caseload")).status_code == 404


def test_activity_types_have_labels_for_every_choice():
    assert len(ActivityType.choices) >= 7
