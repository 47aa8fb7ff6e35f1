"""Teams, practitioners, the offer and holiday offers: capacity on the team's page against hand
calculations, form errors, the services' rules and their audit events, and what each page shows."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from mhst.models import AllocationStatus, Function, HolidayOffer, OfferItem, Practitioner, PractitionerRole, Team
from mhst.services import teams as service
from partnership.models import AuditEvent, OrganisationKind
from partnership.models.audit import AuditAction

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipOrganisationFactory
from ..governance.factories import DirectoryServiceFactory
from .factories import approved, make_world, today

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world():
    return make_world()


def team_url(world, team=None, **query):
    url = reverse("mhst_team", args=[world.partnership.slug, (team or world.team).pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def capacity_on_page(client, url) -> dict:
    html = client.get(url).content.decode()
    found = {}
    for key in ("qualified", "trainee", "other"):
        match = re.search(rf'id="{key}-wte">([\d.]+) WTE', html)
        found[key] = match.group(1)
    found["sessions"] = re.search(r"WTE \(([\d.]+) sessions a week\)", html).group(1)
    return found


def audits(obj, action):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action)


def errors(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    return html


# --- capacity on the team's page ---------------------------------------------------------------


def test_capacity_today_matches_the_hand_calculation(client, world):
    # EMHP 1.00 + senior 0.50 qualified = 1.50 (15 sessions); trainee 1.00; administrator 0.60.
    sign_in(client, world.steering)
    assert capacity_on_page(client, team_url(world)) == {
        "qualified": "1.50",
        "trainee": "1.00",
        "other": "0.60",
        "sessions": "15.00",
    }


def test_a_trainee_counts_as_qualified_from_training_completion(client, world):
    completes = today() - 10 * DAY
    Practitioner.objects.filter(name="Tia Trainee").update(training_completed_on=completes)
    sign_in(client, world.steering)
    after = capacity_on_page(client, team_url(world, on=completes.isoformat()))
    assert (after["qualified"], after["trainee"], after["sessions"]) == ("2.50", "0.00", "25.00")
    before = capacity_on_page(client, team_url(world, on=(completes - DAY).isoformat()))
    assert (before["qualified"], before["trainee"]) == ("1.50", "1.00")


def test_practitioners_who_ended_before_the_date_are_not_counted(client, world):
    Practitioner.objects.filter(name="Sam Senior").update(ended_on=today() - 5 * DAY)
    sign_in(client, world.steering)
    assert capacity_on_page(client, team_url(world))["qualified"] == "1.00"
    # On their last day they still count.
    assert capacity_on_page(client, team_url(world, on=(today() - 5 * DAY).isoformat()))["qualified"] == "1.50"
    # Before anyone started (a year ago), nothing.
    early = capacity_on_page(client, team_url(world, on=(today() - 400 * DAY).isoformat()))
    assert early == {"qualified": "0.00", "trainee": "0.00", "other": "0.00", "sessions": "0.00"}


@pytest.mark.parametrize("junk", ["abc", "2026-02-30", "<script>", "99999-01-01"])
def test_a_bad_date_shows_an_error_and_todays_capacity(client, world, junk):
    sign_in(client, world.steering)
    response = client.get(team_url(world), {"on": junk})
    html = errors(response)
    assert "Enter the date as a real date" in html
    assert "<script>" not in html
    assert capacity_on_page(client, team_url(world))["qualified"] == "1.50"


# --- what the pages show -----------------------------------------------------------------------


def test_the_list_shows_each_team_with_capacity_and_allocated_schools(client, world):
    approved(world.team, {world.school: "0.50", world.other_school: "0.25"}, by=world.area_lead)
    sign_in(client, world.commissioner)
    html = client.get(reverse("mhst_home", args=[world.partnership.slug])).content.decode()
    row = html[html.index("North MHST") : html.index("South MHST")]
    cells = re.findall(r'numeric"><span class="nhsuk-table-responsive__heading">[^<]+</span>([^<]+)<', row)
    assert cells == ["1.50", "1.00", "2"]
    assert "Add a team" not in html
    assert reverse("mhst_coverage", args=[world.partnership.slug]) in html
    assert reverse("mhst_readiness", args=[world.partnership.slug]) not in html


def test_the_list_links_follow_permissions(client, world):
    slug = world.partnership.slug
    sign_in(client, world.area_lead)
    html = client.get(reverse("mhst_home", args=[slug])).content.decode()
    assert "Add a team" in html and reverse("mhst_readiness", args=[slug]) in html
    client.logout()
    sign_in(client, world.school_lead)
    html = client.get(reverse("mhst_home", args=[slug])).content.decode()
    assert reverse("mhst_school", args=[slug, world.school.pk]) in html
    assert reverse("mhst_school", args=[slug, world.other_school.pk]) not in html
    assert reverse("mhst_coverage", args=[slug]) not in html
    assert reverse("mhst_method", args=[slug]) in html


def test_the_empty_list_says_so(client):
    world = make_world()
    Practitioner.objects.all().delete()
    Team.objects.all().delete()
    sign_in(client, world.steering)
    assert (
        "has no Mental Health Support Teams yet"
        in client.get(reverse("mhst_home", args=[world.partnership.slug])).content.decode()
    )


def test_team_page_links_and_proposal_by_role(client, world):
    slug = world.partnership.slug
    approved(world.team, {world.school: "0.50"}, by=world.area_lead)
    proposal = approved(world.team, {world.school: "0.75"}, by=world.area_lead, status=AllocationStatus.PROPOSED)
    propose = reverse("mhst_propose", args=[slug, world.team.pk])
    caseload = reverse("mhst_caseload", args=[slug, world.team.pk])
    proposal_url = reverse("mhst_allocation", args=[slug, proposal.pk])
    expected = {
        "manager": (True, True, True),
        "practitioner_user": (False, True, False),
        "steering": (False, False, True),
        "school_lead": (False, False, False),
        "other_manager": (False, False, False),
    }
    for who, wanted in expected.items():
        client.logout()
        sign_in(client, getattr(world, who))
        html = client.get(team_url(world)).content.decode()
        assert (propose in html, caseload in html, proposal_url in html) == wanted, who
        assert "Allocation version 1" in html


def test_team_page_shows_offer_by_function_and_holiday_offers(client, world):
    OfferItem.objects.create(team=world.team, function=2, title="Staff training on anxiety")
    OfferItem.objects.create(team=world.team, function=1, title="Guided self-help", is_active=False)
    holiday = HolidayOffer.objects.create(
        team=world.team, name="Summer 2026", starts_on=today(), ends_on=today() + 30 * DAY, offer="Weekly drop-in"
    )
    holiday.schools.set([world.school])
    sign_in(client, world.school_lead)
    html = client.get(team_url(world)).content.decode()
    offer = html[html.index("The team's offer to schools") :]
    first, second = (f"<h3>{Function(n).title}</h3>" for n in (1, 2))
    assert offer.index(first) < offer.index("Guided self-help") < offer.index(second)
    assert offer.index(second) < offer.index("Staff training on anxiety")
    assert "Deactivated" in html
    assert "Summer 2026" in html and "Weekly drop-in" in html and world.school.name in html
    assert "Change the team" not in html and "Add a practitioner" not in html


# --- teams -------------------------------------------------------------------------------------


def _entry(world, provider=None):
    return DirectoryServiceFactory(partnership=world.partnership, provider=provider or world.provider, name="East")


def test_the_area_lead_adds_a_team(client, world):
    entry = _entry(world)
    sign_in(client, world.area_lead)
    url = reverse("mhst_team_add", args=[world.partnership.slug])
    response = client.post(
        url,
        {
            "provider": world.provider.pk,
            "name": "East MHST",
            "wave": "Wave 9",
            "service_lead": world.manager.pk,
            "started_on": "2026-01-05",
            "service": entry.pk,
        },
    )
    team = Team.objects.get(name="East MHST")
    assert response.status_code == 302 and response.url == team_url(world, team)
    assert (team.provider, team.service, team.service_lead, team.wave) == (
        world.provider,
        entry,
        world.manager,
        "Wave 9",
    )
    assert audits(team, AuditAction.CREATE).get().actor == world.area_lead


def test_adding_a_team_refuses_mismatches(client, world):
    other_provider = OrganisationFactory(cypmhs=True)
    PartnershipOrganisationFactory(partnership=world.partnership, organisation=other_provider)
    entry = _entry(world, other_provider)
    sign_in(client, world.area_lead)
    url = reverse("mhst_team_add", args=[world.partnership.slug])
    html = errors(
        client.post(
            url,
            {
                "provider": world.provider.pk,
                "name": "North MHST",
                "service_lead": world.school_lead.pk,
                "started_on": "2026-01-05",
                "service": entry.pk,
            },
        )
    )
    assert "already has a team with this name" in html
    assert "service lead who is a member of the partnership at the team" in html
    assert "run by the team&#39;s provider" in html or "run by the team's provider" in html
    html = errors(client.post(url, {"started_on": "31/02/2026"}))
    for message in ("Select the organisation that runs the team", "Enter the team", "Enter a real date"):
        assert message in html.replace("&#39;", "'")
    assert Team.objects.count() == 2


def test_a_linked_directory_entry_is_not_offered_again(world):
    with pytest.raises(ValidationError) as caught:
        service.create_team(
            partnership=world.partnership,
            by=world.area_lead,
            provider=world.provider,
            name="Second",
            started_on=today(),
            service=world.team.service,
        )
    assert "already linked" in str(caught.value)


def test_only_the_area_lead_creates_and_others_edit_nothing(world):
    with pytest.raises(PermissionDenied):
        service.create_team(
            partnership=world.partnership,
            by=world.manager,
            provider=world.provider,
            name="X",
            started_on=today(),
            service=_entry(world),
        )
    for user in (world.steering, world.commissioner, world.other_manager, world.practitioner_user):
        with pytest.raises(PermissionDenied):
            service.update_team(team=world.team, by=user, wave="Wave 1")


def test_the_manager_changes_the_team_and_it_is_audited(client, world):
    sign_in(client, world.manager)
    url = reverse("mhst_team_edit", args=[world.partnership.slug, world.team.pk])
    data = {
        "name": "North MHST",
        "wave": "Wave 7",
        "started_on": world.team.started_on.isoformat(),
        "service": world.team.service_id,
        "service_lead": world.manager.pk,
    }
    assert client.post(url, data).status_code == 302
    world.team.refresh_from_db()
    assert world.team.wave == "Wave 7"
    assert audits(world.team, AuditAction.UPDATE).get().detail == {"wave": ["Wave 5", "Wave 7"]}


# --- practitioners -----------------------------------------------------------------------------


def practitioner_data(**changes):
    return {"name": "Pat New", "role": PractitionerRole.EMHP, "wte": "0.80", "started_on": "2026-01-05"} | changes


@pytest.mark.parametrize(
    ("wte", "message"),
    [
        ("abc", "Whole-time equivalent must be a number, like 0.60"),
        ("0", "Whole-time equivalent must be between 0.01 and 1.00"),
        ("1.5", "Whole-time equivalent must be between 0.01 and 1.00"),
        ("0.333", "no more than 2 decimal places"),
        ("", "Enter the whole-time equivalent"),
        ("NaN", "Whole-time equivalent must be"),
    ],
)
def test_wte_errors_are_clear(client, world, wte, message):
    sign_in(client, world.manager)
    url = reverse("mhst_practitioner_add", args=[world.partnership.slug, world.team.pk])
    assert message in errors(client.post(url, practitioner_data(wte=wte)))
    assert not Practitioner.objects.filter(name="Pat New").exists()


def test_date_rules_for_practitioners(client, world):
    sign_in(client, world.manager)
    url = reverse("mhst_practitioner_add", args=[world.partnership.slug, world.team.pk])
    html = errors(client.post(url, practitioner_data(ended_on="2026-01-04")))
    assert "The end date must be the same as or after the start date" in html
    html = errors(client.post(url, practitioner_data(role=PractitionerRole.TRAINEE)))
    assert "Enter the date their training completes" in html
    html = errors(
        client.post(url, practitioner_data(role=PractitionerRole.TRAINEE, training_completed_on="2025-12-01"))
    )
    assert "must be after the start date" in html
    html = errors(client.post(url, practitioner_data(training_completed_on="2026-09-01")))
    assert "Leave the training completion date blank" in html
    assert not Practitioner.objects.filter(name="Pat New").exists()


def test_a_linked_account_must_be_at_the_teams_provider(client, world):
    with pytest.raises(ValidationError) as caught:
        service.add_practitioner(team=world.team, by=world.manager, **practitioner_data(user=world.other_manager))
    assert "member of the partnership at" in str(caught.value)
    sign_in(client, world.manager)
    url = reverse("mhst_practitioner_add", args=[world.partnership.slug, world.team.pk])
    assert "Select the account from the list" in errors(client.post(url, practitioner_data(user=world.school_lead.pk)))


def test_adding_and_ending_a_post_is_audited(client, world):
    sign_in(client, world.manager)
    slug = world.partnership.slug
    data = practitioner_data(
        role=PractitionerRole.TRAINEE, training_completed_on="2026-09-01", user=world.practitioner_user.pk
    )
    assert client.post(reverse("mhst_practitioner_add", args=[slug, world.team.pk]), data).status_code == 302
    pat = Practitioner.objects.get(name="Pat New")
    assert (pat.wte, pat.user, pat.team) == (Decimal("0.80"), world.practitioner_user, world.team)
    assert audits(pat, AuditAction.CREATE).get().detail["wte"] == "0.80"
    ended = data | {"ended_on": "2026-03-31", "user": ""}
    assert client.post(reverse("mhst_practitioner_edit", args=[slug, pat.pk]), ended).status_code == 302
    pat.refresh_from_db()
    assert pat.ended_on == datetime.date(2026, 3, 31) and pat.user is None
    detail = audits(pat, AuditAction.UPDATE).get().detail
    assert detail["ended_on"] == ["None", "2026-03-31"]
    assert detail["user"] == [str(world.practitioner_user.pk), "None"]


def test_only_the_teams_managers_change_practitioners(world):
    for user in (world.other_manager, world.area_lead, world.practitioner_user, world.steering):
        with pytest.raises(PermissionDenied):
            service.add_practitioner(team=world.team, by=user, **practitioner_data())
        with pytest.raises(PermissionDenied):
            service.update_practitioner(practitioner=world.practitioner, by=user, wte="0.50")
    assert not audits(world.practitioner, AuditAction.UPDATE).exists()


# --- the offer ---------------------------------------------------------------------------------


def test_offer_items_are_added_deactivated_and_reactivated(client, world):
    sign_in(client, world.manager)
    slug = world.partnership.slug
    add = reverse("mhst_offer_add", args=[slug, world.team.pk])
    assert client.post(add, {"function": "1", "title": "Guided self-help"}).status_code == 302
    item = OfferItem.objects.get(team=world.team)
    assert audits(item, AuditAction.CREATE).exists()
    assert "already has support with this name" in errors(
        client.post(add, {"function": "2", "title": "guided SELF-help"})
    )
    assert "Select the function" in errors(client.post(add, {"function": "7", "title": "X"}))
    edit = reverse("mhst_offer_edit", args=[slug, item.pk])
    assert client.post(edit, {"function": "1", "title": "Guided self-help", "is_active": "no"}).status_code == 302
    item.refresh_from_db()
    assert item.is_active is False
    assert client.post(edit, {"function": "1", "title": "Guided self-help", "is_active": "yes"}).status_code == 302
    item.refresh_from_db()
    assert item.is_active is True
    details = [e.detail for e in audits(item, AuditAction.UPDATE).order_by("pk")]
    assert details == [{"is_active": ["True", "False"]}, {"is_active": ["False", "True"]}]


# --- holiday offers ----------------------------------------------------------------------------


def holiday_data(world, **changes):
    return {
        "name": "Summer 2026",
        "starts_on": "2026-07-22",
        "ends_on": "2026-09-01",
        "offer": "Weekly drop-in at the library.",
        "schools": [world.school.pk],
    } | changes


def test_holiday_offers_are_added_changed_and_deleted_with_audit(client, world):
    sign_in(client, world.manager)
    slug = world.partnership.slug
    assert client.post(reverse("mhst_holiday_add", args=[slug, world.team.pk]), holiday_data(world)).status_code == 302
    holiday = HolidayOffer.objects.get(team=world.team)
    assert list(holiday.schools.all()) == [world.school]
    assert audits(holiday, AuditAction.CREATE).get().detail["schools"] == [world.school.pk]
    edit = reverse("mhst_holiday_edit", args=[slug, holiday.pk])
    both = holiday_data(world, schools=[world.school.pk, world.other_school.pk])
    assert client.post(edit, both).status_code == 302
    assert set(holiday.schools.all()) == {world.school, world.other_school}
    assert "schools" in audits(holiday, AuditAction.UPDATE).get().detail
    delete = reverse("mhst_holiday_delete", args=[slug, holiday.pk])
    assert "Delete the Summer 2026 holiday offer?" in client.get(delete).content.decode()
    assert HolidayOffer.objects.filter(pk=holiday.pk).exists()
    assert client.post(delete).status_code == 302
    assert not HolidayOffer.objects.filter(pk=holiday.pk).exists()
    assert AuditEvent.objects.filter(
        object_type="mhst.holidayoffer", object_id=str(holiday.pk), action=AuditAction.DELETE
    ).exists()


def test_holiday_offer_errors(client, world):
    provider_school = OrganisationFactory(kind=OrganisationKind.PRIMARY)  # not a member of the partnership
    sign_in(client, world.manager)
    url = reverse("mhst_holiday_add", args=[world.partnership.slug, world.team.pk])
    html = errors(client.post(url, holiday_data(world, ends_on="2026-07-01")))
    assert "The last day must be the same as or after the first day" in html
    assert "Select schools from the list" in errors(client.post(url, holiday_data(world, schools=[provider_school.pk])))
    assert "Select schools from the list" in errors(client.post(url, holiday_data(world, schools=[world.provider.pk])))
    html = errors(client.post(url, {}))
    for message in ("Enter the name of the holiday", "Enter the date the holiday starts", "Enter what the team offers"):
        assert message in html
    with pytest.raises(ValidationError):
        service.save_holiday_offer(
            team=world.team,
            by=world.manager,
            **(holiday_data(world) | {"starts_on": datetime.date(2026, 7, 22), "ends_on": datetime.date(2026, 7, 1)}),
        )
    with pytest.raises(ValidationError):
        service.save_holiday_offer(
            team=world.team,
            by=world.manager,
            **(
                holiday_data(world)
                | {
                    "starts_on": datetime.date(2026, 7, 22),
                    "ends_on": datetime.date(2026, 8, 1),
                    "schools": [provider_school],
                }
            ),
        )
    with pytest.raises(PermissionDenied):
        service.save_holiday_offer(
            team=world.team,
            by=world.other_manager,
            **(holiday_data(world) | {"starts_on": datetime.date(2026, 7, 22), "ends_on": datetime.date(2026, 8, 1)}),
        )
    assert not HolidayOffer.objects.exists()


def test_junk_posts_to_the_managers_forms_never_500(client, world):
    sign_in(client, world.manager)
    slug = world.partnership.slug
    item = OfferItem.objects.create(team=world.team, function=1, title="CBT")
    junk = "\u00b2<script>'\"=1+1"
    urls = [
        reverse("mhst_team_edit", args=[slug, world.team.pk]),
        reverse("mhst_practitioner_add", args=[slug, world.team.pk]),
        reverse("mhst_practitioner_edit", args=[slug, world.practitioner.pk]),
        reverse("mhst_offer_add", args=[slug, world.team.pk]),
        reverse("mhst_offer_edit", args=[slug, item.pk]),
        reverse("mhst_holiday_add", args=[slug, world.team.pk]),
    ]
    fields = [
        "name",
        "wte",
        "role",
        "started_on",
        "ended_on",
        "training_completed_on",
        "user",
        "service_lead",
        "service",
        "function",
        "title",
        "is_active",
        "starts_on",
        "ends_on",
        "offer",
        "schools",
        "wave",
    ]
    for url in urls:
        for data in ({}, dict.fromkeys(fields, junk), dict.fromkeys(fields, "99999999999999999999")):
            assert client.post(url, data).status_code == 200, (url, data)
