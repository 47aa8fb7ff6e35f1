import csv
import io
import json
from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AuditEvent, DirectoryService, PartnershipOrganisation, ServiceSchedule
from partnership.models.audit import AuditAction
from partnership.roles import Role
from partnership.services import directory as service
from partnership.services.directory import add_months, needs_review, review_cutoff

from ..conftest import sign_in
from ..factories import OrganisationFactory, PartnershipOrganisationFactory, member
from .factories import DirectoryServiceFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 6, 15, 10, 0)), tick=False):
        yield


def provider_of(partnership, **kwargs):
    return PartnershipOrganisationFactory(partnership=partnership, **kwargs).organisation


def entry(cast, **kwargs):
    kwargs.setdefault("provider", provider_of(cast.partnership))
    return DirectoryServiceFactory(partnership=cast.partnership, last_reviewed_by=cast.lead, **kwargs)


def list_url(cast, **params):
    url = reverse("directory_list", args=[cast.partnership.slug])
    if params:
        from urllib.parse import urlencode

        url += "?" + urlencode(params)
    return url


# --- the review rule ---------------------------------------------------------------------------
def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), -12) == date(2023, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_an_entry_reviewed_exactly_12_months_ago_does_not_need_review_but_a_day_earlier_does(cast):
    assert review_cutoff(TODAY) == date(2025, 6, 15)
    on_the_day = entry(cast, last_reviewed_on=date(2025, 6, 15))
    day_before = entry(cast, last_reviewed_on=date(2025, 6, 14))
    assert not needs_review(on_the_day, TODAY)
    assert needs_review(day_before, TODAY)
    queryset = DirectoryService.objects.filter(partnership=cast.partnership)
    assert list(service.needing_review(queryset, TODAY)) == [day_before]


def test_the_list_flags_an_entry_not_reviewed_for_more_than_12_months_as_text(client, cast):
    entry(cast, name="Old entry", last_reviewed_on=date(2025, 6, 14))
    entry(cast, name="Fresh entry", last_reviewed_on=date(2025, 6, 15))
    sign_in(client, cast.reader)
    html = client.get(list_url(cast)).content.decode()
    assert "Not reviewed since 14 June 2025" in html
    assert "Not reviewed since 15 June 2025" not in html


def test_the_review_list_shows_only_entries_needing_review(client, cast):
    entry(cast, name="Stale counselling", last_reviewed_on=date(2024, 1, 2))
    entry(cast, name="Current counselling", last_reviewed_on=date(2026, 1, 2))
    sign_in(client, cast.lead)
    html = client.get(reverse("directory_review_list", args=[cast.partnership.slug])).content.decode()
    assert "Stale counselling" in html and "Current counselling" not in html


# --- search ------------------------------------------------------------------------------------
def names(response) -> set[str]:
    html = response.content.decode()
    return {n for n in ("Anxiety group", "Bereavement service", "Crisis line", "Little ones") if f">{n}<" in html}


@pytest.fixture
def catalogue(cast):
    entry(cast, name="Anxiety group", needs=["anxiety"], min_age=11, max_age=16, school_phases=["secondary"])
    entry(
        cast,
        name="Bereavement service",
        needs=["bereavement"],
        min_age=5,
        max_age=11,
        school_phases=["primary"],
        thrive_groupings=["getting_advice"],
        self_referral=True,
    )
    entry(
        cast,
        name="Crisis line",
        needs=["crisis", "self_harm"],
        min_age=16,
        max_age=25,
        school_phases=["post_16"],
        thrive_groupings=["getting_risk_support"],
        channels=["text"],
        description="Text us any time",
    )
    entry(
        cast, name="Little ones", needs=["family"], min_age=0, max_age=4, school_phases=["early_years"], is_active=False
    )
    return cast


def test_search_by_need(client, catalogue):
    sign_in(client, catalogue.reader)
    assert names(client.get(list_url(catalogue, need="bereavement"))) == {"Bereavement service"}


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (10, {"Bereavement service"}),
        (11, {"Bereavement service", "Anxiety group"}),  # both boundaries are inclusive
        (16, {"Anxiety group", "Crisis line"}),
        (17, {"Crisis line"}),
        (25, {"Crisis line"}),
    ],
)
def test_search_by_age_includes_both_boundaries(client, catalogue, age, expected):
    sign_in(client, catalogue.reader)
    assert names(client.get(list_url(catalogue, age=age))) == expected


