"""Demo CASCADE workshops for Northshire, and a few other (fictional) partnerships for the benchmark.

Northshire has two cohorts, each with a round 1 and a round 2 workshop eight weeks apart, all closed:
4-5 tables each, scored on every domain with some notes, attendance by sector (most people came to
both rounds, a few dropped out), and actions planned at round 1 against specific domains. Round 1
totals are about 4.3-5.0 and round 2 about 6.5-6.8, so the improvement shows. A third cohort has an
open round 1 workshop with two empty tables, for scoring live in the demo.

The other partnerships have round 1 scores (two of them round 2 too), imported through the CSV import
so the anonymised benchmark has a distribution.

Idempotent (`make run` seeds on every start): cohorts, workshops and tables are found by name, a
closed workshop is left as it is, scores are recorded only while a workshop is open (recording the
same score again changes nothing), attendance is found by name and planned actions by title.
"""

import random
from datetime import timedelta

from django.utils import timezone

from cascade.models import Cohort, PlannedAction, Sector, Workshop, WorkshopAttendance
from cascade.services import plans, scoring, workshops
from cascade.services.framework import current_framework
from cascade.services.imports import import_scores
from partnership.models import Action, Membership, Partnership
from partnership.services import actions as action_service
from partnership.services import audit

NORTH = "Cohort 1: North Northshire"
SOUTH = "Cohort 2: South Northshire"
COAST = "Cohort 3: Northshire Coast"
ROUND_GAP = timedelta(weeks=8)

CYPMHS = "Northshire CYPMHS (Northshire Healthcare NHS Foundation Trust)"
COUNCIL = "Northshire County Council"
ICB = "NHS Northshire Integrated Care Board"
YOUNG_MINDS = "Northshire Young Minds Together"

# cohort -> (weeks before today of round 1, round 1 venue, round 2 venue, {table: organisations at it})
COHORTS = {
    NORTH: (
        22,
        "Northshire College, Riverside Campus",
        "Hillcrest Academy conference room",
        {
            "1": ["Riverside Primary School", "Hillcrest Academy", CYPMHS],
            "2": ["St Aidan's CofE Primary School", "Northshire Grammar School", COUNCIL],
            "3": ["Castlegate Community College", "Northshire Pupil Referral Unit", CYPMHS],
            "4": ["Northshire College", "Brookside Special School", YOUNG_MINDS],
            "5": ["Ashby All-through Academy", "Willow Lane Primary School", ICB],
        },
    ),
    SOUTH: (
        16,
        "Kingsmead School library",
        "Greystones High School hall",
        {
            "1": ["Harbourview Primary Academy", "Kingsmead School", CYPMHS],
            "2": ["Greystones High School", "Lindley Park Nursery and Primary", COUNCIL],
            "3": ["St Cuthbert's Catholic High School", "Meadowbank Infant School", YOUNG_MINDS],
            "4": ["Northshire Sixth Form College", "Oakfield Junior School", CYPMHS],
        },
    ),
}

# (cohort, table) -> (round 1 scores, round 2 scores), in domain order: clarity, agreed_contact,
# structures, common_outcomes, ability_to_learn, integrated_working, evidence_based.
# Round 1 totals: North 5.0, South 4.25; round 2: North 6.8, South 6.5.
SCORES = {
    (NORTH, "1"): ([1, 1, 0, 1, 1, 0, 1], [1, 1, 1, 1, 1, 1, 1]),
    (NORTH, "2"): ([1, 0, 1, 1, 0, 1, 0], [2, 1, 1, 1, 0, 1, 1]),
    (NORTH, "3"): ([1, 1, 1, 0, 1, 1, 0], [1, 1, 1, 1, 1, 1, 0]),
    (NORTH, "4"): ([2, 1, 0, 1, 1, 0, 1], [2, 1, 1, 1, 1, 1, 1]),
    (NORTH, "5"): ([1, 0, 1, 0, 1, 1, 1], [1, 1, 1, 0, 1, 1, 1]),
    (SOUTH, "1"): ([0, 1, 0, 1, 1, 0, 1], [1, 1, 1, 1, 1, 0, 1]),
    (SOUTH, "2"): ([1, 0, 1, 0, 1, 0, 1], [1, 1, 1, 0, 1, 1, 1]),
    (SOUTH, "3"): ([1, 1, 0, 1, 0, 1, 1], [2, 1, 1, 1, 1, 1, 1]),
    (SOUTH, "4"): ([1, 0, 1, 1, 0, 0, 1], [1, 1, 1, 1, 1, 1, 0]),
}
# the open round 1 workshop of the third cohort: its tables, to score live
LIVE_TABLES = {"1": ["Harbourview Primary Academy", CYPMHS], "2": ["Thornbury House School", YOUNG_MINDS]}

