"""CASCADE landing page, cohort, workshop and table pages: what is shown, form errors, access."""

import datetime

import pytest
from django.urls import reverse

from cascade.models import Cohort, ScoringTable, Workshop
from partnership.models import AuditEvent, PartnershipOrganisation
from partnership.roles import Role

from ..conftest import sign_in
from ..factories import OrganisationFactory, member
from .factories import CohortFactory, ScoringTableFactory, WorkshopAttendanceFactory, WorkshopFactory, score_all

pytestmark = pytest.mark.django_db
START = datetime.date(2026, 3, 2)


def url(name, cast, *args):
    return reverse(name, args=[cast.partnership.slug, *args])


def page(client, user, address):
    sign_in(client, user)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_home_empty_state_explains_cascade_and_offers_a_cohort(client, cast):
    html = page(client, cast.lead, url("cascade_home", cast))
    assert "seven domains" in html and "Start by adding a cohort" in html
    assert url("cascade_cohort_create", cast) in html
    assert url("cascade_results", cast) in html and url("cascade_attendance_report", cast) in html


def test_home_lists_cohorts_with_their_rounds_status_and_scored_tables(client, cast):
    first = WorkshopFactory(cohort__partnership=cast.partnership, cohort__name="North", held_on=START, venue="Hall")
    complete = ScoringTableFactory(workshop=first, label="1")
    score_all(complete, [1, 2, 1, 0, 3, 2, 1], cast.lead)
    ScoringTableFactory(workshop=first, label="2")
    WorkshopFactory(
        cohort=first.cohort, round=2, held_on=START + datetime.timedelta(days=49), status=Workshop.Status.CLOSED
    )
    html = page(client, cast.lead, url("cascade_home", cast))
    assert "North" in html and "2 March 2026" in html and "Hall" in html
    assert "Open for scoring" in html and "Closed" in html
    assert "1 of 2" in html
    assert url("cascade_workshop_detail", cast, first.pk) in html
    assert "Add a workshop" in html


def test_home_hides_the_add_buttons_from_a_steering_member(client, cast):
    CohortFactory(partnership=cast.partnership, name="North")
    html = page(client, cast.reader, url("cascade_home", cast))
    assert "North" in html and "Add a workshop" not in html and "Add a cohort" not in html


def test_cohort_create_then_workshop_with_the_cohort_preselected(client, cast):
    sign_in(client, cast.lead)
    response = client.post(url("cascade_cohort_create", cast), {"name": "North"})
    cohort = Cohort.objects.get(partnership=cast.partnership, name="North")
    assert response.status_code == 302 and response.url.endswith(f"?cohort={cohort.pk}")
    html = client.get(response.url).content.decode()
    assert f'value="{cohort.pk}" selected' in html


def test_cohort_create_shows_errors_in_the_summary(client, cast):
    CohortFactory(partnership=cast.partnership, name="North")
    sign_in(client, cast.lead)
    html = client.post(url("cascade_cohort_create", cast), {"name": "NORTH"}).content.decode()
    assert "There is a problem" in html and "There is already a cohort called NORTH" in html


def test_round_2_shows_its_round_1_and_warns_about_the_interval(client, cast):
    first = WorkshopFactory(cohort__partnership=cast.partnership, held_on=START)
    facilitator = member(cast.partnership, Role.FACILITATOR, full_name="Fay Facilitator")
    sign_in(client, cast.lead)
    response = client.post(
        url("cascade_workshop_create", cast),
        {
            "cohort": first.cohort.pk,
            "round": "2",
            "held_on": "2026-03-30",
            "venue": "Hall",
            "facilitators": [facilitator.pk],
        },
        follow=True,
    )
    html = response.content.decode()
    second = Workshop.objects.get(cohort=first.cohort, round=2)
    assert response.redirect_chain[-1][0] == url("cascade_workshop_detail", cast, second.pk)
    # once as the message after saving, once as the warning callout on the page
    assert html.count("Round 2 is 28 days after round 1") == 2
    assert "Fay Facilitator" in html and url("cascade_workshop_detail", cast, first.pk) in html


