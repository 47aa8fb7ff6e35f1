"""Demo directory of services and sustainability plan for Northshire. All services are fictional.

Idempotent: entries are keyed on their name, funding streams on theirs. Review dates and funding
end dates are set relative to the day an entry is first created, then left alone, so re-seeding
does not keep moving them.
"""

from datetime import time, timedelta

from django.utils import timezone

from partnership.models import (
    DirectoryService,
    FundingStream,
    Organisation,
    OrganisationKind,
    PartnershipOrganisation,
    Risk,
    ServiceSchedule,
    SustainabilityPlan,
)

CYPMHS = "Northshire CYPMHS (Northshire Healthcare NHS Foundation Trust)"
COUNCIL = "Northshire County Council"
ICB = "NHS Northshire Integrated Care Board"
YMT = "Northshire Young Minds Together"
ONLINE = "Kooth-style Online Support Northshire"
NURSING = "Northshire School Nursing Service"
GP = "Harbour Lane Medical Practice"

EXTRA_PROVIDERS = [(NURSING, OrganisationKind.SCHOOL_NURSING), (GP, OrganisationKind.GP_PRACTICE)]

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
OFFICE = [(d, time(9), time(17)) for d in WEEKDAYS]
SCHOOL_HOURS = [(d, time(8, 30), time(16)) for d in WEEKDAYS]
EVENINGS = [(d, time(17), time(22)) for d in WEEKDAYS] + [("SA", time(12), time(22)), ("SU", time(12), time(22))]
ALWAYS = [(d, time(0), time(23, 59)) for d in [*WEEKDAYS, "SA", "SU"]]

P, S, POST16, EY = "primary", "secondary", "post_16", "early_years"
TH, ADV, HELP, MORE, RISK = "thriving", "getting_advice", "getting_help", "getting_more_help", "getting_risk_support"

