"""The GIAS schools register import: `manage.py import_gias` and partnership.services.gias.

Files are small synthetic ones in the real header shape, written in latin-1 like the real file.
"""

import csv
import datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from partnership.models import (
    AuditEvent,
    LeadContact,
    Organisation,
    OrganisationKind,
    OrganisationLink,
    PartnershipOrganisation,
)
from partnership.models.audit import AuditAction
from partnership.services import gias

from ..factories import OrganisationFactory, PartnershipFactory, PartnershipOrganisationFactory
from .factories import LeadContactFactory

pytestmark = pytest.mark.django_db

# The real file's columns that the importer's reference lists (the real file has more, in its own order).
HEADER = [
    *("URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName"),
    *("TypeOfEstablishment (code)", "TypeOfEstablishment (name)"),
    *("EstablishmentTypeGroup (code)", "EstablishmentTypeGroup (name)"),
    *("EstablishmentStatus (code)", "EstablishmentStatus (name)"),
    *("ReasonEstablishmentOpened (code)", "ReasonEstablishmentOpened (name)", "OpenDate"),
    *("ReasonEstablishmentClosed (code)", "ReasonEstablishmentClosed (name)", "CloseDate"),
    *("PhaseOfEducation (code)", "PhaseOfEducation (name)", "StatutoryLowAge", "StatutoryHighAge"),
    *("Boarders (code)", "Boarders (name)", "NurseryProvision (name)", "OfficialSixthForm (code)"),
    *("OfficialSixthForm (name)", "Gender (code)", "Gender (name)", "ReligiousCharacter (code)"),
    *("ReligiousCharacter (name)", "SchoolCapacity", "NumberOfPupils", "NumberOfBoys", "NumberOfGirls"),
    *("PercentageFSM", "Trusts (code)", "Trusts (name)", "UKPRN", "Street", "Locality", "Address3", "Town"),
    *("County (name)", "Postcode", "SchoolWebsite", "TelephoneNum", "HeadTitle (name)", "HeadFirstName"),
    *("HeadLastName", "GOR (code)", "GOR (name)", "DistrictAdministrative (code)"),
    *("DistrictAdministrative (name)", "UrbanRural (code)", "UrbanRural (name)", "GSSLACode (name)"),
    *("Easting", "Northing", "MSOA (name)", "LSOA (name)", "MSOA (code)", "LSOA (code)", "FSM"),
]
LINK_HEADER = ["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"]
TODAY = datetime.date(2026, 3, 2)
SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


def school(urn, **values) -> dict:
    """A row of an open community primary school in LA 999, as {column: value}; `values` override it
    (pass column names with spaces as `**{"LA (code)": "888"}`)."""
    row = {
        "URN": str(urn),
        "LA (code)": "999",
        "LA (name)": "Northshire",
        "EstablishmentNumber": "2001",
        "EstablishmentName": f"School {urn}",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "4",
        "StatutoryHighAge": "11",
        "NumberOfPupils": "210",
        "PercentageFSM": "12.5",
        "Postcode": "NS1 2AB",
        "LSOA (code)": "E01099001",
        "OpenDate": "01-09-1995",
        "CloseDate": "",
        "GOR (name)": "North West",
    }
    row.update(values)
    return row


def write(path: Path, rows: list[dict], header=HEADER) -> Path:
    with open(path, "w", encoding="latin-1", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column, "") for column in header])
    return path


def run(path: Path, links: Path | None = None, *, partnership=None, la_code="") -> gias.GiasReport:
    with open(path, encoding="latin-1", newline="") as file:
        if links is None:
            return gias.import_gias(
                establishments=file, file_name=path.name, partnership=partnership, la_code=la_code, today=TODAY
            )
        with open(links, encoding="latin-1", newline="") as links_file:
            return gias.import_gias(
                establishments=file,
                file_name=path.name,
                links=links_file,
                links_file_name=links.name,
                partnership=partnership,
                la_code=la_code,
                today=TODAY,
            )


