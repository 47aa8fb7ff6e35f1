"""Meetings: the year's schedule, attendance and quorum, minutes, decisions, actions, pages."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import Action, AuditEvent, Decision, Meeting, Membership, OrganisationKind, TermsOfReference
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import meetings as service

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from .factories import GroupFactory, GroupMemberFactory, MeetingFactory, TermsOfReferenceFactory

pytestmark = pytest.mark.django_db

Frequency = TermsOfReference.Frequency
SATURDAY = datetime.date(2026, 1, 3)
TEN_AM = datetime.time(10, 0)


def _group(cast, frequency=Frequency.BIMONTHLY, **terms):
    group = GroupFactory(partnership=cast.partnership)
    TermsOfReferenceFactory(group=group, status=TermsOfReference.Status.PUBLISHED, meeting_frequency=frequency, **terms)
    return group


def _past_meeting(group, days=1):
    return MeetingFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=days))


def _seat(group, kind=OrganisationKind.SECONDARY, name=None):
    org = OrganisationFactory(kind=kind, urn=None)
    user = member(group.partnership, Role.STEERING_MEMBER, organisation=org, **({"full_name": name} if name else {}))
    return GroupMemberFactory(group=group, user=user, organisation=org)


# --- schedule ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "count"),
    [
        (Frequency.MONTHLY, 12),
        (Frequency.SIX_WEEKLY, 9),
        (Frequency.BIMONTHLY, 6),
        (Frequency.TERMLY, 3),
        (Frequency.QUARTERLY, 4),
    ],
)
def test_cadence_gives_a_year_of_weekday_dates(frequency, count):
    dates = service.cadence_dates(frequency, datetime.date(2026, 1, 12))
    assert len(dates) == count
    assert all(d.weekday() < 5 for d in dates)
    assert dates == sorted(dates)
    assert dates[-1] < datetime.date(2027, 1, 12)


def test_weekend_dates_move_to_the_monday():
    assert service.weekday_on_or_after(SATURDAY) == datetime.date(2026, 1, 5)
    assert service.weekday_on_or_after(datetime.date(2026, 1, 4)) == datetime.date(2026, 1, 5)
    assert service.weekday_on_or_after(datetime.date(2026, 1, 6)) == datetime.date(2026, 1, 6)
    monthly = service.cadence_dates(Frequency.MONTHLY, SATURDAY)
    assert monthly[0] == datetime.date(2026, 1, 5)
    assert monthly[1] == datetime.date(2026, 2, 3)  # 3 February 2026 is a Tuesday: unchanged
    assert datetime.date(2026, 10, 5) in monthly  # 3 October 2026 is a Saturday


def test_month_end_start_does_not_drift():
    dates = service.nominal_dates(Frequency.MONTHLY, datetime.date(2026, 1, 31))
    assert dates[1] == datetime.date(2026, 2, 28) and dates[2] == datetime.date(2026, 3, 31)


def test_schedule_year_creates_meetings_once(cast):
    group = _group(cast, Frequency.QUARTERLY)
    created = service.schedule_year(group=group, by=cast.lead, first_date=SATURDAY, time=TEN_AM, location="Room 2")
    assert len(created) == 4
    first = Meeting.objects.filter(group=group).order_by("starts_at").first()
    assert timezone.localtime(first.starts_at).date() == datetime.date(2026, 1, 5)
    assert timezone.localtime(first.starts_at).time() == TEN_AM
    assert first.location == "Room 2" and first.status == Meeting.Status.SCHEDULED
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="partnership.meeting").count() == 4
    # Running again, even a day later, duplicates nothing.
    assert service.schedule_year(group=group, by=cast.lead, first_date=SATURDAY, time=TEN_AM) == []
    again = service.schedule_year(
        group=group, by=cast.lead, first_date=SATURDAY + datetime.timedelta(days=1), time=TEN_AM
    )
    assert again == []
    assert Meeting.objects.filter(group=group).count() == 4


def test_schedule_needs_published_terms(cast):
    group = GroupFactory(partnership=cast.partnership)
    TermsOfReferenceFactory(group=group, status=TermsOfReference.Status.DRAFT)
    with pytest.raises(ValidationError, match="no published terms of reference"):
        service.schedule_year(group=group, by=cast.lead, first_date=SATURDAY, time=TEN_AM)
    assert not Meeting.objects.exists()


def test_only_the_area_lead_can_schedule(cast):
    group = _group(cast)
    with pytest.raises(PermissionDenied):
        service.schedule_year(group=group, by=cast.reader, first_date=SATURDAY, time=TEN_AM)


def test_schedule_page_previews_then_confirms(client, cast):
    group = _group(cast, Frequency.TERMLY)
    sign_in(client, cast.lead)
    url = reverse("meeting_schedule", args=[cast.partnership.slug, group.pk])
    data = {"first_date": "2026-01-03", "time": "10:00", "location": "County Hall"}
    html = client.post(url, data).content.decode()
    assert "Monday 5 January 2026" in html and "Moved from Saturday 3 January" in html
    assert not Meeting.objects.exists()
    response = client.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert Meeting.objects.filter(group=group).count() == 3
    html = client.post(url, data).content.decode()
    assert "Not added: already a meeting" in html


def test_schedule_page_shows_errors_and_the_no_terms_message(client, cast):
    group = _group(cast)
    sign_in(client, cast.lead)
    url = reverse("meeting_schedule", args=[cast.partnership.slug, group.pk])
    html = client.post(url, {"first_date": "31/02/2026", "time": "25:00"}).content.decode()
    assert "There is a problem" in html
    assert "Enter a real date" in html and "Enter a real time" in html
    assert "Enter where the meetings will be held" in html
    bare = GroupFactory(partnership=cast.partnership)
    html = client.get(reverse("meeting_schedule", args=[cast.partnership.slug, bare.pk])).content.decode()
    assert "has no published terms of reference" in html


# --- attendance and quorum ---------------------------------------------------------------------


def test_quorum_counts_members_and_sectors():
    terms = TermsOfReference(quorum=4, quorum_sectors=["health", "education"])
    school = OrganisationFactory.build(kind=OrganisationKind.SECONDARY)
    council = OrganisationFactory.build(kind=OrganisationKind.LOCAL_AUTHORITY)
    cypmhs = OrganisationFactory.build(kind=OrganisationKind.CYPMHS)
    quorate, note = service.check_quorum(terms, [school, school, council])
    assert quorate is False
    assert note == "Not quorate: 3 members present; 4 needed. No one from Health present."
    quorate, note = service.check_quorum(terms, [school, school, council, council])
    assert quorate is False and "No one from Health present" in note and "4 members present" in note
    quorate, note = service.check_quorum(terms, [school, council, cypmhs, cypmhs])
    assert quorate is True and note == "Quorate: 4 members present; 4 needed."
    quorate, note = service.check_quorum(None, [school])
    assert quorate is None and "not checked" in note


def test_recording_attendance_checks_quorum_and_marks_held(cast):
    group = _group(cast, quorum=2, quorum_sectors=["health"])
    school = _seat(group, OrganisationKind.SECONDARY)
    council = _seat(group, OrganisationKind.LOCAL_AUTHORITY)
    health = _seat(group, OrganisationKind.CYPMHS)
    guest = Membership.objects.get(user=cast.reader)
    meeting = _past_meeting(group)
    statuses = {school.pk: "present", council.pk: "present", health.pk: "apologies"}
    meeting = service.record_attendance(meeting=meeting, by=cast.lead, statuses=statuses, guests=[guest])
    assert meeting.status == Meeting.Status.HELD
    assert meeting.quorate is False
    assert meeting.quorum_note == "Not quorate: 2 members present; 2 needed. No one from Health present."
    assert meeting.terms == group.published_terms()
    assert meeting.attendance.filter(is_member=False, user=cast.reader).exists()
    event = AuditEvent.objects.get(action=AuditAction.STATE_CHANGE, object_type="partnership.meeting")
    assert event.detail["attendance"] == {"present": 2, "apologies": 1, "absent": 0}
    # Corrected: now someone from Health was there. Guests still do not count.
    statuses[health.pk] = "present"
    meeting = service.record_attendance(meeting=meeting, by=cast.lead, statuses=statuses)
    assert meeting.quorate is True
    assert meeting.attendance.count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="partnership.meeting").exists()


def test_guests_do_not_count_towards_quorum(cast):
    group = _group(cast, quorum=2)
    seat = _seat(group)
    meeting = _past_meeting(group)
    guest = Membership.objects.get(user=cast.reader)
    meeting = service.record_attendance(meeting=meeting, by=cast.lead, statuses={seat.pk: "present"}, guests=[guest])
    assert meeting.quorate is False and meeting.quorum_note.startswith("Not quorate: 1 member present")


def test_attendance_needs_every_seat_and_a_meeting_that_has_happened(cast):
    group = _group(cast)
    seat = _seat(group)
    _seat(group)
    with pytest.raises(ValidationError, match="Select whether"):
        service.record_attendance(meeting=_past_meeting(group), by=cast.lead, statuses={seat.pk: "present"})
    future = MeetingFactory(group=group)
    with pytest.raises(ValidationError, match="on the day of the meeting or after"):
        service.record_attendance(meeting=future, by=cast.lead, statuses={})


def test_attendance_page(client, cast):
    group = _group(cast, quorum=1, quorum_sectors=["health"])
    seat = _seat(group, OrganisationKind.CYPMHS, name="Morgan Duty-Lead")
    meeting = _past_meeting(group)
    sign_in(client, cast.lead)
    url = reverse("meeting_attendance", args=[cast.partnership.slug, meeting.pk])
    html = client.get(url).content.decode()
    assert "Morgan Duty-Lead" in html and "Record attendance" in html
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Select whether Morgan Duty-Lead was present" in response.content.decode()
    response = client.post(url, {f"seat_{seat.pk}": "present"})
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Quorate" in html and "1 member present; 1 needed." in html


# --- minutes, decisions, actions ---------------------------------------------------------------


def _held(cast, group=None):
    group = group or _group(cast)
    meeting = _past_meeting(group)
    return service.record_attendance(meeting=meeting, by=cast.lead, statuses={})


def test_minutes_are_for_held_meetings_and_audited(cast):
    group = _group(cast)
    scheduled = _past_meeting(group)
    with pytest.raises(ValidationError, match="Record attendance first"):
        service.update_minutes(meeting=scheduled, by=cast.lead, minutes="Notes")
    meeting = _held(cast, group)
    service.update_minutes(meeting=meeting, by=cast.lead, minutes="First draft")
    service.update_minutes(meeting=meeting, by=cast.lead, minutes="Agreed minutes")
    events = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="partnership.meeting")
    assert [e.detail["changed"]["minutes"] for e in events.order_by("occurred_at", "id")] == [
        ["", "First draft"],
        ["First draft", "Agreed minutes"],
    ]


def test_decisions_are_numbered_per_partnership_and_never_renumbered(cast):
    first_meeting = _held(cast)
    second_meeting = _held(cast)
    d1 = service.add_decision(meeting=first_meeting, by=cast.lead, text="Adopt the referral pathway.")
    d2 = service.add_decision(meeting=second_meeting, by=cast.lead, text="Fund two EMHPs.")
    d3 = service.add_decision(meeting=first_meeting, by=cast.lead, text="Review in a year.")
    assert [d.reference for d in (d1, d2, d3)] == ["D0001", "D0002", "D0003"]
    corrected = service.edit_decision(decision=d2, by=cast.lead, text="Fund three EMHPs.")
    assert corrected.number == 2 and corrected.reference == "D0002"
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="partnership.decision")
    assert event.detail == {"reference": "D0002", "changed": {"text": ["Fund two EMHPs.", "Fund three EMHPs."]}}
    # Another partnership counts from 1.
    other_lead = cast.outsider
    other_group = GroupFactory(partnership=cast.other_partnership)
    other = service.record_attendance(meeting=_past_meeting(other_group), by=other_lead, statuses={})
    assert service.add_decision(meeting=other, by=other_lead, text="Meet monthly.").reference == "D0001"
    assert Decision.objects.filter(partnership=cast.partnership).count() == 3


def test_decision_pages_show_the_reference_and_correct_it(client, cast):
    meeting = _held(cast)
    sign_in(client, cast.lead)
    slug = cast.partnership.slug
    response = client.post(reverse("meeting_decision_add", args=[slug, meeting.pk]), {"text": ""})
    assert "Enter the decision" in response.content.decode()
    client.post(reverse("meeting_decision_add", args=[slug, meeting.pk]), {"text": "Adopt the pathway."})
    decision = Decision.objects.get()
    html = client.get(reverse("meeting_detail", args=[slug, meeting.pk])).content.decode()
    assert "D0001" in html and "Adopt the pathway." in html
    client.post(reverse("meeting_decision_edit", args=[slug, meeting.pk, decision.pk]), {"text": "Adopt it."})
    decision.refresh_from_db()
    assert decision.text == "Adopt it." and decision.reference == "D0001"


def test_raising_an_action_from_a_meeting(client, cast):
    meeting = _held(cast)
    owner = Membership.objects.get(user=cast.reader)
    sign_in(client, cast.lead)
    slug = cast.partnership.slug
    url = reverse("meeting_action_add", args=[slug, meeting.pk])
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client.post(url, {"title": "", "owner": owner.pk, "due_date": "2020-01-01"})
    html = response.content.decode()
    assert "Enter the action" in html and "Enter a due date that is today or in the future" in html
    response = client.post(
        url, {"title": "Circulate the pathway", "owner": owner.pk, "due_date": due.isoformat(), "description": ""}
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.source_meeting == meeting and action.source == Action.Source.MEETING
    assert action.owner == cast.reader and action.owner_organisation == owner.organisation
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="partnership.action").exists()
    html = client.get(reverse("meeting_detail", args=[slug, meeting.pk])).content.decode()
    assert action.reference in html and "Circulate the pathway" in html


def test_action_owner_must_be_a_member_of_this_partnership(client, cast):
    meeting = _held(cast)
    stranger = Membership.objects.get(user=cast.outsider)
    sign_in(client, cast.lead)
    url = reverse("meeting_action_add", args=[cast.partnership.slug, meeting.pk])
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = client.post(url, {"title": "X", "owner": stranger.pk, "due_date": due})
    assert response.status_code == 200
    assert "Select the owner from the list" in response.content.decode()
    assert not Action.objects.exists()


# --- agenda, cancel, list, scoping -------------------------------------------------------------


def test_agenda_and_cancel(client, cast):
    group = _group(cast)
    meeting = MeetingFactory(group=group)
    sign_in(client, cast.lead)
    slug = cast.partnership.slug
    client.post(reverse("meeting_agenda", args=[slug, meeting.pk]), {"agenda": "1. Apologies\n2. Pathway"})
    meeting.refresh_from_db()
    assert meeting.agenda == "1. Apologies\n2. Pathway"
    assert "Cancel the meeting" in client.get(reverse("meeting_cancel", args=[slug, meeting.pk])).content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED  # a GET changes nothing
    client.post(reverse("meeting_cancel", args=[slug, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, detail__to="cancelled").exists()
    response = client.post(reverse("meeting_cancel", args=[slug, meeting.pk]))
    assert response.status_code == 200 and "Only a scheduled meeting can be cancelled" in response.content.decode()


def test_meeting_list_upcoming_past_by_group_and_paginated(client, cast):
    group = _group(cast)
    other_group = GroupFactory(partnership=cast.partnership, name="Schools forum")
    for days in range(1, 28):
        MeetingFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=days))
    MeetingFactory(group=other_group, starts_at=timezone.now() - datetime.timedelta(days=3), location="Old hall")
    sign_in(client, cast.reader)
    url = reverse("meeting_list", args=[cast.partnership.slug])
    html = client.get(url).content.decode()
    assert html.count('href="/partnerships/own/meetings/') >= 25
    assert "when=upcoming&amp;page=2" in html or "when=upcoming&page=2" in html
    assert "Old hall" not in html
    html = client.get(url, {"when": "past"}).content.decode()
    assert "Old hall" in html
    html = client.get(url, {"when": "past", "group": group.pk}).content.decode()
    assert "Old hall" not in html and "There are no past meetings" in html
    assert "Schedule meetings of" not in html  # the reader cannot schedule


def test_another_partnerships_meeting_is_404(client, cast):
    other_group = GroupFactory(partnership=cast.other_partnership)
    meeting = MeetingFactory(group=other_group)
    sign_in(client, cast.lead)
    slug = cast.partnership.slug
    for name in ("meeting_detail", "meeting_attendance", "meeting_action_add"):
        assert client.get(reverse(name, args=[slug, meeting.pk])).status_code == 404
    assert client.get(reverse("meeting_schedule", args=[slug, other_group.pk])).status_code == 404


def test_meeting_page_for_a_reader_hides_the_buttons(client, cast):
    meeting = _held(cast)
    sign_in(client, cast.reader)
    html = client.get(reverse("meeting_detail", args=[cast.partnership.slug, meeting.pk])).content.decode()
    assert "Held" in html
    assert "Raise an action" not in html and "Record attendance" not in html


# --- demo --------------------------------------------------------------------------------------


def test_demo_seeds_meetings_and_mous_idempotently():
    from demo.governance.meetings import PROTOCOL, SIGNED_MOU, STEERING_GROUP_NAME
    from demo.seed import seed_demo
    from partnership.models import Group, Mou

    partnership = seed_demo()
    seed_demo()
    group = Group.objects.get(partnership=partnership, name=STEERING_GROUP_NAME)
    meetings = Meeting.objects.filter(group=group)
    assert meetings.count() == 6 if group.published_terms() is None else meetings.count() >= 3
    assert meetings.filter(status=Meeting.Status.HELD).count() == 2
    assert meetings.filter(starts_at__gt=timezone.now(), status=Meeting.Status.SCHEDULED).exists()
    # Three minuted decisions, then the steering group's approval of the two MHST allocations (demo/mhst.py).
    decisions = Decision.objects.filter(partnership=partnership)
    assert [d.reference for d in decisions] == ["D0001", "D0002", "D0003", "D0004", "D0005"]
    assert [hasattr(d, "mhst_allocation") for d in decisions] == [False, False, False, True, True]
    signed = Mou.objects.get(partnership=partnership, title=SIGNED_MOU["title"])
    assert signed.status == Mou.Status.SIGNED and signed.parties.count() == 3
    assert {p.signatory.email.split("@")[0] for p in signed.parties.all()} == {
        "duty.lead",
        "facilitator",
        "school.lead",
    }
    protocol = Mou.objects.get(partnership=partnership, title=PROTOCOL["title"])
    assert protocol.status == Mou.Status.IN_SIGNATURE
    assert protocol.parties.filter(signed_at__isnull=False).count() == 1 and protocol.parties.count() == 2