# (cohort, round, table, domain) -> notes
NOTES = {
    (NORTH, 1, "1", "clarity"): {
        "what_works": "Both schools know their named CYPMHS link.",
        "what_gets_in_the_way": "Supply and new staff do not know who to call.",
    },
    (NORTH, 1, "2", "agreed_contact"): {
        "what_gets_in_the_way": "No agreed route for advice short of a referral.",
        "evidence": "Three referrals returned last term for missing information.",
    },
    (NORTH, 1, "3", "structures"): {
        "what_gets_in_the_way": "The PRU's mental health lead post has been vacant since September.",
    },
    (NORTH, 1, "4", "clarity"): {
        "what_works": "The college's wellbeing team meets the CYPMHS link every half term.",
        "evidence": "Meeting notes shared with the table.",
    },
    (NORTH, 2, "2", "clarity"): {
        "what_works": "Single point of access contact list now in every staff room.",
    },
    (NORTH, 2, "4", "agreed_contact"): {
        "what_works": "Termly consultation slots started in January.",
        "evidence": "Eleven consultations held so far.",
    },
    (SOUTH, 1, "1", "integrated_working"): {
        "what_gets_in_the_way": "Joint training is cancelled when cover can't be found.",
    },
    (SOUTH, 1, "3", "ability_to_learn"): {
        "what_gets_in_the_way": "Staff unsure how to talk to parents about anxiety.",
    },
    (SOUTH, 2, "3", "clarity"): {
        "what_works": "Senior mental health leads named in both schools.",
        "evidence": "Listed in the directory on the platform.",
    },
    (SOUTH, 2, "1", "common_outcomes"): {
        "what_works": "Schools and CYPMHS now use the same goal-based outcome for consultations.",
    },
}

# (name, organisation, sector, rounds attended): most come to both rounds, a few drop out, one joins.
ATTENDANCE = {
    NORTH: [
        ("Hannah Okafor", "Riverside Primary School", Sector.EDUCATION, (1, 2)),
        ("Daniel Price", "Hillcrest Academy", Sector.EDUCATION, (1, 2)),
        ("Grace Whitfield", "St Aidan's CofE Primary School", Sector.EDUCATION, (1, 2)),
        ("Oliver Bennett", "Northshire Grammar School", Sector.EDUCATION, (1,)),
        ("Aisha Rahman", "Castlegate Community College", Sector.EDUCATION, (1, 2)),
        ("Tom Gallagher", "Northshire Pupil Referral Unit", Sector.EDUCATION, (1, 2)),
        ("Megan Lloyd", "Northshire College", Sector.EDUCATION, (1, 2)),
        ("Ruth Adeyemi", "Brookside Special School", Sector.EDUCATION, (1,)),
        ("Sophie Clarke", "Ashby All-through Academy", Sector.EDUCATION, (1, 2)),
        ("Ben Harrison", "Willow Lane Primary School", Sector.EDUCATION, (2,)),
        ("Dr Nadia Hussain", CYPMHS, Sector.NHS_CYPMHS, (1, 2)),
        ("Liam Foster", CYPMHS, Sector.NHS_CYPMHS, (1, 2)),
        ("Karen Doyle", COUNCIL, Sector.LOCAL_AUTHORITY, (1, 2)),
        ("Jess Marlow", YOUNG_MINDS, Sector.VCSO, (1, 2)),
        ("Paul Ingram", ICB, Sector.OTHER, (1,)),
    ],
    SOUTH: [
        ("Chloe Summers", "Harbourview Primary Academy", Sector.EDUCATION, (1, 2)),
        ("Marcus Reid", "Kingsmead School", Sector.EDUCATION, (1, 2)),
        ("Fatima Begum", "Greystones High School", Sector.EDUCATION, (1, 2)),
        ("Emma Walsh", "Lindley Park Nursery and Primary", Sector.EDUCATION, (1,)),
        ("Joseph Kowalski", "St Cuthbert's Catholic High School", Sector.EDUCATION, (1, 2)),
        ("Laura Pike", "Meadowbank Infant School", Sector.EDUCATION, (1, 2)),
        ("Sam Oduya", "Northshire Sixth Form College", Sector.EDUCATION, (1, 2)),
        ("Helen Marsh", "Oakfield Junior School", Sector.EDUCATION, (1,)),
        ("Dr Ian Chambers", CYPMHS, Sector.NHS_CYPMHS, (1, 2)),
        ("Rachel Stone", COUNCIL, Sector.LOCAL_AUTHORITY, (1, 2)),
        ("Zara Ahmed", YOUNG_MINDS, Sector.VCSO, (1, 2)),
    ],
}