def command(*args) -> str:
    out = StringIO()
    call_command("import_gias", *[str(a) for a in args], stdout=out)
    return out.getvalue()


# Creating, updating, re-running ---------------------------------------------------------------------


def test_import_creates_organisations_with_the_register_fields(tmp_path):
    academy = {"TypeOfEstablishment (name)": "Academy converter", "PhaseOfEducation (name)": "Secondary"}
    path = write(
        tmp_path / "edubasealldata20260301.csv",
        [
            school(
                100001,
                EstablishmentName="École Saint-Michel Primary",
                EstablishmentNumber="42",
                OpenDate="01-09-2015",
                PercentageFSM="18.45",
                Postcode="ns1 2ab",
            ),
            school(100002, **academy),
        ],
    )

    report = run(path)

    assert (report.created, report.updated, report.unchanged, report.bad_rows) == (2, 0, 0, [])
    org = Organisation.objects.get(urn=100001)
    assert org.name == "École Saint-Michel Primary"
    assert org.kind == OrganisationKind.PRIMARY
    assert org.phase == "Primary"
    assert org.laestab == "9990042"
    assert org.la_code == "999"
    assert org.pupil_count == 210
    assert org.fsm_percent == Decimal("18.45")
    assert org.postcode == "NS1 2AB"
    assert org.lsoa_code == "E01099001"
    assert org.establishment_type == "Community school"
    assert org.establishment_status == "Open"
    assert org.opened_on == datetime.date(2015, 9, 1)
    assert org.closed_on is None
    assert Organisation.objects.get(urn=100002).kind == OrganisationKind.SECONDARY


def test_rerunning_the_same_file_changes_nothing(tmp_path):
    path = write(tmp_path / "gias.csv", [school(100001), school(100002, NumberOfPupils="", PercentageFSM="")])
    run(path)
    stamps = dict(Organisation.objects.values_list("urn", "updated_at"))

    report = run(path)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert dict(Organisation.objects.values_list("urn", "updated_at")) == stamps
    assert Organisation.objects.count() == 2


def test_a_changed_row_is_updated_and_the_others_left_alone(tmp_path):
    run(write(tmp_path / "v1.csv", [school(100001), school(100002), school(100003)]))
    before = dict(Organisation.objects.values_list("urn", "updated_at"))

    report = run(
        write(tmp_path / "v2.csv", [school(100001, NumberOfPupils="250"), *map(school, (100002, 100003, 100004))])
    )

    assert (report.created, report.updated, report.unchanged) == (1, 1, 2)
    assert report.changed_fields == {"pupil_count": 1}
    assert Organisation.objects.get(urn=100001).pupil_count == 250
    after = dict(Organisation.objects.values_list("urn", "updated_at"))
    assert after[100001] > before[100001]
    assert after[100002] == before[100002]


def test_an_existing_organisation_found_by_urn_takes_the_register_values(tmp_path):
    OrganisationFactory(urn=100001, name="Old name", kind=OrganisationKind.SECONDARY, pupil_count=5)

    report = run(write(tmp_path / "gias.csv", [school(100001, EstablishmentName="New name")]))

    assert (report.created, report.updated) == (0, 1)
    org = Organisation.objects.get(urn=100001)
    assert (org.name, org.kind, org.pupil_count) == ("New name", OrganisationKind.PRIMARY, 210)


def test_blank_numbers_are_stored_as_null(tmp_path):
    run(write(tmp_path / "gias.csv", [school(100001, NumberOfPupils="", PercentageFSM="", EstablishmentNumber="")]))

    org = Organisation.objects.get(urn=100001)
    assert (org.pupil_count, org.fsm_percent, org.laestab) == (None, None, "")