def test_search_by_phase_thrive_channel_self_referral_and_text(client, catalogue):
    sign_in(client, catalogue.reader)
    assert names(client.get(list_url(catalogue, phase="primary"))) == {"Bereavement service"}
    assert names(client.get(list_url(catalogue, thrive="getting_risk_support"))) == {"Crisis line"}
    assert names(client.get(list_url(catalogue, channel="text"))) == {"Crisis line"}
    assert names(client.get(list_url(catalogue, self_referral="yes"))) == {"Bereavement service"}
    assert names(client.get(list_url(catalogue, q="text us"))) == {"Crisis line"}


def test_inactive_entries_are_hidden_unless_asked_for(client, catalogue):
    sign_in(client, catalogue.reader)
    assert "Little ones" not in names(client.get(list_url(catalogue)))
    assert "Little ones" in names(client.get(list_url(catalogue, include_inactive="on")))


def test_a_bad_age_is_an_error_not_a_500(client, catalogue):
    sign_in(client, catalogue.reader)
    response = client.get(list_url(catalogue, age="twelve"))
    assert response.status_code == 200
    assert "Enter the age as a number, for example 14" in response.content.decode()


def test_pagination_keeps_the_filters(client, cast):
    for n in range(27):
        entry(cast, name=f"Service {n:02d}", needs=["anxiety"])
    sign_in(client, cast.reader)
    html = client.get(list_url(cast, need="anxiety")).content.decode()
    assert "27 services found" in html
    assert "?need=anxiety&amp;page=2" in html


def test_the_result_shows_provider_thrive_ages_phases_access_and_wait(client, cast):
    entry(
        cast,
        name="Drop-in",
        provider=provider_of(cast.partnership, organisation=OrganisationFactory(name="Young Minds Together")),
        thrive_groupings=["getting_help", "getting_advice"],
        min_age=11,
        max_age=19,
        school_phases=["secondary", "post_16"],
        how_to_access="Just turn up",
        typical_wait_days=7,
    )
    sign_in(client, cast.reader)
    html = client.get(list_url(cast)).content.decode()
    for text in (
        "Young Minds Together",
        "Getting Help, Getting Advice and Signposting",
        "11 to 19",
        "Secondary, Sixth form and college (16 to 25)",
        "Just turn up",
        "7 days",
    ):
        assert text in html


def test_another_partnerships_entry_is_404(client, cast):
    other = DirectoryServiceFactory(partnership=cast.other_partnership)
    sign_in(client, cast.lead)
    assert client.get(reverse("directory_detail", args=[cast.partnership.slug, other.pk])).status_code == 404
    assert client.get(reverse("directory_detail", args=[cast.other_partnership.slug, other.pk])).status_code == 404
    assert client.get(reverse("directory_edit", args=[cast.partnership.slug, other.pk])).status_code == 404


def test_the_detail_page_shows_everything(client, cast):
    s = entry(
        cast,
        eligibility="Anyone at school in Northshire",
        thresholds="Moderate needs",
        phone="01632 960123",
        opening_hours="Closed on bank holidays",
    )
    ServiceSchedule.objects.create(service=s, byday="MO", opens_at=time(9), closes_at=time(17))
    sign_in(client, cast.reader)
    html = client.get(reverse("directory_detail", args=[cast.partnership.slug, s.pk])).content.decode()
    for text in ("Anyone at school in Northshire", "Moderate needs", "01632 960123", "Monday", "09:00", "17:00"):
        assert text in html
    assert "Closed on bank holidays" in html
    assert cast.lead.full_name in html
    assert "Change this entry" not in html  # the reader cannot change it