# Agreed at the round 1 workshops: (cohort, domain, title, owner persona, days from today)
ACTIONS = [
    (NORTH, "clarity", "Send every school the name of its CYPMHS link and the duty line number", "duty.lead", -21),
    (NORTH, "agreed_contact", "Agree a consultation route for advice short of a referral", "duty.lead", 9),
    (NORTH, "structures", "Recruit a mental health lead for the pupil referral unit", "area.lead", 35),
    (SOUTH, "integrated_working", "Book joint anxiety training with cover funded by the council", "facilitator", -4),
    (SOUTH, "ability_to_learn", "Share a parents' guide to anxiety with every school", "steering.member", 50),
]
# this one is already done, so the round 2 review shows a completed action too
COMPLETED = "Send every school the name of its CYPMHS link and the duty line number"

# Other partnerships for the benchmark: (slug, name, lead body, region, rurality, level, with round 2)
# `level` is roughly each domain's mean score at round 1.
OTHERS = [
    ("westmoor", "Westmoor CYP Mental Health Partnership", "la", "south_west", "rural", 0.55, True),
    ("eastbridge", "Eastbridge and Dale CYP Mental Health Partnership", "icb", "yorkshire_humber", "mixed", 0.7, True),
    ("kestrel-bay", "Kestrel Bay CYP Mental Health Partnership", "joint", "east_of_england", "urban", 0.85, True),
    ("southvale", "Southvale CYP Mental Health Partnership", "joint", "london", "urban", 0.95, False),
]


def seed(partnership, organisations: dict, people: dict) -> None:
    current_framework()
    by = people["facilitator"]
    today = timezone.localdate()
    for name, (weeks_ago, venue1, venue2, tables) in COHORTS.items():
        cohort = _cohort(partnership, name, by)
        held_on = today - timedelta(weeks=weeks_ago)
        for round_, venue in ((1, venue1), (2, venue2)):
            workshop = _workshop(partnership, cohort, round_, held_on + ROUND_GAP * (round_ - 1), venue, by)
            if workshop.is_open:
                for label, names in tables.items():
                    scores = SCORES[(name, label)][round_ - 1]
                    _score(workshop, label, [organisations[n] for n in names], scores, by)
                workshops.close_workshop(workshop=workshop, by=by)
            _attendance(workshop, name, organisations, people)
    _plan_actions(partnership, people, today)

    coast = _workshop(partnership, _cohort(partnership, COAST, by), 1, today, "Harbourview Primary Academy hall", by)
    if coast.is_open:
        for label, names in LIVE_TABLES.items():
            if not coast.tables.filter(label=label).exists():
                workshops.add_table(workshop=coast, by=by, label=label, organisations=[organisations[n] for n in names])
    for spec in OTHERS:
        _other_partnership(*spec, today=today)


def _cohort(partnership, name, by) -> Cohort:
    return Cohort.objects.filter(partnership=partnership, name=name).first() or workshops.create_cohort(
        partnership=partnership, by=by, name=name
    )


