"""A small world for the fuzzer: one partnership with its single point of access, two schools,
referrals in every state, an MHST with an approved allocation and activity, a CASCADE workshop
(open and closed) with scores, governance records; and another partnership with its own objects,
so that a generated id is sometimes the caller's own object, sometimes another partnership's.

Every role that uses the API gets a user here. Roles with an API permission authenticate with a
knox token; school staff and senior mental health leads (who have none) with a signed-in session
(password and TOTP through the real sign-in pages) and its CSRF token."""

import datetime
from dataclasses import dataclass, field

from django.test import Client
from knox.models import AuthToken

from cascade.models import Workshop
from mhst.models import PractitionerRole
from partnership.roles import Role
from referrals.models import Status

from ...cascade.factories import DOMAIN_CODES, CohortFactory, ScoringTableFactory, WorkshopFactory, score_all
from ...conftest import sign_in
from ...factories import OrganisationFactory, member
from ...governance.factories import ActionFactory, GroupFactory, RiskFactory
from ...mhst.factories import add_practitioner, approved, held_steering_meeting, log_activity, make_team, publish_method
from ...referrals.factories import draft, make_world, referral_in

#: the roles the fuzzer acts as ("anonymous" sends no credentials)
ROLES = (
    "duty_clinician",
    "duty_lead",
    "school_staff",
    "school_mh_lead",
    "mhst_practitioner",
    "mhst_manager",
    "area_lead",
    "commissioner",
    "facilitator",
    "anonymous",
)


@dataclass
class Credentials:
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)


@dataclass
class FuzzWorld:
    credentials: dict[str, Credentials]
    #: known values by parameter or body-field name: a generated value is sometimes replaced by one
    known: dict[str, list]
    #: known ids by the path's first segments after /api/v1/ (e.g. "referrals", "cascade/tables")
    ids: dict[str, list[int]]
    #: the current version of each referral (If-Match), read fresh before each request
    referral_ids: list[int]


def _token(user) -> Credentials:
    _, key = AuthToken.objects.create(user=user)
    return Credentials(headers={"Authorization": f"Token {key}"})


def _session(user) -> Credentials:
    client = Client()
    sign_in(client, user)
    client.get("/account/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    return Credentials(
        headers={"X-CSRFToken": csrf, "Referer": "http://localhost/"},
        cookies={"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
    )


def build() -> FuzzWorld:
    own = make_world("Fuzz")
    other = make_world("Other")
    partnership = own.partnership
    provider = own.spa.provider

    referrals = [referral_in(own, status) for status in Status if status != Status.DRAFT]
    referrals.append(draft(own))
    foreign_referral = referral_in(other, Status.SUBMITTED)

    # MHST: the SPA's provider runs a team allocated to the school, with activity.
    team = make_team(partnership, provider, name="Fuzz MHST")
    manager = member(partnership, Role.MHST_MANAGER, organisation=provider, totp=True)
    practitioner_user = member(partnership, Role.MHST_PRACTITIONER, organisation=provider, totp=True)
    team.service_lead = manager
    team.save(update_fields=["service_lead"])
    practitioner = add_practitioner(team, PractitionerRole.EMHP, "1.00", user=practitioner_user)
    add_practitioner(team, PractitionerRole.TRAINEE, "1.00", name="Tia Trainee")
    area_lead = member(partnership, Role.AREA_LEAD)
    held_steering_meeting(partnership)
    publish_method(partnership, area_lead)
    allocation = approved(team, {own.school: "0.60", own.other_school: "0.40"}, by=area_lead)
    log_activity(team, own.school, practitioner, manager)
    other_team = make_team(other.partnership, name="Other MHST")

    # CASCADE: an open workshop with a scored table, a closed one, another partnership's.
    workshop = WorkshopFactory(cohort=CohortFactory(partnership=partnership), held_on=datetime.date.today())
    table = ScoringTableFactory(workshop=workshop, label="1")
    score_all(table, [1, 2, 3, 0, 1, 2, 3], area_lead)
    closed = WorkshopFactory(
        cohort=workshop.cohort,
        round=Workshop.Round.TWO,
        status=Workshop.Status.CLOSED,
        held_on=datetime.date.today() + datetime.timedelta(days=30),
    )
    closed_table = ScoringTableFactory(workshop=closed, label="1")
    foreign_workshop = WorkshopFactory(cohort=CohortFactory(partnership=other.partnership))
    foreign_table = ScoringTableFactory(workshop=foreign_workshop, label="1")

    # Governance
    group = GroupFactory(partnership=partnership)
    action = ActionFactory(partnership=partnership, owner=area_lead)
    risk = RiskFactory(partnership=partnership)
    foreign_action = ActionFactory(partnership=other.partnership)

    users = {
        "duty_clinician": own.clinician,
        "duty_lead": own.duty_lead,
        "school_staff": own.referrer,
        "school_mh_lead": member(partnership, Role.SCHOOL_MH_LEAD, organisation=own.school, totp=True),
        "mhst_practitioner": practitioner_user,
        "mhst_manager": manager,
        "area_lead": area_lead,
        "commissioner": member(partnership, Role.COMMISSIONER, organisation=OrganisationFactory(icb=True)),
        "facilitator": member(partnership, Role.FACILITATOR),
    }
    credentials = {
        role: (_token(user) if role not in ("school_staff", "school_mh_lead") else _session(user))
        for role, user in users.items()
    }
    credentials["anonymous"] = Credentials()

    referral_ids = [r.pk for r in referrals] + [foreign_referral.pk]
    ids = {
        "referrals": referral_ids,
        "actions": [action.pk, foreign_action.pk],
        "risks": [risk.pk],
        "groups": [group.pk],
        "directory/services": [own.service.pk, other.service.pk],
        "cascade/workshops": [workshop.pk, closed.pk, foreign_workshop.pk],
        "cascade/tables": [table.pk, closed_table.pk, foreign_table.pk],
        "mhst/teams": [team.pk, other_team.pk],
        "mhst/allocations": [allocation.pk],
    }
    known = {
        "slug": [partnership.slug, other.partnership.slug],
        "partnership": [partnership.slug, other.partnership.slug],
        "domain_code": list(DOMAIN_CODES),
        "panel": ["cascade", "referrals", "mhst", "governance"],
        "scope": ["commissioned", "national"],
        "team": [team.pk, other_team.pk],
        "school": [own.school.pk, own.other_school.pk, other.school.pk],
        "practitioner": [practitioner.pk],
        "service": [own.service.pk, other.service.pk],
        "services": [[own.service.pk]],
        "reason": list(own.spa.reasons.values_list("pk", flat=True)[:2]),
        "thrive": ["getting_help", "getting_advice"],
        "decision": ["accept", "signpost", "not_accept"],
        "contact_by": [own.clinician.pk],
        "owner": [area_lead.pk],
        "round": [1, 2],
    }
    return FuzzWorld(credentials=credentials, known=known, ids=ids, referral_ids=referral_ids)
