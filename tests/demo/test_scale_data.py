"""The national-scale data generator (issue 7 item 6) on a small world: 2 partnerships, 60 schools,
2,000 referrals. Counts, shape, outcome mix, waits, validity against the models, determinism and
the refusal of a second run."""

import datetime
import itertools
from collections import Counter
from statistics import median

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from cascade.models import DomainScore, Workshop
from demo.scale import ScaleDataRefused, generate
from demo.scale.referrals import nhs_test_number, shares
from demo.scale.world import Options
from mhst.models import Allocation, AllocationLine, AllocationStatus, Practitioner, Team
from partnership.models import (
    DirectoryService,
    Membership,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipOrganisation,
    User,
)
from partnership.roles import Permission, Role, permissions_for
from referrals.models import NotAcceptedReason, Referral, SinglePointOfAccess, StatusChange
from referrals.services.transitions import missing_for_submission
from referrals.states import TRANSITIONS, Status
from referrals.validation import nhs_number

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 3, 2)
SMALL = {"referrals": 2000, "partnerships": 2, "schools": 60, "seed": 7}


@pytest.fixture
def generated():
    return generate(Options(**SMALL, password="bench-password"), as_of=AS_OF, say=lambda line: None)


def test_the_world_has_icbs_partnerships_schools_and_their_memberships(generated):
    assert Partnership.objects.filter(slug__startswith="scale-").count() == 2
    assert Organisation.objects.filter(kind=OrganisationKind.ICB).count() == 2  # never more ICBs than partnerships
    schools = Organisation.objects.filter(kind__in=OrganisationKind.education())
    assert schools.count() == 60
    assert schools.filter(urn__isnull=False, pupil_count__gt=0, fsm_percent__isnull=False).count() == 60
    active = PartnershipOrganisation.objects.filter(status=PartnershipOrganisation.Status.ACTIVE)
    # every school an active member of exactly one partnership; each partnership has its council, ICB and trust
    assert (
        Counter(active.filter(organisation__in=schools).values_list("organisation_id", flat=True)).most_common(1)[0][1]
        == 1
    )
    assert active.filter(organisation__in=schools).count() == 60
    for partnership in Partnership.objects.all():
        kinds = set(active.filter(partnership=partnership).values_list("organisation__kind", flat=True))
        assert {"local_authority", "icb", "cypmhs", "primary"} <= kinds
    primary = [s.pupil_count for s in schools.filter(kind="primary")]
    assert 150 <= median(primary) <= 450


def test_pupil_numbers_by_phase_are_realistic():
    generate(Options(referrals=0, partnerships=3, schools=3000, seed=3), as_of=AS_OF, say=lambda line: None)
    schools = Organisation.objects.filter(kind__in=OrganisationKind.education())
    kinds = Counter(schools.values_list("kind", flat=True))
    assert 0.66 <= kinds["primary"] / 3000 <= 0.74
    assert 0.11 <= kinds["secondary"] / 3000 <= 0.17
    assert 250 <= median(schools.filter(kind="primary").values_list("pupil_count", flat=True)) <= 310
    assert 900 <= median(schools.filter(kind="secondary").values_list("pupil_count", flat=True)) <= 1100
    fsm = [float(f) for f in schools.exclude(kind="independent").values_list("fsm_percent", flat=True)]
    assert 18 <= median(fsm) <= 26
    assert all(0 <= f <= 100 for f in fsm)
    assert Referral.objects.count() == 0


def test_people_roles_and_one_password_hash(generated):
    users = User.objects.filter(email__endswith="@scale.example")
    assert len(set(users.values_list("password", flat=True))) == 1  # hashed once, reused
    assert users.get(email="duty.lead.1@scale.example").check_password("bench-password")
    assert users.get(email="national.reader@scale.example").reads_national_dashboard
    for partnership in Partnership.objects.all():
        spa = SinglePointOfAccess.objects.get(partnership=partnership)
        roles = Counter(r for m in Membership.objects.filter(partnership=partnership) for r in m.roles)
        assert roles[Role.DUTY_LEAD] == 1 and roles[Role.DUTY_CLINICIAN] == 3 and roles[Role.AREA_LEAD] == 1
        assert roles[Role.COMMISSIONER] == 1
        # duty staff act for the SPA's provider, so they see its referrals
        duty = Membership.objects.filter(partnership=partnership, roles__overlap=["duty_lead", "duty_clinician"])
        assert set(duty.values_list("organisation_id", flat=True)) == {spa.provider_id}
        assert NotAcceptedReason.objects.filter(spa=spa).count() == 5