# (name, provider, thrive, needs, min, max, phases, self-referral, channels, schedule, wait days, months since review)
SERVICES = [
    (
        "CYPMHS Single Point of Access",
        CYPMHS,
        [ADV, HELP],
        ["anxiety", "low_mood", "self_harm", "eating"],
        0,
        18,
        [EY, P, S, POST16],
        False,
        ["phone", "email"],
        OFFICE,
        10,
        2,
    ),
    (
        "Core CYPMHS Community Team",
        CYPMHS,
        [MORE],
        ["low_mood", "anxiety", "trauma", "self_harm"],
        5,
        18,
        [P, S, POST16],
        False,
        ["phone", "in_person", "video"],
        OFFICE,
        70,
        4,
    ),
    (
        "CYPMHS Crisis and Home Treatment Team",
        CYPMHS,
        [RISK],
        ["crisis", "self_harm"],
        11,
        18,
        [S, POST16],
        True,
        ["phone"],
        ALWAYS,
        0,
        1,
    ),
    (
        "Eating Disorders Service for Young People",
        CYPMHS,
        [MORE, RISK],
        ["eating"],
        8,
        18,
        [P, S, POST16],
        False,
        ["phone", "in_person"],
        OFFICE,
        28,
        3,
    ),
    (
        "Neurodevelopmental Assessment Pathway",
        CYPMHS,
        [MORE],
        ["neurodevelopmental"],
        4,
        18,
        [EY, P, S],
        False,
        ["phone", "email"],
        OFFICE,
        420,
        6,
    ),
    (
        "Mental Health Support Team North (schools)",
        CYPMHS,
        [HELP],
        ["anxiety", "low_mood", "behaviour"],
        5,
        18,
        [P, S],
        False,
        ["in_person", "video"],
        SCHOOL_HOURS,
        21,
        2,
    ),
    (
        "Mental Health Support Team South (schools)",
        CYPMHS,
        [HELP],
        ["anxiety", "low_mood", "behaviour"],
        5,
        18,
        [P, S],
        False,
        ["in_person", "video"],
        SCHOOL_HOURS,
        21,
        14,
    ),
    (
        "Parent-led CBT for Childhood Anxiety",
        CYPMHS,
        [HELP],
        ["anxiety", "family"],
        5,
        12,
        [P],
        False,
        ["video", "phone"],
        OFFICE,
        35,
        5,
    ),
    (
        "Youth Counselling Drop-in",
        YMT,
        [HELP],
        ["emotional_wellbeing", "anxiety", "low_mood", "family"],
        11,
        25,
        [S, POST16],
        True,
        ["in_person", "phone"],
        [("TU", time(15), time(19)), ("TH", time(15), time(19))],
        7,
        3,
    ),
    (
        "Young Minds Together Peer Support Groups",
        YMT,
        [TH, ADV],
        ["emotional_wellbeing"],
        13,
        19,
        [S, POST16],
        True,
        ["in_person", "website"],
        [("WE", time(16), time(18))],
        0,
        8,
    ),
    (
        "Bereavement Support for Children",
        YMT,
        [HELP],
        ["bereavement"],
        4,
        18,
        [EY, P, S],
        True,
        ["phone", "email"],
        OFFICE,
        30,
        15,
    ),
    (
        "Parents' Helpline",
        YMT,
        [ADV],
        ["family", "behaviour", "emotional_wellbeing"],
        0,
        18,
        [EY, P, S],
        True,
        ["phone", "email"],
        [(d, time(10), time(14)) for d in WEEKDAYS],
        0,
        2,
    ),
    (
        "Online Counselling and Chat",
        ONLINE,
        [ADV, HELP],
        ["anxiety", "low_mood", "self_harm", "emotional_wellbeing"],
        11,
        25,
        [S, POST16],
        True,
        ["online_chat", "website"],
        EVENINGS,
        0,
        1,
    ),
    (
        "Moderated Online Forums",
        ONLINE,
        [TH, ADV],
        ["emotional_wellbeing"],
        11,
        25,
        [S, POST16],
        True,
        ["website"],
        [],
        0,
        7,
    ),
    (
        "Self-harm Text Support",
        ONLINE,
        [RISK],
        ["self_harm", "crisis"],
        13,
        25,
        [S, POST16],
        True,
        ["text"],
        ALWAYS,
        0,
        13,
    ),
    (
        "Early Help Family Support",
        COUNCIL,
        [ADV, HELP],
        ["family", "behaviour"],
        0,
        18,
        [EY, P, S],
        True,
        ["phone", "email", "in_person"],
        OFFICE,
        14,
        4,
    ),
    (
        "Educational Psychology Consultation Line",
        COUNCIL,
        [ADV],
        ["behaviour", "neurodevelopmental", "emotional_wellbeing"],
        4,
        18,
        [EY, P, S],
        False,
        ["phone"],
        [("WE", time(13), time(16))],
        5,
        9,
    ),
    (
        "Youth Service Detached Work",
        COUNCIL,
        [TH, ADV],
        ["substance_use", "emotional_wellbeing"],
        11,
        19,
        [S, POST16],
        True,
        ["in_person"],
        [(d, time(18), time(21)) for d in ["TU", "TH", "FR"]],
        0,
        16,
    ),
    (
        "Young People's Drug and Alcohol Service",
        COUNCIL,
        [HELP, MORE],
        ["substance_use"],
        11,
        24,
        [S, POST16],
        True,
        ["phone", "text", "in_person"],
        OFFICE,
        10,
        5,
    ),
    (
        "Care Leavers' Wellbeing Service",
        COUNCIL,
        [HELP],
        ["trauma", "emotional_wellbeing"],
        16,
        25,
        [POST16],
        True,
        ["phone", "in_person"],
        OFFICE,
        14,
        3,
    ),
    (
        "Trauma Recovery Service for Looked After Children",
        COUNCIL,
        [MORE],
        ["trauma"],
        4,
        18,
        [P, S],
        False,
        ["in_person"],
        OFFICE,
        45,
        6,
    ),
    (
        "School Nurse Drop-in (secondary)",
        NURSING,
        [ADV],
        ["emotional_wellbeing", "eating", "substance_use"],
        11,
        19,
        [S, POST16],
        True,
        ["in_person", "text"],
        [(d, time(12), time(13, 30)) for d in WEEKDAYS],
        0,
        2,
    ),
    (
        "ChatHealth School Nurse Text Line",
        NURSING,
        [ADV],
        ["emotional_wellbeing", "low_mood", "anxiety"],
        11,
        19,
        [S, POST16],
        True,
        ["text"],
        OFFICE,
        1,
        1,
    ),
    (
        "Health Visiting Perinatal and Infant Wellbeing",
        NURSING,
        [TH, ADV],
        ["family", "emotional_wellbeing"],
        0,
        5,
        [EY],
        True,
        ["phone", "in_person"],
        OFFICE,
        7,
        10,
    ),
    (
        "GP Young People's Clinic",
        GP,
        [ADV, HELP],
        ["low_mood", "anxiety", "eating"],
        13,
        19,
        [S, POST16],
        True,
        ["phone", "in_person"],
        [("TH", time(15, 30), time(18))],
        7,
        4,
    ),
    (
        "Social Prescribing for Young People",
        GP,
        [TH, ADV],
        ["emotional_wellbeing", "family"],
        11,
        19,
        [S, POST16],
        False,
        ["phone", "in_person"],
        OFFICE,
        14,
        13,
    ),
    (
        "Wellbeing Champions Programme for Schools",
        YMT,
        [TH],
        ["emotional_wellbeing"],
        7,
        16,
        [P, S],
        False,
        ["email", "website"],
        [],
        30,
        5,
    ),
    (
        "Mindfulness in Schools Course",
        ICB,
        [TH],
        ["emotional_wellbeing", "anxiety"],
        7,
        18,
        [P, S],
        False,
        ["email", "in_person"],
        [],
        60,
        11,
    ),
    (
        "Autism and ADHD Family Support Hub",
        YMT,
        [ADV, HELP],
        ["neurodevelopmental", "family"],
        2,
        18,
        [EY, P, S],
        True,
        ["phone", "email", "in_person"],
        [("MO", time(10), time(15)), ("FR", time(10), time(15))],
        14,
        3,
    ),
    (
        "Urgent Mental Health Helpline (all ages)",
        ICB,
        [RISK],
        ["crisis", "self_harm"],
        0,
        25,
        [EY, P, S, POST16],
        True,
        ["phone"],
        ALWAYS,
        0,
        2,
    ),
]