# --- create and edit ---------------------------------------------------------------------------
def form_data(provider, **overrides):
    data = {
        "provider": provider.pk,
        "name": "Worry Busters",
        "description": "Group work for anxious children",
        "thrive_groupings": ["getting_help"],
        "needs": ["anxiety"],
        "min_age": "8",
        "max_age": "12",
        "school_phases": ["primary"],
        "eligibility": "Primary pupils in Northshire",
        "how_to_access": "Ask your school",
        "channels": ["phone"],
        "day_0": "MO",
        "opens_0": "09:00",
        "closes_0": "12:00",
        "day_1": "",
    }
    data.update(overrides)
    return data


def test_the_lead_adds_an_entry_with_opening_times_and_it_is_audited(client, cast):
    provider = provider_of(cast.partnership)
    sign_in(client, cast.lead)
    response = client.post(reverse("directory_create", args=[cast.partnership.slug]), form_data(provider))
    created = DirectoryService.objects.get(name="Worry Busters")
    assert response.status_code == 302
    assert response.url == reverse("directory_detail", args=[cast.partnership.slug, created.pk])
    assert created.partnership == cast.partnership
    assert created.last_reviewed_on == TODAY and created.last_reviewed_by == cast.lead
    assert [(s.byday, s.opens_at, s.closes_at) for s in created.schedules.all()] == [("MO", time(9), time(12))]
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(created.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"min_age": "14", "max_age": "12"}, "The oldest age must be the same as or older than the youngest age"),
        ({"opens_0": "13:00", "closes_0": "12:00"}, "Opening time 1 must close after it opens"),
        ({"day_0": "", "opens_0": "09:00"}, "Select the day for opening time 1"),
        ({"opens_0": "9 o'clock"}, "Enter the opening time in 24-hour format, for example 09:00"),
        ({"name": ""}, "Enter the name of the service"),
        ({"needs": []}, "Select at least one need"),
        ({"min_age": "30"}, "Enter a youngest age of 25 or less"),
        ({"website": "not a url"}, "Enter a website address in the correct format"),
    ],
)
def test_form_errors_are_shown_in_the_error_summary(client, cast, overrides, message):
    provider = provider_of(cast.partnership)
    sign_in(client, cast.lead)
    response = client.post(reverse("directory_create", args=[cast.partnership.slug]), form_data(provider, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not DirectoryService.objects.exists()


def test_the_provider_must_be_an_active_member_organisation(client, cast):
    lapsed = provider_of(cast.partnership, status=PartnershipOrganisation.Status.LAPSED)
    outsider_org = PartnershipOrganisationFactory(partnership=cast.other_partnership).organisation
    sign_in(client, cast.lead)
    page = client.get(reverse("directory_create", args=[cast.partnership.slug])).content.decode()
    assert lapsed.name not in page and outsider_org.name not in page
    for org in (lapsed, outsider_org):
        response = client.post(reverse("directory_create", args=[cast.partnership.slug]), form_data(org))
        assert response.status_code == 200
        assert "Select an organisation that is an active member of the partnership" in response.content.decode()
    with pytest.raises(ValidationError):
        service.create_service(
            partnership=cast.partnership, by=cast.lead, fields=_fields(lapsed), schedules=[], today=TODAY
        )


def _fields(provider):
    s = DirectoryServiceFactory.build(provider=provider)
    return {name: getattr(s, name) for name in service.EDITABLE_FIELDS}


def test_editing_records_what_changed_and_replaces_opening_times(client, cast):
    s = entry(cast, name="Old name")
    ServiceSchedule.objects.create(service=s, byday="TU", opens_at=time(9), closes_at=time(17))
    sign_in(client, cast.lead)
    page = client.get(reverse("directory_edit", args=[cast.partnership.slug, s.pk])).content.decode()
    assert 'value="09:00"' in page
    data = form_data(s.provider, name="New name", day_0="WE", opens_0="10:00", closes_0="15:00")
    response = client.post(reverse("directory_edit", args=[cast.partnership.slug, s.pk]), data)
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.name == "New name"
    assert [(x.byday, x.opens_at) for x in s.schedules.all()] == [("WE", time(10))]
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(s.pk))
    assert event.detail["changed"]["name"] == ["Old name", "New name"]
    assert "opening_times" in event.detail["changed"]


def test_mark_as_reviewed_sets_today_and_the_reviewer_and_is_audited(client, cast):
    s = entry(cast, last_reviewed_on=date(2024, 1, 1))
    s.last_reviewed_by = member(cast.partnership, Role.AREA_LEAD)
    s.save()
    sign_in(client, cast.lead)
    url = reverse("directory_reviewed", args=[cast.partnership.slug, s.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    s.refresh_from_db()
    assert s.last_reviewed_on == TODAY and s.last_reviewed_by == cast.lead
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(s.pk))
    assert event.detail["last_reviewed_on"] == ["2024-01-01", "2026-06-15"]


def test_deactivate_asks_first_then_hides_the_entry_and_cannot_be_repeated(client, cast):
    s = entry(cast)
    sign_in(client, cast.lead)
    url = reverse("directory_deactivate", args=[cast.partnership.slug, s.pk])
    assert "Stop listing" in client.get(url).content.decode()
    s.refresh_from_db()
    assert s.is_active
    posted = client.post(url)
    assert posted.status_code == 302, posted.content.decode()[-3000:]
    s.refresh_from_db()
    assert not s.is_active
    assert AuditEvent.objects.filter(action=AuditAction.STATE_CHANGE, object_id=str(s.pk)).count() == 1
    again = client.post(url)
    assert again.status_code == 200
    assert "This entry is already no longer listed." in again.content.decode()


def test_a_reader_cannot_change_the_directory(client, cast):
    s = entry(cast)
    sign_in(client, cast.reader)
    assert client.post(reverse("directory_reviewed", args=[cast.partnership.slug, s.pk])).status_code == 403
    assert client.post(reverse("directory_deactivate", args=[cast.partnership.slug, s.pk])).status_code == 403


# --- exports -----------------------------------------------------------------------------------
def test_csv_export_has_the_filtered_rows_neutralises_formulas_and_is_audited(client, cast):
    entry(cast, name='=HYPERLINK("http://evil")', needs=["anxiety"])
    entry(cast, name="Bereavement", needs=["bereavement"], last_reviewed_on=date(2024, 1, 1))
    sign_in(client, cast.reader)
    response = client.get(reverse("directory_export_csv", args=[cast.partnership.slug]) + "?need=anxiety")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="own-directory-2026-06-15.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == service.CSV_HEADER
    assert len(rows) == 2
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["rows"] == 1 and event.detail["export"] == "csv"
    assert event.detail["filters"] == {"need": "anxiety"}
    assert event.actor == cast.reader


def test_csv_export_says_when_an_entry_needs_review(client, cast):
    entry(cast, name="Stale", last_reviewed_on=date(2024, 1, 1))
    sign_in(client, cast.reader)
    response = client.get(reverse("directory_export_csv", args=[cast.partnership.slug]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["Needs review"] == "Yes" and rows[0]["Last reviewed on"] == "2024-01-01"


def oruk(client, cast, query=""):
    response = client.get(reverse("directory_export_oruk", args=[cast.partnership.slug]) + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert 'filename="own-directory-oruk-2026-06-15.json"' in response["Content-Disposition"]
    return json.loads(response.content)


def test_oruk_export_has_the_standard_shape(client, cast):
    s = entry(
        cast,
        name="Text line",
        thrive_groupings=["getting_risk_support"],
        needs=["crisis"],
        min_age=13,
        max_age=25,
        eligibility="Anyone aged 13 to 25",
        contact_name="Duty worker",
        phone="01632 960001",
        email="text@example.org",
        website="https://text.example.org",
        opening_hours="Closed on Christmas Day",
    )
    ServiceSchedule.objects.create(service=s, byday="SA", opens_at=time(10), closes_at=time(16, 30))
    sign_in(client, cast.reader)
    document = oruk(client, cast)
    assert set(document) == {"organizations", "services"}
    (organisation,) = document["organizations"]
    assert organisation["name"] == s.provider.name and set(organisation) == {"id", "name", "description", "url"}
    (exported,) = document["services"]
    assert exported["organization_id"] == organisation["id"]
    assert exported["status"] == "active"
    assert exported["url"] == "https://text.example.org" and exported["email"] == "text@example.org"
    assert exported["eligibilitys"][0] | {"id": None} == {
        "id": None,
        "eligibility": "Anyone aged 13 to 25",
        "minimum_age": 13,
        "maximum_age": 25,
    }
    assert exported["contacts"][0]["name"] == "Duty worker"
    assert exported["contacts"][0]["phones"][0]["number"] == "01632 960001"
    weekly, note = exported["schedules"]
    assert {k: weekly[k] for k in ("freq", "byday", "opens_at", "closes_at")} == {
        "freq": "WEEKLY",
        "byday": "SA",
        "opens_at": "10:00:00",
        "closes_at": "16:30:00",
    }
    assert note["description"] == "Closed on Christmas Day"
    terms = {(t["taxonomy"]["vocabulary"], t["taxonomy"]["name"]) for t in exported["service_taxonomys"]}
    assert terms == {("THRIVE", "Getting Risk Support"), ("needs", "Crisis and urgent help")}
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).detail["rows"] == 1


def test_oruk_ids_are_stable_across_exports_and_unique_per_service(client, cast):
    first, second = entry(cast, name="A"), entry(cast, name="B")
    sign_in(client, cast.reader)
    one, two = oruk(client, cast), oruk(client, cast)
    assert [s["id"] for s in one["services"]] == [s["id"] for s in two["services"]]
    assert len({s["id"] for s in one["services"]}) == 2
    assert one["services"][0]["id"] == service.oruk_service_id(first)
    # shaped like a UUID
    import uuid

    assert str(uuid.UUID(one["services"][1]["id"])) == service.oruk_service_id(second)


def test_oruk_export_marks_inactive_entries_when_included(client, cast):
    entry(cast, name="Closed", is_active=False)
    sign_in(client, cast.reader)
    assert oruk(client, cast)["services"] == []
    assert oruk(client, cast, "?include_inactive=on")["services"][0]["status"] == "inactive"


# --- demo --------------------------------------------------------------------------------------
def test_demo_directory_seed_is_idempotent_and_covers_every_thrive_grouping(cast):
    from demo.governance import directory as demo
    from partnership.models import FundingStream, Organisation, SustainabilityPlan

    organisations = {}
    for name in (demo.CYPMHS, demo.COUNCIL, demo.ICB, demo.YMT, demo.ONLINE):
        organisations[name] = Organisation.objects.create(name=name, kind="vcso")
    people = {"area.lead": cast.lead, "commissioner": member(cast.partnership, Role.COMMISSIONER)}
    demo.seed(cast.partnership, organisations, people)
    demo.seed(cast.partnership, organisations, people)
    services = DirectoryService.objects.filter(partnership=cast.partnership)
    assert services.count() == 30
    groupings = {g for s in services for g in s.thrive_groupings}
    assert groupings == {"thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support"}
    assert 2 <= len(service.needing_review(services, timezone.localdate())) <= 6
    with_times = ServiceSchedule.objects.filter(service__partnership=cast.partnership).values("service").distinct()
    assert with_times.count() > 20
    plan = SustainabilityPlan.objects.get(partnership=cast.partnership)
    assert plan.accountable_owner == people["commissioner"]
    assert FundingStream.objects.filter(plan=plan).count() == 3
    assert timedelta(0) < min(f.ends_on for f in plan.funding_streams.all()) - timezone.localdate() < timedelta(183)