def test_a_commissioner_reads_dashboards_in_every_partnership_of_their_icb():
    generate(Options(referrals=10, partnerships=3, schools=9, icbs=1), as_of=AS_OF, say=lambda line: None)
    commissioner = User.objects.get(email="commissioner.1@scale.example")
    memberships = Membership.objects.filter(user=commissioner)
    assert memberships.count() == 3
    assert {m.organisation.kind for m in memberships} == {"icb"}
    assert all(Permission.VIEW_DASHBOARDS in permissions_for(m.roles) for m in memberships)
    assert sorted(commissioner.partnership_ids(Permission.VIEW_DASHBOARDS)) == sorted(
        Partnership.objects.values_list("pk", flat=True)
    )


def test_cascade_workshops_for_every_partnership(generated):
    for partnership in Partnership.objects.all():
        workshops = Workshop.objects.filter(partnership=partnership)
        assert sorted(workshops.values_list("round", flat=True)) == [1, 1, 2, 2]
        for workshop in workshops.filter(round=2):
            assert not workshop.interval_warning()
    assert DomainScore.objects.count() == 2 * 4 * 4 * 7


def test_mhsts_cover_about_half_the_schools_with_approved_allocations(generated):
    schools = Organisation.objects.filter(kind__in=OrganisationKind.education()).count()
    covered = AllocationLine.objects.filter(allocation__status=AllocationStatus.APPROVED).values("school").distinct()
    assert covered.count() == schools // 2
    for team in Team.objects.all():
        allocation = Allocation.objects.get(team=team, status=AllocationStatus.APPROVED)
        allocation.full_clean(exclude=["notes"])  # an empty list of notes is the model's own default
        assert team.service.partnership_id == team.partnership_id
        assert Practitioner.objects.filter(team=team).count() == 8
        # a team's schools are members of its partnership
        assert not allocation.lines.exclude(school__partnerships__partnership=team.partnership).exists()


def test_outcome_mix_urgency_and_waits_are_as_asked(generated):
    m = generated["measured"]
    assert Referral.objects.count() == 2000
    assert 0.29 <= m["mix"]["accepted"] <= 0.39
    assert 0.20 <= m["mix"]["waiting"] <= 0.30
    assert 0.35 <= m["mix"]["signposted"] + m["mix"]["not_accepted"] <= 0.48
    assert 0.04 <= m["urgent"] <= 0.08
    assert 10 <= m["median"] <= 17
    assert 160 <= m["p90"] <= 310
    first = Referral.objects.order_by("submitted_at").first().submitted_at.date()
    assert AS_OF - datetime.timedelta(days=5 * 366) <= first
    # growth: more in the last year than in the first
    last_year = Referral.objects.filter(submitted_at__date__gte=AS_OF - datetime.timedelta(days=365)).count()
    first_year = Referral.objects.filter(submitted_at__date__lt=first + datetime.timedelta(days=365)).count()
    assert last_year > 1.5 * first_year


def test_every_referral_is_valid_and_its_history_walks_the_state_machine(generated):
    allowed = {(s, t.target.value) for t in TRANSITIONS.values() for s in t.source}
    local = timezone.get_current_timezone()
    now = datetime.datetime.combine(AS_OF, datetime.time(0), local)
    history = {}
    for change in StatusChange.objects.order_by("referral_id", "at", "pk"):
        history.setdefault(change.referral_id, []).append(change)
    services = set(DirectoryService.objects.values_list("pk", flat=True))
    for i, referral in enumerate(Referral.objects.order_by("pk")):
        if i % 20 == 0:
            referral.full_clean()  # fields, choices, lengths and the model's constraints
        assert referral.status != Status.DRAFT
        assert not missing_for_submission(referral)
        assert referral.child_first_name == "Child" and referral.child_last_name.isdigit()
        assert not referral.nhs_number or nhs_number(referral.nhs_number).startswith("999")
        assert referral.postcode.startswith("ZZ")
        rows = history[referral.pk]
        assert referral.version == 1 + len(rows)
        assert rows[0].from_status == "draft" and rows[0].to_status == "submitted"
        assert all(r.from_status == "draft" or (r.from_status, r.to_status) in allowed for r in rows)
        assert [r.to_status for r in rows][-1] == referral.status
        assert all(a.at <= b.at for a, b in itertools.pairwise(rows))
        assert rows[0].at == referral.submitted_at and rows[-1].at < now
        if referral.status in (Status.ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED):
            assert referral.thrive and referral.allocated_service_id in services and referral.decided_by_id
        if referral.status == Status.NOT_ACCEPTED:
            assert referral.not_accepted_reason.spa_id == referral.spa_id
        if referral.first_contact_on:
            assert referral.triaged_at.date() <= referral.first_contact_on >= referral.submitted_at.date()
        assert referral.year == referral.submitted_at.astimezone(local).year
    # numbers run 1, 2, 3... per SPA and year, in submission order
    for spa_id, year in set(Referral.objects.values_list("spa_id", "year")):
        numbers = list(
            Referral.objects.filter(spa_id=spa_id, year=year)
            .order_by("submitted_at", "pk")
            .values_list("number", flat=True)
        )
        assert numbers == list(range(1, len(numbers) + 1))