FUNDING = [
    # (name, funder, annual amount, days until it ends when first seeded)
    ("Mental Health Support Teams (wave 9)", "NHS England", "1450000.00", 2 * 365),
    ("Schools Link pilot extension", "NHS Northshire Integrated Care Board", "180000.00", 120),
    ("Early Help emotional wellbeing grant", "Northshire County Council", "95000.00", 400),
]


def seed(partnership, organisations, people):
    today = timezone.localdate()
    lead = people["area.lead"]
    providers = dict(organisations)
    for name, kind in EXTRA_PROVIDERS:
        org, _ = Organisation.objects.get_or_create(name=name, kind=kind)
        PartnershipOrganisation.objects.update_or_create(
            partnership=partnership,
            organisation=org,
            defaults={"status": PartnershipOrganisation.Status.ACTIVE},
            create_defaults={"status": PartnershipOrganisation.Status.ACTIVE, "joined_on": today},
        )
        providers[name] = org
    for index, row in enumerate(SERVICES):
        name, provider, thrive, needs, youngest, oldest, phases, self_ref, channels, slots, wait, months = row
        org = providers[provider]
        service, _ = DirectoryService.objects.update_or_create(
            partnership=partnership,
            name=name,
            defaults={
                "provider": org,
                "description": _description(name, org.name),
                "thrive_groupings": thrive,
                "needs": needs,
                "min_age": youngest,
                "max_age": oldest,
                "school_phases": phases,
                "eligibility": f"Children and young people aged {youngest} to {oldest} who live or go to school "
                "or college in Northshire.",
                "thresholds": ""
                if RISK in thrive or TH in thrive
                else "Needs that have lasted more than a few weeks and affect everyday life at home or school.",
                "how_to_access": "Self-refer by phone, text or online, or ask a professional to refer."
                if self_ref
                else "Referral by a school's senior mental health lead, GP or other professional through the "
                "single point of access.",
                "self_referral": self_ref,
                "channels": channels,
                "contact_name": "Duty coordinator" if provider == CYPMHS else "Service coordinator",
                "phone": f"01632 960{100 + index:03d}" if "phone" in channels else "",
                "email": f"{_slug(name)}@{_domain(provider)}" if "email" in channels else "",
                "website": f"https://www.{_domain(provider)}/{_slug(name)}",
                "opening_hours": "Closed on bank holidays." if slots else "",
                "typical_wait_days": wait,
                "is_active": True,
            },
            create_defaults={
                "provider": org,
                "description": _description(name, org.name),
                "thrive_groupings": thrive,
                "needs": needs,
                "min_age": youngest,
                "max_age": oldest,
                "school_phases": phases,
                "eligibility": f"Children and young people aged {youngest} to {oldest} in Northshire.",
                "how_to_access": "See the service's website.",
                "last_reviewed_on": today - timedelta(days=months * 30 + 5),
                "last_reviewed_by": lead,
            },
        )
        wanted = [(day, opens, closes) for day, opens, closes in slots]
        current = [(s.byday, s.opens_at, s.closes_at) for s in service.schedules.all()]
        if current != wanted:
            service.schedules.all().delete()
            ServiceSchedule.objects.bulk_create(
                ServiceSchedule(service=service, byday=d, opens_at=o, closes_at=c) for d, o, c in wanted
            )
    _seed_plan(partnership, people, today)