def test_one_audit_event_per_run_with_the_counts_and_file_name(tmp_path):
    path = write(tmp_path / "edubasealldata20260301.csv", [school(100001), school(100002)])

    run(path)
    run(path)

    events = list(AuditEvent.objects.filter(object_type="partnership.organisation").order_by("id"))
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert all(e.actor is None and e.actor_label == "system" for e in events)
    assert events[0].detail["file"] == "edubasealldata20260301.csv"
    assert (events[0].detail["created"], events[1].detail["unchanged"]) == (2, 2)


def test_a_failure_while_writing_leaves_nothing_half_done(tmp_path, monkeypatch):
    path = write(tmp_path / "gias.csv", [school(100001), school(100002)])

    def fail(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(gias.audit, "record", fail)
    with pytest.raises(RuntimeError):
        run(path)

    assert not Organisation.objects.exists()


# Bad rows and skips -----------------------------------------------------------------------------------


def test_bad_rows_are_reported_with_line_numbers_and_good_rows_imported(tmp_path):
    path = write(
        tmp_path / "gias.csv",
        [
            school(100001),
            school("12A45"),
            school(100003, OpenDate="31-02-2015"),
            school(100004, NumberOfPupils="about 200", PercentageFSM="140"),
            school(100005, EstablishmentName=""),
            school(100006),
            school(100001, EstablishmentName="Again"),
            school(100008, **{"LA (code)": "99"}),
            school(100009, OpenDate="2015-09-01"),
            school(100010, NumberOfPupils="1²"),
        ],
    )

    report = run(path)

    assert report.created == 2
    assert set(Organisation.objects.values_list("urn", flat=True)) == {100001, 100006}
    bad = {row.line: row.problems for row in report.bad_rows}
    assert bad == {
        3: ["URN '12A45' is not a positive whole number"],
        4: ["OpenDate '31-02-2015' is not a date in the form dd-mm-yyyy"],
        5: [
            "NumberOfPupils 'about 200' is not a whole number",
            "PercentageFSM '140' is not a percentage between 0 and 100",
        ],
        6: ["EstablishmentName is missing"],
        8: ["URN 100001 appears again (first on line 2)"],
        9: ["LA (code) '99' is not a 3-digit code"],
        10: ["OpenDate '2015-09-01' is not a date in the form dd-mm-yyyy"],
        11: ["NumberOfPupils '1²' is not a whole number"],
    }
    assert "line 5 (URN 100004): NumberOfPupils 'about 200' is not a whole number" in "\n".join(report.lines())


def test_a_row_with_the_wrong_number_of_fields_is_a_bad_row(tmp_path):
    path = write(tmp_path / "gias.csv", [school(100001)])
    with open(path, "a", encoding="latin-1", newline="") as out:
        out.write("100002,999,Northshire\n")

    report = run(path)

    assert report.created == 1
    assert report.bad_rows[0].line == 3
    assert "has 3 fields" in report.bad_rows[0].problems[0]


def test_a_file_without_a_required_column_is_refused_before_any_write(tmp_path):
    path = write(tmp_path / "gias.csv", [school(100001)], header=[c for c in HEADER if c != "PercentageFSM"])

    with pytest.raises(gias.GiasFileError, match="no column named 'PercentageFSM'"):
        run(path)
    with pytest.raises(CommandError, match="PercentageFSM"):
        command(path)

    assert not Organisation.objects.exists()


def test_a_closed_establishment_not_in_the_register_is_skipped_with_a_reason(tmp_path):
    report = run(
        write(
            tmp_path / "gias.csv",
            [school(100001), school(100002, **{"EstablishmentStatus (name)": "Closed"}, CloseDate="31-08-2019")],
        )
    )

    assert report.created == 1
    assert report.skipped == {"closed and not in the register": 1}
    assert not Organisation.objects.filter(urn=100002).exists()


def test_a_closed_establishment_in_the_register_gets_its_status_and_close_date(tmp_path):
    run(write(tmp_path / "v1.csv", [school(100001)]))
    closed = school(100001, **{"EstablishmentStatus (name)": "Closed"}, CloseDate="31-08-2025", NumberOfPupils="")

    report = run(write(tmp_path / "v2.csv", [closed]))

    assert (report.updated, report.skipped) == (1, {})
    org = Organisation.objects.get(urn=100001)
    assert (org.establishment_status, org.closed_on) == ("Closed", datetime.date(2025, 8, 31))
    assert org.pupil_count == 210  # a closed row changes only the status and the close date
    assert run(write(tmp_path / "v3.csv", [closed])).unchanged == 1


@pytest.mark.parametrize("status", ["Open", "Open, but proposed to close", "Proposed to open"])
def test_open_and_proposed_establishments_are_kept(tmp_path, status):
    report = run(write(tmp_path / "gias.csv", [school(100001, **{"EstablishmentStatus (name)": status})]))

    assert report.created == 1
    assert Organisation.objects.get(urn=100001).establishment_status == status


def test_establishments_that_are_not_schools_or_colleges_in_england_are_skipped_with_grouped_reasons(tmp_path):
    def typed(urn, name, **more):
        return school(urn, **{"TypeOfEstablishment (name)": name}, **more)

    report = run(
        write(
            tmp_path / "gias.csv",
            [
                typed(100001, "Welsh establishment", **{"LA (code)": "670"}),
                typed(100002, "Welsh establishment", **{"LA (code)": "671"}),
                typed(100003, "British schools overseas", **{"LA (code)": "704"}),
                typed(100004, "Higher education institutions"),
                typed(100005, "Online provider"),
                typed(100006, "Community school", **{"GOR (name)": "Wales (pseudo)"}),
                typed(100007, "Space academy"),
                typed(100008, "Community school"),
            ],
        )
    )

    assert report.created == 1
    assert report.bad_rows == []
    assert report.skipped == {
        "not a school or college in England (Welsh establishment)": 3,
        "not a school or college in England (British schools overseas)": 1,
        "not a school or college in England (Higher education institutions)": 1,
        "not a school or college in England (Online provider)": 1,
        "establishment type not recognised (Space academy)": 1,
    }
    assert "  3 not a school or college in England (Welsh establishment)" in report.lines()


@pytest.mark.parametrize(
    ("establishment_type", "phase", "ages", "kind"),
    [
        ("Community school", "Primary", ("4", "11"), OrganisationKind.PRIMARY),
        ("Academy converter", "Middle deemed primary", ("8", "12"), OrganisationKind.PRIMARY),
        ("LA nursery school", "Nursery", ("2", "5"), OrganisationKind.PRIMARY),
        ("Academy sponsor led", "Secondary", ("11", "18"), OrganisationKind.SECONDARY),
        ("Voluntary aided school", "Middle deemed secondary", ("9", "13"), OrganisationKind.SECONDARY),
        ("Free schools", "All-through", ("4", "18"), OrganisationKind.ALL_THROUGH),
        ("Foundation school", "Not applicable", ("11", "16"), OrganisationKind.SECONDARY),
        ("Community school", "Not applicable", ("3", "11"), OrganisationKind.PRIMARY),
        ("Community special school", "Not applicable", ("2", "19"), OrganisationKind.SPECIAL),
        ("Academy special converter", "Secondary", ("11", "19"), OrganisationKind.SPECIAL),
        ("Other independent special school", "Not applicable", ("7", "19"), OrganisationKind.SPECIAL),
        ("Pupil referral unit", "Not applicable", ("11", "16"), OrganisationKind.ALTERNATIVE_PROVISION),
        ("Free schools alternative provision", "Secondary", ("11", "16"), OrganisationKind.ALTERNATIVE_PROVISION),
        ("Other independent school", "All-through", ("3", "18"), OrganisationKind.INDEPENDENT),
        ("Further education", "16 plus", ("16", "99"), OrganisationKind.FE_COLLEGE),
        ("Sixth form centres", "16 plus", ("16", "19"), OrganisationKind.FE_COLLEGE),
        ("Academy 16 to 19 converter", "16 plus", ("16", "19"), OrganisationKind.FE_COLLEGE),
        ("Academy converter", "16 plus", ("16", "19"), OrganisationKind.FE_COLLEGE),
    ],
)
def test_type_and_phase_map_onto_the_organisation_kind(tmp_path, establishment_type, phase, ages, kind):
    row = school(
        100001,
        **{"TypeOfEstablishment (name)": establishment_type, "PhaseOfEducation (name)": phase},
        StatutoryLowAge=ages[0],
        StatutoryHighAge=ages[1],
    )

    run(write(tmp_path / "gias.csv", [row]))

    assert Organisation.objects.get(urn=100001).kind == kind


def test_a_mainstream_school_without_phase_or_ages_is_a_bad_row(tmp_path):
    row = school(100001, **{"PhaseOfEducation (name)": "Not applicable"}, StatutoryLowAge="", StatutoryHighAge="")

    report = run(write(tmp_path / "gias.csv", [row]))

    assert report.created == 0
    assert "cannot tell primary from secondary" in report.bad_rows[0].problems[0]


# Links: academy conversions and mergers ---------------------------------------------------------------


def _links(path: Path, rows: list[tuple]) -> Path:
    return write(path, [dict(zip(LINK_HEADER, map(str, row), strict=True)) for row in rows], header=LINK_HEADER)


@pytest.fixture
def conversion(tmp_path):
    """A maintained school, member of a partnership with a lead, converted to an academy on 1 September 2025."""
    old = OrganisationFactory(urn=100001, name="Hillcrest High School")
    membership = PartnershipOrganisationFactory(
        organisation=old,
        status=PartnershipOrganisation.Status.ACTIVE,
        joined_on=datetime.date(2024, 1, 15),
    )
    lead = LeadContactFactory(member=membership, kind=LeadContact.Kind.SENIOR_MH_LEAD, name="Jo Lead")
    register = write(
        tmp_path / "gias.csv",
        [
            school(100001, EstablishmentName="Hillcrest High School", **{"EstablishmentStatus (name)": "Closed"}),
            school(
                100002,
                EstablishmentName="Hillcrest Academy",
                OpenDate="01-09-2025",
                **{"TypeOfEstablishment (name)": "Academy converter", "PhaseOfEducation (name)": "Secondary"},
            ),
        ],
    )
    links = _links(
        tmp_path / "links.csv",
        [
            (100001, 100002, "Hillcrest Academy", "Successor", "01-09-2025"),
            (100002, 100001, "Hillcrest High School", "Predecessor", "01-09-2025"),
        ],
    )
    return register, links, membership, lead


def test_a_link_moves_the_predecessor_membership_and_leads_to_the_successor(conversion):
    register, links, old_membership, lead = conversion

    report = run(register, links)

    successor = Organisation.objects.get(urn=100002)
    link = OrganisationLink.objects.get()
    assert (link.predecessor.urn, link.successor, link.link_type) == (100001, successor, "Successor")
    assert link.linked_on == datetime.date(2025, 9, 1)
    new_membership = PartnershipOrganisation.objects.get(organisation=successor)
    assert new_membership.partnership == old_membership.partnership
    assert new_membership.status == PartnershipOrganisation.Status.ACTIVE
    assert new_membership.joined_on == datetime.date(2024, 1, 15)
    assert new_membership.status_note == "Continues Hillcrest High School (URN 100001) from 1 September 2025"
    old_membership.refresh_from_db()
    assert old_membership.status == PartnershipOrganisation.Status.LEFT
    assert old_membership.left_on == datetime.date(2025, 9, 1)
    assert "Hillcrest Academy (URN 100002)" in old_membership.status_note
    lead.refresh_from_db()
    assert (lead.member, lead.name, lead.ended_on) == (new_membership, "Jo Lead", None)
    links_report = report.links
    assert (links_report.created, links_report.memberships_continued, links_report.leads_moved) == (1, 1, 1)
    assert links_report.skipped == {"the same link listed from the other establishment": 1}
    audited = AuditEvent.objects.filter(actor=None, actor_label="system")
    assert audited.filter(action=AuditAction.CREATE, object_type="partnership.partnershiporganisation").count() == 1
    state_change = audited.get(action=AuditAction.STATE_CHANGE, object_id=str(old_membership.pk))
    assert state_change.detail["status"] == ["active", "left"]
    assert state_change.partnership_id == old_membership.partnership_id
    assert audited.filter(object_type="partnership.leadcontact", object_id=str(lead.pk)).exists()


def test_rerunning_links_changes_nothing(conversion):
    register, links, _, _ = conversion
    run(register, links)
    events = AuditEvent.objects.count()
    memberships = list(PartnershipOrganisation.objects.order_by("pk").values())

    report = run(register, links)

    assert (report.links.created, report.links.unchanged, report.links.memberships_continued) == (0, 1, 0)
    assert (report.links.memberships_left, report.links.leads_moved) == (0, 0)
    assert OrganisationLink.objects.count() == 1
    assert list(PartnershipOrganisation.objects.order_by("pk").values()) == memberships
    assert AuditEvent.objects.count() == events + 1  # the run's own event only


def test_a_lead_of_a_kind_the_successor_already_has_is_ended_not_moved(conversion):
    register, links, old_membership, lead = conversion
    successor = OrganisationFactory(urn=100002, name="Hillcrest Academy")
    new_membership = PartnershipOrganisationFactory(partnership=old_membership.partnership, organisation=successor)
    LeadContactFactory(member=new_membership, kind=LeadContact.Kind.SENIOR_MH_LEAD)

    report = run(register, links)

    lead.refresh_from_db()
    assert lead.member == old_membership
    assert lead.ended_on == datetime.date(2025, 9, 1)
    assert (report.links.leads_moved, report.links.leads_ended, report.links.memberships_continued) == (0, 1, 0)
    new_membership.refresh_from_db()
    assert new_membership.status_note == ""  # an existing membership is kept as it is


def test_a_chain_of_links_is_followed_in_date_order(tmp_path):
    first = OrganisationFactory(urn=100001)
    membership = PartnershipOrganisationFactory(organisation=first, status=PartnershipOrganisation.Status.APPLIED)
    register = write(tmp_path / "gias.csv", [school(100002), school(100003)])
    links = _links(
        tmp_path / "links.csv",
        [
            (100002, 100003, "School 100003", "Successor - merged", "01-09-2024"),
            (100001, 100002, "School 100002", "Successor", "01-09-2020"),
        ],
    )

    report = run(register, links)

    statuses = dict(
        PartnershipOrganisation.objects.filter(partnership=membership.partnership).values_list(
            "organisation__urn", "status"
        )
    )
    assert statuses == {100001: "left", 100002: "left", 100003: "applied"}
    assert report.links.memberships_continued == 2
    assert AuditEvent.objects.get(object_type="partnership.organisation").detail["links"]["created"] == 2


def test_a_link_to_an_establishment_not_in_the_register_is_reported_and_skipped(tmp_path):
    register = write(tmp_path / "gias.csv", [school(100002)])
    links = _links(
        tmp_path / "links.csv",
        [
            (100001, 100002, "School 100002", "Successor - merged", "01-09-2019"),
            (100002, 100003, "Sixth form", "Sixth Form Centre Link", "01-09-2019"),
            (100002, "x1", "Nowhere", "Predecessor", "1 Sept 2019"),
        ],
    )

    report = run(register, links)

    assert OrganisationLink.objects.count() == 0
    assert report.links.skipped == {
        "an establishment not in the register": 1,
        "not a predecessor or successor link (Sixth Form Centre Link)": 1,
    }
    assert str(report.links.unmatched[0]) == "line 2: URN 100001 is not in the register"
    assert report.links.bad_rows[0].line == 4
    assert report.links.bad_rows[0].problems == [
        "LinkURN 'x1' is not a positive whole number",
        "LinkEstablishedDate '1 Sept 2019' is not a date in the form dd-mm-yyyy",
    ]


def test_the_command_imports_links(conversion):
    register, links, old_membership, _ = conversion

    out = command(register, "--links", links)

    assert "Links created: 1, updated: 0, unchanged: 0." in out
    old_membership.refresh_from_db()
    assert old_membership.status == PartnershipOrganisation.Status.LEFT


# Partnership membership by local authority ------------------------------------------------------------


def test_open_establishments_of_the_la_become_active_members(tmp_path):
    partnership = PartnershipFactory(slug="northshire")
    existing = OrganisationFactory(urn=100004)
    kept = PartnershipOrganisationFactory(
        partnership=partnership, organisation=existing, status=PartnershipOrganisation.Status.LAPSED
    )
    path = write(
        tmp_path / "gias.csv",
        [
            school(100001),
            school(100002, **{"EstablishmentStatus (name)": "Open, but proposed to close"}),
            school(100003, **{"EstablishmentStatus (name)": "Proposed to open"}),
            school(100004),
            school(100005, **{"LA (code)": "888"}),
        ],
    )

    out = command(path, "--partnership", "northshire", "--la-code", "999")

    members = PartnershipOrganisation.objects.filter(partnership=partnership)
    added = members.exclude(pk=kept.pk)
    assert set(added.values_list("organisation__urn", flat=True)) == {100001, 100002}
    for membership in added:
        assert membership.status == PartnershipOrganisation.Status.ACTIVE
        assert membership.status_note == "Added from the GIAS register (LA 999)"
        assert membership.joined_on is not None
    kept.refresh_from_db()
    assert kept.status == PartnershipOrganisation.Status.LAPSED
    assert "Partnership northshire: 2 open establishments in LA 999 added as active members." in out
    created = AuditEvent.objects.filter(partnership_id=partnership.pk, action=AuditAction.CREATE)
    assert created.filter(object_type="partnership.partnershiporganisation").count() == 2

    command(path, "--partnership", "northshire", "--la-code", "999")
    assert members.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--partnership", "northshire"], "together"),
        (["--la-code", "999"], "together"),
        (["--partnership", "nowhere", "--la-code", "999"], "No partnership has the slug 'nowhere'"),
        (["--partnership", "northshire", "--la-code", "99X"], "3-digit"),
    ],
)
def test_partnership_arguments_are_checked(tmp_path, args, message):
    PartnershipFactory(slug="northshire")
    path = write(tmp_path / "gias.csv", [school(100001)])

    with pytest.raises(CommandError, match=message):
        command(path, *args)

    assert not Organisation.objects.exists()


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="No file at"):
        command(tmp_path / "nowhere.csv")


# The sample files -------------------------------------------------------------------------------------


def test_the_sample_files_import_as_documented():
    infants = OrganisationFactory(urn=990005, name="Meadowbank Infant School")
    OrganisationFactory(urn=990006, name="Oakfield Junior School")
    membership = PartnershipOrganisationFactory(organisation=infants)

    out = command(SAMPLES / "gias-sample.csv", "--links", SAMPLES / "gias-links-sample.csv")

    assert "Organisations created: 15, updated: 2, unchanged: 0." in out
    assert "  1 closed and not in the register" in out
    assert "Links created: 2, updated: 0, unchanged: 0." in out
    assert "  1 not a school or college in England (Welsh establishment)" in out
    assert "line 21 (URN 990026): NumberOfPupils 'about 200' is not a whole number; OpenDate '31-02-2015'" in out
    assert Organisation.objects.get(urn=990023).name == "École Française de Northshire"
    membership.refresh_from_db()
    assert membership.status == PartnershipOrganisation.Status.LEFT
    assert PartnershipOrganisation.objects.get(organisation__urn=990021).status == PartnershipOrganisation.Status.ACTIVE