def test_other_generated_rows_are_valid(generated):
    for model in (Organisation, Partnership, PartnershipOrganisation, Membership, DirectoryService, Team, Practitioner):
        for obj in model.objects.order_by("pk")[:25]:
            obj.full_clean()
    for score in DomainScore.objects.order_by("pk")[:25]:
        score.full_clean()


class Rollback(Exception):
    pass


def snapshot(seed: int) -> list:
    try:
        with transaction.atomic():
            generate(Options(**{**SMALL, "seed": seed}), as_of=AS_OF, say=lambda line: None)
            rows = list(
                Referral.objects.order_by("submitted_at", "number").values_list(
                    "school__urn", "submitted_at", "number", "status", "urgency", "thrive", "first_contact_on",
                    "child_last_name", "nhs_number", "not_accepted_reason__code",
                )
            )  # fmt: skip
            rows.append(
                list(
                    Organisation.objects.order_by("urn", "kind", "name").values_list(
                        "urn", "kind", "name", "pupil_count", "fsm_percent"
                    )
                )
            )
            raise Rollback
    except Rollback:
        return rows


def test_deterministic_with_a_seed():
    first, again, other = snapshot(11), snapshot(11), snapshot(12)
    assert first == again
    assert first != other


def test_a_second_run_is_refused_and_adds_nothing(generated):
    before = (Referral.objects.count(), Organisation.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="already holds scale data"):
        call_command("generate_scale_data", "--referrals", "10", "--partnerships", "1", "--schools", "2")
    assert (Referral.objects.count(), Organisation.objects.count(), User.objects.count()) == before


def test_the_command_reports_phases_and_the_measured_mix(capsys):
    call_command("generate_scale_data", "--referrals", "300", "--partnerships", "2", "--schools", "20", "--no-history")
    out = capsys.readouterr().out
    for phrase in ("organisations and partnerships", "referrals and their history", "rows/s", "Outcome mix (SQL)",
                   "Days to first contact (SQL): median"):  # fmt: skip
        assert phrase in out
    assert Referral.objects.count() == 300
    assert not StatusChange.objects.exists()  # --no-history


@override_settings(DEMO_DATA_ALLOWED=False)
def test_refused_where_demo_data_is_not_allowed():
    with pytest.raises(ScaleDataRefused):
        generate(Options(referrals=1, partnerships=1, schools=1), as_of=AS_OF, say=lambda line: None)
    assert not Partnership.objects.exists()


def test_helpers():
    assert shares(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(shares(1_000_003, [5, 7, 11, 0])) == 1_000_003
    assert all(nhs_number(n) == n for n in (nhs_test_number(i) for i in range(200)) if n)


def test_keys_loaded_without_per_row_checks_are_verified_before_commit():
    from demo.scale.copying import Loader, trust_keys_while_loading, verify_keys

    partnership = Partnership.objects.create(name="P", slug="p", lead_body="la", region="london")
    organisation = Organisation.objects.create(name="O", kind="other")
    with pytest.raises(ValueError, match=r"partnership_membership\.user_id point at no row"), transaction.atomic():
        assert trust_keys_while_loading()  # the test database's user is a superuser, as on the bench
        loader = Loader()
        loader.copy(
            Membership,
            ["id", "user_id", "partnership_id", "organisation_id", "roles"],
            [(loader.reserve(Membership, 1), 2_000_000_000, partnership.pk, organisation.pk, ["area_lead"])],
        )
        verify_keys([Membership])
    assert not Membership.objects.exists()