def _seed_plan(partnership, people, today):
    plan, _ = SustainabilityPlan.objects.update_or_create(
        partnership=partnership,
        defaults={
            "accountable_owner": people["commissioner"],
            "embedding": (
                "Every action on the partnership's log is mapped to a priority of the Northshire LTP 2026/27. "
                "The steering group reports progress to the ICB's children and young people's board each "
                "quarter, and the LTP refresh takes the action log as its starting point."
            ),
            "funding_summary": (
                "Mental Health Support Teams are funded nationally to 2028. The Schools Link pilot is funded by "
                "the ICB for one more year and needs a decision on recurrent funding. The council's Early Help "
                "grant is reviewed annually."
            ),
            "updated_by": people["area.lead"],
        },
        create_defaults={
            "accountable_owner": people["commissioner"],
            "review_date": today + timedelta(days=90),
            "updated_by": people["area.lead"],
        },
    )
    for name, funder, amount, days in FUNDING:
        FundingStream.objects.update_or_create(
            plan=plan,
            name=name,
            defaults={"funder": funder, "annual_amount": amount},
            create_defaults={"funder": funder, "annual_amount": amount, "ends_on": today + timedelta(days=days)},
        )
    risks = Risk.objects.filter(partnership=partnership, seed_key__in=["funding", "leadership"])
    if risks:
        plan.risks.add(*risks)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-").replace("--", "-")


def _domain(provider: str) -> str:
    return {
        CYPMHS: "northshire-healthcare.example",
        COUNCIL: "northshire.example",
        ICB: "northshire-icb.example",
        YMT: "youngmindstogether.example",
        ONLINE: "online-support-northshire.example",
        NURSING: "northshire-healthcare.example",
        GP: "harbourlane-practice.example",
    }[provider]


def _description(name: str, provider: str) -> str:
    return f"{name}, run by {provider}. Support for children, young people and their families in Northshire."
