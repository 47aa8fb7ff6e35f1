"""Demo Mental Health Support Teams for Northshire (issue 6, item 10). All names are fictional.

- Two teams run by Northshire CYPMHS, each linked to its directory-of-services entry (so accepted
  referrals allocated to "Mental Health Support Team North/South (schools)" are their caseloads):
  North (service lead: the mhst.manager persona; the mhst.practitioner persona is one of its
  EMHPs) and South (a fictional manager). Each has qualified EMHPs, a supervisor, a senior
  practitioner, a trainee who qualifies in the spring, and an administrator.
- The partnership's allocation method, version 1, published by the area lead.
- Version 1 of each team's allocation, to six schools each (12 of the demo schools, Hillcrest
  Academy and Riverside Primary among North's), calculated by the real need score, proposed by the
  team's manager and approved at the most recent held steering group meeting (decision D00NN).
  Proposed and approved through the services, so every step is audited.
- Readiness across the 12 schools from all ten met down to none; agreements with most of them.
- About six months of activity (counts only), and a Christmas holiday offer from North covering
  four of its six schools; South has none yet, so the coverage page shows holiday gaps.

Idempotent: nothing is added to a team that already has an allocation.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from mhst.models import (
    Activity,
    ActivityType,
    Agreement,
    AllocationMethod,
    Function,
    HolidayOffer,
    OfferItem,
    Practitioner,
    PractitionerRole,
    ReadinessCode,
    ReadinessItem,
    ReadinessStatus,
    Team,
)
from mhst.services import allocation as allocation_service
from partnership.models import DirectoryService, Membership, User
from partnership.roles import Role

from .personas import EMAIL_DOMAIN, PARTNERS

CYPMHS = PARTNERS[0][0]
NORTH_SCHOOLS = [
    "Hillcrest Academy",
    "Riverside Primary School",
    "Castlegate Community College",
    "Harbourview Primary Academy",
    "Meadowbank Infant School",
    "Oakfield Junior School",
]
SOUTH_SCHOOLS = [
    "Ashby All-through Academy",
    "Brookside Special School",
    "Lindley Park Nursery and Primary",
    "Greystones High School",
    "Kingsmead School",
    "Willow Lane Primary School",
]
# Checklist items met per school, in the order above (Hillcrest: 7 of 10, so not yet ready).
READINESS = dict(zip(NORTH_SCHOOLS + SOUTH_SCHOOLS, [7, 10, 10, 9, 5, 3, 10, 8, 6, 4, 2, 0], strict=True))
OFFER = [
    (
        Function.INTERVENTIONS,
        "One-to-one guided self-help (CBT-informed)",
        "Six to eight sessions for mild to moderate anxiety or low mood.",
    ),
    (
        Function.INTERVENTIONS,
        "Parent-led CBT for childhood anxiety",
        "Group of six sessions for parents of primary-aged children.",
    ),
    (
        Function.WHOLE_SCHOOL,
        "Mapping provision with the senior mental health lead",
        "A termly review of what the setting offers and the gaps.",
    ),
    (Function.WHOLE_SCHOOL, "Staff training: recognising anxiety and low mood", "A twilight session for all staff."),
    (
        Function.ADVICE_LIAISON,
        "Weekly consultation clinic for staff",
        "Drop-in advice for staff worried about a pupil.",
    ),
    (
        Function.ADVICE_LIAISON,
        "Liaison with CYPMHS and early help",
        "Joining up referrals and transitions with specialist services.",
    ),
]
TYPES = [
    (Function.INTERVENTIONS, ActivityType.INDIVIDUAL, 50, (1, 1), (0, 0), 10),
    (Function.INTERVENTIONS, ActivityType.GROUP, 60, (4, 8), (0, 0), 3),
    (Function.INTERVENTIONS, ActivityType.PARENT_GROUP, 90, (0, 0), (4, 10), 2),
    (Function.WHOLE_SCHOOL, ActivityType.STAFF_TRAINING, 90, (0, 0), (8, 30), 1),
    (Function.WHOLE_SCHOOL, ActivityType.ASSEMBLY, 30, (60, 200), (2, 4), 1),
    (Function.WHOLE_SCHOOL, ActivityType.WHOLE_SCHOOL, 60, (0, 0), (1, 2), 1),
    (Function.ADVICE_LIAISON, ActivityType.CONSULTATION, 30, (0, 0), (1, 3), 4),
    (Function.ADVICE_LIAISON, ActivityType.LIAISON, 30, (0, 0), (1, 2), 2),
]
SIX_MONTHS = 182


def _user(local_part, full_name) -> User:
    user, _ = User.objects.get_or_create(
        email=f"{local_part}@{EMAIL_DOMAIN}", defaults={"full_name": full_name, "password": make_password(None)}
    )
    return user


def _member(user, partnership, organisation, role):
    Membership.objects.update_or_create(
        user=user,
        partnership=partnership,
        organisation=organisation,
        defaults={"roles": [role.value], "is_active": True},
    )


def seed(partnership, organisations: dict, people: dict) -> None:
    today = timezone.localdate()
    provider = organisations[CYPMHS]
    south_lead = _user("mhst.south.manager", "Jamie South-Manager")
    _member(south_lead, partnership, provider, Role.MHST_MANAGER)
    if not AllocationMethod.objects.filter(partnership=partnership).exists():
        allocation_service.publish_method(
            partnership=partnership,
            by=people["area.lead"],
            explanation=(
                "Need first. Free school meals and the deprivation of the school's area count twice, because MHSTs "
                "should reduce health inequalities (operating principle 7). Pupil numbers and the referral rate count "
                "once. Readiness is not counted, so that schools are not penalised for needing help to get ready; "
                "the team supports them with the checklist instead."
            ),
            pupils_weight=Decimal("1"),
            fsm_weight=Decimal("2"),
            deprivation_weight=Decimal("2"),
            referral_rate_weight=Decimal("1"),
            readiness_weight=Decimal("0"),
        )
    north = _team(
        partnership,
        provider,
        "Northshire MHST North",
        "Mental Health Support Team North (schools)",
        people["mhst.manager"],
        "Wave 5",
        today - datetime.timedelta(days=900),
    )
    south = _team(
        partnership,
        provider,
        "Northshire MHST South",
        "Mental Health Support Team South (schools)",
        south_lead,
        "Wave 9",
        today - datetime.timedelta(days=400),
    )
    _staff(north, people["mhst.manager"], people["mhst.practitioner"], "North", today)
    _staff(south, south_lead, None, "South", today)
    _readiness(partnership, organisations, people, today)
    for team, schools in ((north, NORTH_SCHOOLS), (south, SOUTH_SCHOOLS)):
        if team.allocations.exists():
            continue
        proposal = allocation_service.propose(
            team=team,
            by=team.service_lead,
            school_ids=[organisations[name].pk for name in schools],
            effective_from=today - datetime.timedelta(days=SIX_MONTHS),
            rationale=(
                f"The six schools {team.name} already works with, shared by need with the published method. "
                "Castlegate and Harbourview have the highest free school meals and deprivation."
                if team is north
                else f"{team.name}'s first six schools: the highest-need schools in the south of the county."
            ),
        )
        meeting = allocation_service.decision_meetings(partnership).first()
        allocation_service.decide(
            allocation=proposal,
            by=people["area.lead"],
            meeting=meeting,
            approve=True,
            decision_text=f"The steering group approved {team.name}'s allocation to six schools (version 1).",
            note="Reviewed again when the trainees qualify.",
        )
        _agreements(team, [organisations[n] for n in schools], today)
        _activity(team, [organisations[n] for n in schools], today)
    _holidays(north, [organisations[n] for n in NORTH_SCHOOLS[:4]], today)


def _team(partnership, provider, name, service_name, lead, wave, started) -> Team:
    service = DirectoryService.objects.get(partnership=partnership, name=service_name)
    team, _ = Team.objects.get_or_create(
        partnership=partnership,
        name=name,
        defaults={"provider": provider, "service": service, "service_lead": lead, "wave": wave, "started_on": started},
    )
    return team


def _staff(team, lead, practitioner_user, area, today):
    if team.practitioners.exists():
        return
    year_ago = today - datetime.timedelta(days=365)
    rows = [
        (lead.full_name, lead, PractitionerRole.SERVICE_LEAD, "1.00", year_ago, None),
        (
            practitioner_user.full_name if practitioner_user else f"Avery EMHP-{area}",
            practitioner_user,
            PractitionerRole.EMHP,
            "1.00",
            year_ago,
            None,
        ),
        (f"Quinn EMHP-{area}", None, PractitionerRole.EMHP, "0.80", year_ago, None),
        (f"Rowan EMHP-{area}", None, PractitionerRole.EMHP, "1.00", year_ago, None),
        (f"Sasha Supervisor-{area}", None, PractitionerRole.SUPERVISOR, "0.50", year_ago, None),
        (f"Dr Kit Senior-{area}", None, PractitionerRole.SENIOR, "0.40", year_ago, None),
        (
            f"Eden Trainee-{area}",
            None,
            PractitionerRole.TRAINEE,
            "1.00",
            today - datetime.timedelta(days=200),
            today + datetime.timedelta(days=150),
        ),
        (f"Morgan Admin-{area}", None, PractitionerRole.ADMINISTRATOR, "0.60", year_ago, None),
    ]
    for name, user, role, wte, started, qualifies in rows:
        Practitioner.objects.create(
            team=team,
            user=user,
            name=name,
            role=role,
            wte=Decimal(wte),
            started_on=started,
            training_completed_on=qualifies,
        )
    for function, title, description in OFFER:
        OfferItem.objects.get_or_create(
            team=team, title=title, defaults={"function": function, "description": description}
        )


def _readiness(partnership, organisations, people, today):
    codes = [code for code, _ in ReadinessCode.choices]
    now = timezone.now()
    for name, met in READINESS.items():
        school = organisations[name]
        confirmer = people["school.lead"] if name == "Hillcrest Academy" else people["mhst.manager"]
        for i, code in enumerate(codes):
            status = (
                ReadinessStatus.MET
                if i < met
                else (ReadinessStatus.IN_PROGRESS if i == met else ReadinessStatus.NOT_STARTED)
            )
            ReadinessItem.objects.get_or_create(
                partnership=partnership,
                school=school,
                code=code,
                defaults={
                    "status": status,
                    "evidence": "Confirmed at the termly review with the senior mental health lead."
                    if status == "met"
                    else "",
                    "confirmed_by": confirmer if status == "met" else None,
                    "confirmed_at": now - datetime.timedelta(days=30 + 7 * i) if status == "met" else None,
                },
            )


def _agreements(team, schools, today):
    offer = list(team.offer.all())
    for i, school in enumerate(schools[:5]):
        agreement, created = Agreement.objects.get_or_create(
            team=team,
            school=school,
            defaults={
                "school_contact_name": f"Senior mental health lead, {school.name}",
                "school_contact_role": "Deputy head teacher",
                "school_contact_email": f"mhlead{school.urn}@schools.northshire.example",
                "team_contact": team.practitioners.filter(role=PractitionerRole.EMHP).order_by("name")[i % 3],
                "endorsed_by": "Head teacher, for the senior leadership team",
                "endorsed_on": today - datetime.timedelta(days=150 - 10 * i),
                "review_on": today + datetime.timedelta(days=60 * i - 30),
                "updated_by": team.service_lead,
            },
        )
        if created:
            agreement.palette.set([offer[0], offer[2 + i % 2], offer[4 + i % 2]])


def _activity(team, schools, today):
    rng = random.Random(f"demo-mhst-{team.name}")  # noqa: S311 (demo data, not security)
    workers = [p for p in team.practitioners.all() if p.role in PractitionerRole.direct_work()]
    weights = [t[5] for t in TYPES]
    rows = []
    for day_offset in range(SIX_MONTHS, 0, -1):
        day = today - datetime.timedelta(days=day_offset)
        if day.weekday() >= 5:
            continue
        for _ in range(rng.randint(2, 5)):
            function, kind, minutes, children, adults, _w = rng.choices(TYPES, weights)[0]
            rows.append(
                Activity(
                    team=team,
                    school=rng.choice(schools),
                    practitioner=rng.choice([w for w in workers if w.started_on <= day] or workers),
                    date=day,
                    function=function,
                    type=kind,
                    duration_minutes=minutes,
                    children_reached=rng.randint(*children),
                    adults_reached=rng.randint(*adults),
                    recorded_by=team.service_lead,
                )
            )
    Activity.objects.bulk_create(rows)


def _holidays(team, schools, today):
    year = today.year if today.month < 12 or today.day < 20 else today.year + 1
    offer, created = HolidayOffer.objects.get_or_create(
        team=team,
        name=f"Christmas holiday {year}",
        defaults={
            "starts_on": datetime.date(year, 12, 20),
            "ends_on": datetime.date(year + 1, 1, 4),
            "offer": "Phone advice line for school staff and parents on weekdays 10am to 2pm (not bank holidays); "
            "one-to-one sessions continue by video for young people who want them.",
        },
    )
    if created:
        offer.schools.set(schools)
