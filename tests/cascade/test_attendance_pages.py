"""Attendance pages, the target mix, the attendance report and the follow-up CSV."""

import csv
import io

import pytest
from django.urls import reverse

from cascade.models import RepresentationTarget, Sector, Workshop, WorkshopAttendance
from partnership.models import AuditEvent, OrganisationKind, PartnershipOrganisation
from partnership.models.audit import AuditAction
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from .factories import CohortFactory, WorkshopAttendanceFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


def url(name, cast, *args):
    return reverse(name, args=[cast.partnership.slug, *args])


def joined(partnership, **fields):
    organisation = OrganisationFactory(**fields)
    PartnershipOrganisation.objects.create(partnership=partnership, organisation=organisation, status="active")
    return organisation


def test_add_a_person_with_the_sector_worked_out(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    clinic = joined(cast.partnership, kind=OrganisationKind.CYPMHS, urn=None, name="Riverside CYPMHS")
    sign_in(client, cast.lead)
    form = client.get(url("cascade_attendee_add", cast, workshop.pk)).content.decode()
    assert "Riverside CYPMHS" in form and "Work it out from the organisation" in form
    response = client.post(
        url("cascade_attendee_add", cast, workshop.pk), {"name": "Asha Patel", "organisation": clinic.pk}, follow=True
    )
    html = response.content.decode()
    assert "Asha Patel added to the attendance list (NHS CYPMHS)" in html
    assert WorkshopAttendance.objects.get().sector == Sector.NHS_CYPMHS


def test_add_a_person_shows_errors_in_the_summary(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    school = joined(cast.partnership)
    WorkshopAttendanceFactory(workshop=workshop, name="Ann", organisation=school)
    sign_in(client, cast.lead)
    html = client.post(url("cascade_attendee_add", cast, workshop.pk), {"name": ""}).content.decode()
    assert "There is a problem" in html and "Enter the person&#39;s name" in html and "Select the person" in html
    html = client.post(
        url("cascade_attendee_add", cast, workshop.pk), {"name": "ann", "organisation": school.pk}
    ).content.decode()
    assert "already on this workshop" in html
    outside = OrganisationFactory()
    html = client.post(
        url("cascade_attendee_add", cast, workshop.pk), {"name": "Bo", "organisation": outside.pk}
    ).content.decode()
    assert "Select the organisation from the list" in html
    assert WorkshopAttendance.objects.count() == 1


def test_workshop_attendance_lists_people_and_representation(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    RepresentationTarget.objects.create(partnership=cast.partnership, sector=Sector.EDUCATION, percent=80)
    for name in ("Ann", "Bo", "Cy"):
        WorkshopAttendanceFactory(workshop=workshop, name=name, sector=Sector.EDUCATION)
    WorkshopAttendanceFactory(workshop=workshop, name="Di", sector=Sector.GP)
    sign_in(client, cast.lead)
    html = client.get(url("cascade_workshop_attendance", cast, workshop.pk)).content.decode()
    assert "4 people attended" in html and "Di" in html
    assert "75%" in html and "80%" in html and "5 points below target" in html
    assert '<th scope="col" class="nhsuk-table__header">Difference</th>' in html


def test_edit_and_remove_a_person(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    school = joined(cast.partnership)
    row = WorkshopAttendanceFactory(workshop=workshop, name="Ann", organisation=school)
    sign_in(client, cast.lead)
    response = client.post(
        url("cascade_attendee_edit", cast, row.pk), {"name": "Anne", "organisation": school.pk, "sector": "gp"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.name, row.sector) == ("Anne", "gp")
    confirm = client.get(url("cascade_attendee_remove", cast, row.pk)).content.decode()
    assert "Remove Anne from the attendance list?" in confirm
    assert WorkshopAttendance.objects.exists()
    assert client.post(url("cascade_attendee_remove", cast, row.pk)).status_code == 302
    assert not WorkshopAttendance.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_type="cascade.workshopattendance").exists()


def test_a_closed_workshops_attendance_cannot_be_removed(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership, status=Workshop.Status.CLOSED)
    row = WorkshopAttendanceFactory(workshop=workshop)
    sign_in(client, cast.lead)
    listing = client.get(url("cascade_workshop_attendance", cast, workshop.pk)).content.decode()
    assert "This workshop is closed" in listing and "Add a person" not in listing
    response = client.post(url("cascade_attendee_remove", cast, row.pk))
    assert response.status_code == 200 and "This workshop is closed" in response.content.decode()
    assert WorkshopAttendance.objects.exists()


def test_targets_page_validates_and_saves(client, cast):
    sign_in(client, cast.lead)
    html = client.post(url("cascade_targets", cast), {"education": "60", "gp": "50"}).content.decode()
    assert "There is a problem" in html and "The targets add up to 110%" in html
    html = client.post(url("cascade_targets", cast), {"education": "12.5"}).content.decode()
    assert "Enter Education&#39;s target as a whole number from 0 to 100" in html
    assert not RepresentationTarget.objects.exists()
    response = client.post(url("cascade_targets", cast), {"education": "60", "nhs_cypmhs": "40"})
    assert response.status_code == 302
    assert dict(RepresentationTarget.objects.values_list("sector", "percent")) == {"education": 60, "nhs_cypmhs": 40}
    assert 'value="60"' in client.get(url("cascade_targets", cast)).content.decode()


def test_report_shows_representation_and_follow_up_lists(client, cast):
    cohort = CohortFactory(partnership=cast.partnership, name="North")
    first = WorkshopFactory(cohort=cohort)
    second = WorkshopFactory(cohort=cohort, round=2, held_on=first.held_on.replace(year=first.held_on.year + 1))
    school = joined(cast.partnership, name="Hillside")
    WorkshopAttendanceFactory(workshop=first, name="Ann", organisation=school)
    WorkshopAttendanceFactory(workshop=second, name="ann", organisation=school)
    WorkshopAttendanceFactory(workshop=first, name="Bo Dropped", organisation=school)
    WorkshopAttendanceFactory(workshop=second, name="Cy Joined", organisation=school)
    sign_in(client, cast.reader)
    html = client.get(url("cascade_attendance_report", cast)).content.decode()
    assert "Attended both rounds: 1" in html and "Dropped out (round 1 but not round 2): 1" in html
    assert "Bo Dropped" in html and "Joined at round 2: 1" in html and "Cy Joined" in html
    assert "No target mix has been set" in html and "Set the target mix" not in html  # the reader cannot set it


def test_follow_up_csv_is_audited(client, cast):
    cohort = CohortFactory(partnership=cast.partnership, name="North")
    first = WorkshopFactory(cohort=cohort)
    WorkshopAttendanceFactory(workshop=first, name="=Bo", organisation=joined(cast.partnership, name="Hillside"))
    sign_in(client, cast.reader)
    response = client.get(url("cascade_follow_up_export", cast))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Cohort", "Status", "Name"]
    assert rows[1][:4] == ["North", "Dropped out after round 1", "'=Bo", "Hillside"]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == cast.reader and event.detail == {"export": "cascade_follow_up", "rows": 1}


def test_another_partnerships_attendance_is_404(client, cast):
    theirs = WorkshopAttendanceFactory(workshop__cohort__partnership=cast.other_partnership)
    sign_in(client, cast.lead)
    assert client.get(url("cascade_attendee_edit", cast, theirs.pk)).status_code == 404
    assert client.post(url("cascade_attendee_remove", cast, theirs.pk)).status_code == 404
    assert client.get(url("cascade_workshop_attendance", cast, theirs.workshop_id)).status_code == 404
    assert WorkshopAttendance.objects.filter(pk=theirs.pk).exists()


def test_a_commissioner_reads_attendance_but_never_writes(client, cast):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    row = WorkshopAttendanceFactory(workshop=workshop)
    sign_in(client, commissioner)
    assert client.get(url("cascade_workshop_attendance", cast, workshop.pk)).status_code == 200
    assert client.get(url("cascade_attendance_report", cast)).status_code == 200
    assert client.post(url("cascade_attendee_add", cast, workshop.pk), {"name": "X"}).status_code == 403
    assert client.post(url("cascade_attendee_edit", cast, row.pk), {"name": "X"}).status_code == 403
    assert client.post(url("cascade_attendee_remove", cast, row.pk)).status_code == 403
    assert client.post(url("cascade_targets", cast), {"education": "50"}).status_code == 403
    assert WorkshopAttendance.objects.filter(pk=row.pk).exists() and not RepresentationTarget.objects.exists()


def test_a_facilitator_records_attendance_but_cannot_set_targets(client, cast):
    facilitator = member(cast.partnership, Role.FACILITATOR)
    sign_in(client, facilitator)
    assert client.get(url("cascade_targets", cast)).status_code == 403
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    assert client.get(url("cascade_attendee_add", cast, workshop.pk)).status_code == 200