def test_workshop_create_refuses_round_2_before_round_1_with_a_message(client, cast):
    first = WorkshopFactory(cohort__partnership=cast.partnership, held_on=START)
    sign_in(client, cast.lead)
    response = client.post(
        url("cascade_workshop_create", cast), {"cohort": first.cohort.pk, "round": "2", "held_on": "2026-03-01"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "Round 2 must be after round 1 (2 March 2026)" in html


def test_workshop_create_form_errors(client, cast):
    sign_in(client, cast.lead)
    html = client.post(url("cascade_workshop_create", cast), {"held_on": "31/02/2026"}).content.decode()
    assert "Select the cohort" in html and "Select round 1 or round 2" in html and "Enter a real date" in html


def test_workshop_edit_keeps_round_2_after_round_1(client, cast):
    first = WorkshopFactory(cohort__partnership=cast.partnership, held_on=START)
    second = WorkshopFactory(cohort=first.cohort, round=2, held_on=START + datetime.timedelta(days=49))
    sign_in(client, cast.lead)
    html = client.post(url("cascade_workshop_edit", cast, second.pk), {"held_on": "2026-02-01"}).content.decode()
    assert "Round 2 must be after round 1" in html
    response = client.post(url("cascade_workshop_edit", cast, second.pk), {"held_on": "2026-04-27", "venue": "Hub"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.venue == "Hub" and second.held_on == datetime.date(2026, 4, 27)


def test_workshop_detail_lists_tables_with_score_links_and_progress(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    school = OrganisationFactory(name="Hillside Academy")
    table = ScoringTableFactory(workshop=workshop, label="Blue")
    table.organisations.add(school)
    score_all(table, [1, 1, 1, 1, 1, 1, 1], cast.lead)
    WorkshopAttendanceFactory(workshop=workshop)
    html = page(client, cast.lead, url("cascade_workshop_detail", cast, workshop.pk))
    assert "Hillside Academy" in html and "7 of 7" in html
    assert "Score table Blue" in html and url("cascade_table_score", cast, table.pk) in html
    assert url("cascade_plan_action", cast, workshop.pk) in html
    assert "Add a table" in html and "Close workshop" in html
    assert "1 person recorded" in html


def test_closed_workshop_says_so_and_hides_editing(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership, status=Workshop.Status.CLOSED)
    ScoringTableFactory(workshop=workshop, label="1")
    html = page(client, cast.lead, url("cascade_workshop_detail", cast, workshop.pk))
    assert "This workshop was closed" in html
    assert "Add a table" not in html and "Score table 1" not in html and "Close workshop" not in html
    assert "Reopen workshop" in html


def test_a_facilitator_does_not_see_reopen_and_gets_403(client, cast):
    facilitator = member(cast.partnership, Role.FACILITATOR)
    workshop = WorkshopFactory(cohort__partnership=cast.partnership, status=Workshop.Status.CLOSED)
    html = page(client, facilitator, url("cascade_workshop_detail", cast, workshop.pk))
    assert "Reopen workshop" not in html
    assert client.get(url("cascade_workshop_reopen", cast, workshop.pk)).status_code == 403
    assert client.post(url("cascade_workshop_reopen", cast, workshop.pk), {"reason": "x"}).status_code == 403


def test_close_confirmation_then_close(client, cast):
    facilitator = member(cast.partnership, Role.FACILITATOR)
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    ScoringTableFactory(workshop=workshop, label="1")
    html = page(client, facilitator, url("cascade_workshop_close", cast, workshop.pk))
    assert "table 1 (0 of 7)" in html
    workshop.refresh_from_db()
    assert workshop.is_open  # a GET changes nothing
    response = client.post(url("cascade_workshop_close", cast, workshop.pk))
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert not workshop.is_open and workshop.closed_by == facilitator


def test_reopen_needs_a_reason(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership, status=Workshop.Status.CLOSED)
    sign_in(client, cast.lead)
    html = client.post(url("cascade_workshop_reopen", cast, workshop.pk), {"reason": ""}).content.decode()
    assert "There is a problem" in html and "Say why the workshop is being reopened" in html
    response = client.post(url("cascade_workshop_reopen", cast, workshop.pk), {"reason": "Wrong score at table 2"})
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.is_open


def test_reopen_an_open_workshop_says_it_is_already_open(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    sign_in(client, cast.lead)
    for response in (
        client.get(url("cascade_workshop_reopen", cast, workshop.pk)),
        client.post(url("cascade_workshop_reopen", cast, workshop.pk), {"reason": "Typo"}),
    ):
        assert response.status_code == 200 and "This workshop is already open." in response.content.decode()
    assert not AuditEvent.objects.filter(object_type="cascade.workshop").exists()


def test_add_a_table_with_member_organisations_only(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    school = OrganisationFactory(name="Hillside Academy")
    PartnershipOrganisation.objects.create(partnership=cast.partnership, organisation=school, status="active")
    outside = OrganisationFactory(name="Far Away School")
    sign_in(client, cast.lead)
    form = client.get(url("cascade_table_create", cast, workshop.pk)).content.decode()
    assert 'type="checkbox"' in form and "Hillside Academy" in form and "Far Away School" not in form
    html = client.post(
        url("cascade_table_create", cast, workshop.pk), {"label": "1", "organisations": [outside.pk]}
    ).content.decode()
    assert "Select organisations from the list" in html
    response = client.post(url("cascade_table_create", cast, workshop.pk), {"label": "1", "organisations": [school.pk]})
    assert response.status_code == 302
    assert list(ScoringTable.objects.get(workshop=workshop).organisations.all()) == [school]


def test_add_a_table_to_a_closed_workshop_is_refused_with_a_message(client, cast):
    workshop = WorkshopFactory(cohort__partnership=cast.partnership, status=Workshop.Status.CLOSED)
    sign_in(client, cast.lead)
    response = client.post(url("cascade_table_create", cast, workshop.pk), {"label": "1"})
    assert response.status_code == 200 and "This workshop is closed" in response.content.decode()
    assert not ScoringTable.objects.exists()


def test_edit_a_table(client, cast):
    table = ScoringTableFactory(workshop__cohort__partnership=cast.partnership, label="1")
    sign_in(client, cast.lead)
    assert 'value="1"' in client.get(url("cascade_table_edit", cast, table.pk)).content.decode()
    assert client.post(url("cascade_table_edit", cast, table.pk), {"label": "Green"}).status_code == 302
    table.refresh_from_db()
    assert table.label == "Green"
    assert AuditEvent.objects.filter(object_type="cascade.scoringtable", action="update").exists()


@pytest.mark.parametrize(
    "name", ["cascade_workshop_detail", "cascade_workshop_edit", "cascade_workshop_close", "cascade_table_create"]
)
def test_another_partnerships_workshop_is_404(client, cast, name):
    theirs = WorkshopFactory(cohort__partnership=cast.other_partnership)
    sign_in(client, cast.lead)
    assert client.get(url(name, cast, theirs.pk)).status_code == 404


def test_another_partnerships_table_is_404(client, cast):
    theirs = ScoringTableFactory(workshop__cohort__partnership=cast.other_partnership)
    sign_in(client, cast.lead)
    assert client.get(url("cascade_table_edit", cast, theirs.pk)).status_code == 404
    assert client.post(url("cascade_table_edit", cast, theirs.pk), {"label": "x"}).status_code == 404


def test_a_commissioner_reads_but_never_writes(client, cast):
    commissioner = member(cast.partnership, Role.COMMISSIONER)
    workshop = WorkshopFactory(cohort__partnership=cast.partnership)
    table = ScoringTableFactory(workshop=workshop)
    html = page(client, commissioner, url("cascade_workshop_detail", cast, workshop.pk))
    assert "Add a table" not in html and "Close workshop" not in html and "Plan an action" not in html
    assert client.get(url("cascade_home", cast)).status_code == 200
    writes = [
        ("cascade_cohort_create", (), {"name": "South"}),
        ("cascade_workshop_create", (), {}),
        ("cascade_workshop_edit", (workshop.pk,), {"held_on": "2026-03-02"}),
        ("cascade_workshop_close", (workshop.pk,), {}),
        ("cascade_table_create", (workshop.pk,), {"label": "9"}),
        ("cascade_table_edit", (table.pk,), {"label": "9"}),
    ]
    for name, args, data in writes:
        assert client.post(url(name, cast, *args), data).status_code == 403, name
    workshop.refresh_from_db()
    assert workshop.is_open and not Cohort.objects.filter(name="South").exists()