def _workshop(partnership, cohort, round_, held_on, venue, by) -> Workshop:
    return Workshop.objects.filter(cohort=cohort, round=round_).first() or workshops.create_workshop(
        partnership=partnership, by=by, cohort=cohort, round=round_, held_on=held_on, venue=venue, facilitators=[by]
    )


def _score(workshop, label, orgs, scores, by) -> None:
    table = workshop.tables.filter(label=label).first() or workshops.add_table(
        workshop=workshop, by=by, label=label, organisations=orgs
    )
    codes = workshop.framework.domains.order_by("position").values_list("code", flat=True)
    for code, score in zip(codes, scores, strict=True):
        notes = NOTES.get((workshop.cohort.name, workshop.round, label, code), {})
        scoring.record_score(table=table, by=by, domain=code, score=score, **notes)


def _attendance(workshop, cohort, organisations, people) -> None:
    facilitator = people["facilitator"]
    attendees = [(facilitator.full_name, "Northshire County Council", Sector.LOCAL_AUTHORITY, (1, 2))]
    for name, org, sector, rounds in attendees + ATTENDANCE[cohort]:
        if workshop.round not in rounds:
            continue
        WorkshopAttendance.objects.get_or_create(
            workshop=workshop,
            name=name,
            defaults={
                "organisation": organisations[org],
                "sector": sector,
                "user": facilitator if name == facilitator.full_name else None,
            },
        )


def _organisation(partnership, user):
    return Membership.objects.filter(partnership=partnership, user=user, is_active=True).first().organisation


def _plan_actions(partnership, people, today) -> None:
    planned = set(PlannedAction.objects.for_partnership(partnership).values_list("action__title", flat=True))
    for cohort, domain, title, owner_key, days in ACTIONS:
        if title in planned:
            continue
        workshop = Workshop.objects.get(partnership=partnership, cohort__name=cohort, round=1)
        owner = people[owner_key]
        plan = plans.plan_action(
            workshop=workshop,
            by=people["facilitator"],
            domain=domain,
            title=title,
            owner=owner,
            owner_organisation=_organisation(partnership, owner),
            due_date=today + timedelta(days=days),
        )
        if title == COMPLETED:
            action_service.record_progress(
                action=plan.action,
                by=people["area.lead"],
                text="List sent to all twenty schools.",
                status=Action.Status.COMPLETE,
            )


def _other_partnership(slug, name, lead_body, region, rurality, level, round_two, *, today) -> None:
    """Imported once (the import is all or nothing), then its workshops are marked closed."""
    partnership, _ = Partnership.objects.update_or_create(
        slug=slug, defaults={"name": name, "lead_body": lead_body, "region": region, "rurality": rurality}
    )
    if Cohort.objects.filter(partnership=partnership).exists():
        return
    codes = list(current_framework().domains.order_by("position").values_list("code", flat=True))
    rng = random.Random(slug)  # noqa: S311 (repeatable demo scores, not security)
    lines = ["partnership,cohort,round,table,domain,score,held_on"]
    for number, weeks_ago in ((1, 30), (2, 24)):
        held_on = today - timedelta(weeks=weeks_ago)
        for round_ in (1, 2) if round_two else (1,):
            gain = 0.25 * (round_ - 1)
            date = held_on + ROUND_GAP * (round_ - 1)
            for table in range(1, rng.randint(4, 6) + 1):
                for code in codes:
                    score = min(3, max(0, round(rng.gauss(level + gain, 0.6))))
                    lines.append(f"{slug},Cohort {number},{round_},{table},{code},{score},{date:%Y-%m-%d}")
    report = import_scores(("\n".join(lines) + "\n").encode(), by=audit.SYSTEM, via="demo")
    if not report.imported:
        raise RuntimeError(f"Demo CASCADE scores for {slug} were refused: {report.lines()}")
    # Demo only: these partnerships have nobody who could close their workshops, so mark them closed.
    Workshop.objects.filter(partnership=partnership).update(status=Workshop.Status.CLOSED, closed_at=timezone.now())
