"""Demo referrals for Northshire (issue 5, item 10): the single point of access, its duty team and
rota, and about 300 referrals from the demo schools over the last six months. Every child, school
member and clinician here is fictional: children have obviously made-up surnames and NHS numbers
from the 999 test range (valid modulus 11, never issued to a real person).

- The SPA is run by the persona duty.clinician's organisation (Northshire CYPMHS), with channels,
  hours, criteria, thresholds and the default reasons for not accepting.
- The duty team is the duty.clinician and duty.lead personas plus two more (fictional) clinicians;
  the rota covers weekdays 9am to 5pm for the last two and next two weeks, with a deliberate gap:
  no duty clinician next Wednesday (and no duty lead next Friday afternoon), for the rota's gap
  warnings.
- Referrals come from every demo school (Riverside Primary and Hillcrest Academy most), in every
  state, about 6% urgent; waits to first contact have a median of about 13 days and a long tail,
  so some breached the four-week standard and a few open ones are breaching now. There is always
  at least one submitted, unclaimed referral from Riverside Primary for the demo duty clinician.

How they are made: referrals, their status rows, questions and messages are written directly with
the timestamps of a realistic history (bulk_create, then status rows saved "raw" as fixtures are,
since the status table refuses updates and `at` is set on insert), not through the services: the
services stamp "now" and would queue a notification per change. So the seed writes no audit events
and queues no notifications (it also runs under `notify.suppressed()`). The history is consistent
with the state machine: each referral's status rows walk the allowed transitions to its status,
and its version is one more than the number of rows.

Idempotent: referrals are keyed by idempotency key (`demo-referral-NNN`); a second run on the same
day finds them and changes nothing. Times are relative to the day of the first seed and then left
alone (open referrals keep waiting, as real ones would).
"""

import math
import random
from datetime import datetime, time, timedelta
from statistics import median

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from partnership.models import DirectoryService, Membership, Organisation, User
from partnership.roles import Role
from referrals import notify
from referrals.models import (
    Channel,
    DutyRole,
    InformationRequest,
    Message,
    NotAcceptedReason,
    Referral,
    RotaShift,
    SinglePointOfAccess,
    Status,
    StatusChange,
)
from referrals.services.spa import seed_reasons

from .personas import EMAIL_DOMAIN, PARTNERS

CYPMHS = PARTNERS[0][0]
COUNT = 300
DRAFTS = 8
KEY = "demo-referral-{:03d}"
TRIAGE_KEY = "demo-riverside-for-triage-{}"
RIVERSIDE, HILLCREST = "Riverside Primary School", "Hillcrest Academy"

SPA = {
    "name": "Northshire CYPMHS Single Point of Access",
    "channels": [Channel.ONLINE, Channel.PHONE, Channel.EMAIL],
    "phone": "01632 960 555",
    "email": "spa@northshire-healthcare.example",
    "hours": "Monday to Friday, 9am to 5pm (not bank holidays). Referrals made online at other times are "
    "read the next working morning.",
    "acceptance_criteria": "Children and young people aged 4 to 18 (to 25 for care leavers and young people "
    "with an EHCP) who live in Northshire or go to a Northshire school or college, with the consent of the "
    "young person or a parent or carer.",
    "thresholds": "Emotional or mental health difficulties that have lasted more than a few weeks, have not "
    "improved with the support the school has tried, and affect the child's daily life at home or school. "
    "Mild or short-lived worries are best supported in school, with advice from the MHST.",
}

# extra duty staff (email local part, name, role); the personas duty.clinician and duty.lead join them
EXTRA_DUTY = [
    ("duty.clinician.two", "Dr Ali Example-Duty", Role.DUTY_CLINICIAN),
    ("duty.clinician.three", "Jo Sample-Nurse", Role.DUTY_CLINICIAN),
]

FIRST_NAMES = [
    "Alex", "Sam", "Charlie", "Jamie", "Riley", "Morgan", "Casey", "Robin", "Frankie", "Jordan",
    "Ellis", "Harper", "Rowan", "Kai", "Billie", "Remy", "Sasha", "Drew", "Quinn", "Toni",
]  # fmt: skip
SURNAMES = [
    "Example", "Sample", "Testcase", "Madeup", "Fictitious", "Placeholder", "Dummy", "Pretend",
    "Notreal", "Imaginary", "Demoson", "Mockley", "Fakeham", "Specimen", "Fabricant",
]  # fmt: skip
SITUATIONS = [
    ("Worries stop them joining in class most days; panic symptoms before lessons.", "anxiety"),
    ("Low mood for two months, withdrawn from friends, tearful in lessons.", "low mood"),
    ("Has disclosed self-harm (superficial cuts) to the pastoral lead.", "self-harm"),
    ("Refusing to come into school on most Mondays; stomach aches and sleeplessness.", "school avoidance"),
    ("Angry outbursts in class after a family bereavement this term.", "bereavement"),
    ("Restricting food at lunchtime and talking about their weight.", "eating"),
    ("Struggling to concentrate and falling behind; very low self-esteem.", "self-esteem"),
]
SUPPORT = [
    "Weekly check-ins with the pastoral lead for six weeks.",
    "Worry group run by the school's ELSA, and a time-out card.",
    "Sessions with the school counsellor since the start of term.",
    "A reduced timetable and a safe space at break times.",
]
SIGNPOST_TO = [
    "Youth Counselling Drop-in",
    "Online Counselling and Chat",
    "Early Help Family Support",
    "Parents' Helpline",
    "Bereavement Support for Children",
]
# THRIVE grouping -> the service an accepted referral is allocated to
ALLOCATE = {
    "getting_help": ["Mental Health Support Team North (schools)", "Mental Health Support Team South (schools)"],
    "getting_more_help": ["Core CYPMHS Community Team", "Eating Disorders Service for Young People"],
    "getting_risk_support": ["CYPMHS Crisis and Home Treatment Team"],
}
OUTCOMES = [
    "Six sessions of guided self-help with the MHST; goals met, discharged with a relapse plan.",
    "Assessment and eight sessions of CBT; improvement on the RCADS, discharged to school support.",
    "Family work completed; the school continues weekly check-ins.",
]
NOT_ACCEPTED = {
    "below_threshold": "Needs can be met in school: the MHST practitioner will offer the school a consultation.",
    "already_open": "The young person is already open to the Core CYPMHS team; their care coordinator will "
    "contact the school.",
    "outside_area_or_age": "The young person lives outside Northshire: please refer to their home area's SPA.",
    "insufficient_information": "We could not reach the family to confirm consent: please refer again once "
    "consent is confirmed.",
}
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def seed(partnership, organisations: dict, people: dict) -> None:
    with notify.suppressed():
        provider = organisations[CYPMHS]
        spa = _spa(partnership, provider)
        clinicians, leads = _duty_team(partnership, provider, people)
        _rota(spa, clinicians, leads)
        referrers = _referrers(partnership, organisations, people)
        _referrals(partnership, spa, referrers, clinicians, leads)
        _one_to_triage(partnership, spa, organisations[RIVERSIDE], people["school.staff"])


def _spa(partnership, provider) -> SinglePointOfAccess:
    spa, _ = SinglePointOfAccess.objects.update_or_create(
        partnership=partnership, defaults={**SPA, "provider": provider}
    )
    seed_reasons(spa)
    return spa


def _user(local_part: str, full_name: str) -> User:
    user, _ = User.objects.get_or_create(
        email=f"{local_part}@{EMAIL_DOMAIN}", defaults={"full_name": full_name, "password": make_password(None)}
    )
    return user


def _member(user, partnership, organisation, role) -> None:
    Membership.objects.update_or_create(
        user=user,
        partnership=partnership,
        organisation=organisation,
        defaults={"roles": [role.value], "is_active": True},
    )


def _duty_team(partnership, provider, people):
    clinicians = [people["duty.clinician"]]
    for local_part, name, role in EXTRA_DUTY:
        user = _user(local_part, name)
        _member(user, partnership, provider, role)
        clinicians.append(user)
    return clinicians, [people["duty.lead"]]


def _rota(spa, clinicians, leads) -> None:
    """Weekdays 9am to 5pm, last two weeks and next two, with a gap next week."""
    today = timezone.localdate()
    next_monday = today + timedelta(days=7 - today.weekday())
    no_clinician = next_monday + timedelta(days=2)  # next Wednesday
    lead_leaves_early = next_monday + timedelta(days=4)  # next Friday
    zone = timezone.get_current_timezone()
    for offset in range(-14, 14):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        starts = datetime.combine(day, time(9), zone)
        ends = datetime.combine(day, time(17), zone)
        if day != no_clinician:
            who = clinicians[day.toordinal() % len(clinicians)]
            RotaShift.objects.get_or_create(
                spa=spa, role=DutyRole.CLINICIAN, starts_at=starts, defaults={"user": who, "ends_at": ends}
            )
        lead_ends = datetime.combine(day, time(13), zone) if day == lead_leaves_early else ends
        RotaShift.objects.get_or_create(
            spa=spa, role=DutyRole.LEAD, starts_at=starts, defaults={"user": leads[0], "ends_at": lead_ends}
        )


def _referrers(partnership, organisations, people) -> dict:
    """A referrer per school: the personas at Riverside and Hillcrest, a made-up member elsewhere."""
    schools = sorted((org for org in organisations.values() if org.urn), key=lambda org: org.urn)
    referrers = {}
    for school in schools:
        if school.name == RIVERSIDE:
            referrers[school] = people["school.staff"]
        elif school.name == HILLCREST:
            referrers[school] = people["school.lead"]
        else:
            user = _user(f"referrer.{school.urn}", f"{SURNAMES[school.urn % len(SURNAMES)]} Teacher-{school.urn % 100}")
            _member(user, partnership, school, Role.SCHOOL_STAFF)
            referrers[school] = user
    return referrers


# --- the referrals -------------------------------------------------------------------------------


def nhs_test_number(rng: random.Random) -> str:
    """A 999 test-range NHS number with a valid modulus 11 check digit."""
    while True:
        digits = "999" + "".join(str(rng.randrange(10)) for _ in range(6))
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return digits + str(check)


def _age_range(school: Organisation) -> tuple[int, int]:
    return {"Primary": (5, 10), "Secondary": (11, 15), "16 plus": (16, 17)}.get(school.phase, (7, 15))


def _lognormal_days(rng, median_days: float, sigma: float) -> float:
    return math.exp(rng.gauss(math.log(median_days), sigma))


def _at(day, rng, start_hour=9, end_hour=17):
    minutes = rng.randrange(start_hour * 60, end_hour * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), timezone.get_current_timezone())


def _working_day(moment: datetime) -> datetime:
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _child(rng, school, submitted_on) -> dict:
    young, old = _age_range(school)
    age = rng.randint(young, old)
    born = submitted_on - timedelta(days=age * 365 + rng.randrange(365))
    situation, topic = rng.choice(SITUATIONS)
    outward = (school.postcode or "NS1 1AA").split()[0]
    return {
        "child_first_name": rng.choice(FIRST_NAMES),
        "child_last_name": rng.choice(SURNAMES),
        "date_of_birth": born,
        "nhs_number": nhs_test_number(rng) if rng.random() < 0.9 else "",
        "gender": rng.choice(["female", "male", "female", "male", "non_binary", "not_said"]),
        "ethnicity": rng.choice(["white", "white", "white", "asian", "black", "mixed", "other", "not_said"]),
        "year_group": "Year 12" if age >= 16 else f"Year {max(1, age - 4)}",
        "postcode": f"{outward} {rng.randrange(1, 10)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}",
        "situation": situation,
        "why_now": f"The {topic} has got worse this half term despite the school's support.",
        "relevant_history": "No previous referrals to CYPMHS.",
        "support_tried": rng.choice(SUPPORT),
        "support_duration": rng.choice(["Six weeks", "One term", "Since September"]),
        "assessment": f"The {topic} is affecting learning and friendships.",
        "impact_attendance": rng.choice(["Attendance 92%", "Attendance 81%", "Attendance 68%"]),
        "risk_self_harm": topic == "self-harm",
        "risk_suicidal_thoughts": False,
        "risk_harm_to_others": False,
        "safeguarding_concern": False,
        "dsl_aware": "not_applicable",
        "requests": [rng.choice(["advice", "assessment", "intervention"])],
        "child_views": "Would like someone to talk to outside school.",
        "family_views": "Parents agree and want help soon.",
        "consent_by": rng.choice(["both", "parent_carer", "young_person"]),
        "gillick_considered": age >= 12,
        "consent_share_outcome": True,
        "consent_date": submitted_on - timedelta(days=rng.randrange(0, 4)),
    }


def _history(rng, now, urgent):
    """The timeline of one referral: [(status, moment)], cut at `now`, plus what was decided."""
    today = timezone.localdate(now)
    submitted = _working_day(_at(today - timedelta(days=rng.randrange(0, 182)), rng, 8, 17))
    if submitted > now:
        submitted = now - timedelta(hours=rng.randrange(1, 48))
    claim = submitted + timedelta(days=_lognormal_days(rng, 0.1 if urgent else 1.0, 0.8))
    if not urgent and rng.random() < 0.05:  # a few sit in the queue far too long
        claim = submitted + timedelta(days=rng.uniform(15, 30))
    steps = [(Status.SUBMITTED, submitted), (Status.IN_TRIAGE, claim)]
    decide = claim + timedelta(days=_lognormal_days(rng, 0.2 if urgent else 1.5, 0.7))
    asked = None
    if not urgent and rng.random() < 0.12:
        asked = claim + timedelta(hours=rng.randrange(1, 30))
        answered = asked + timedelta(days=_lognormal_days(rng, 3, 0.6))
        steps += [(Status.INFO_REQUESTED, asked), (Status.IN_TRIAGE, answered)]
        decide = answered + timedelta(days=_lognormal_days(rng, 1, 0.5))
    roll = rng.random()
    if urgent:
        decision = Status.ACCEPTED if roll < 0.85 else Status.SIGNPOSTED
    else:
        decision = Status.ACCEPTED if roll < 0.55 else Status.SIGNPOSTED if roll < 0.82 else Status.NOT_ACCEPTED
    steps.append((decision, decide))
    first_contact_on = None
    if decision == Status.ACCEPTED:
        if urgent:
            wait = _lognormal_days(rng, 3, 0.5)
        elif rng.random() < 0.1:
            wait = rng.uniform(29, 75)  # the long tail: breaches
        else:
            wait = _lognormal_days(rng, 12, 0.45)
        decided_on = timezone.localdate(decide)
        first_contact_on = max(timezone.localdate(submitted) + timedelta(days=round(wait)), decided_on)
        recorded = max(_at(first_contact_on, rng, 10, 17), decide + timedelta(minutes=5))
        steps.append((Status.FIRST_CONTACT, recorded))
        steps.append((Status.CLOSED, recorded + timedelta(days=_lognormal_days(rng, 50, 0.4))))
    reached = [(status, moment) for status, moment in steps if moment <= now]
    return reached, decision, first_contact_on, asked


def _referrals(partnership, spa, referrers, clinicians, leads) -> None:
    wanted = {KEY.format(i): i for i in range(COUNT)}
    existing = set(
        Referral.objects.filter(spa=spa, idempotency_key__in=wanted).values_list("idempotency_key", flat=True)
    )
    missing = [i for key, i in wanted.items() if key not in existing]
    if not missing:
        return
    now = timezone.now()
    schools = list(referrers)
    weights = [6 if s.name in (RIVERSIDE, HILLCREST) else 1 for s in schools]
    services = {s.name: s for s in DirectoryService.objects.filter(partnership=partnership, is_active=True)}
    reasons = {r.code: r for r in NotAcceptedReason.objects.filter(spa=spa)}
    built = []  # (referral, steps, asked, signposted, by)
    for index in missing:
        rng = random.Random(f"northshire-referral-{index}")  # noqa: S311 (demo data, not security)
        school = rng.choices(schools, weights)[0]
        referrer = referrers[school]
        urgent = rng.random() < 0.06
        clinician = rng.choice(clinicians)
        decider = leads[0] if rng.random() < 0.15 else clinician
        if index < DRAFTS:
            created = now - timedelta(days=rng.randrange(0, 10), hours=rng.randrange(0, 8))
            child = _child(rng, school, timezone.localdate(created))
            if index % 2:
                child["consent_date"] = None  # a half-finished draft
            referral = Referral(
                partnership=partnership,
                spa=spa,
                school=school,
                created_by=referrer,
                idempotency_key=KEY.format(index),
                urgency="routine",
                created_at=created,
                updated_at=created,
                **child,
            )
            built.append((referral, [], None, [], {}))
            continue
        steps, decision, first_contact_on, asked = _history(rng, now, urgent)
        submitted = steps[0][1]
        fields = _child(rng, school, timezone.localdate(submitted))
        referral = Referral(
            partnership=partnership,
            spa=spa,
            school=school,
            created_by=referrer,
            idempotency_key=KEY.format(index),
            urgency="urgent" if urgent else "routine",
            status=steps[-1][0],
            version=1 + len(steps),
            submitted_at=submitted,
            year=timezone.localdate(submitted).year,
            created_at=submitted - timedelta(minutes=rng.randrange(10, 90)),
            updated_at=steps[-1][1],
            **fields,
        )
        reached = {status for status, _ in steps}
        if Status.IN_TRIAGE in reached:
            referral.claimed_by, referral.claimed_at = clinician, steps[1][1]
        signposted = []
        if decision in reached:
            moment = next(m for s, m in steps if s == decision)
            referral.decided_by, referral.triaged_at = decider, moment
            if decision == Status.ACCEPTED:
                thrive = "getting_risk_support" if urgent else rng.choice(["getting_help"] * 3 + ["getting_more_help"])
                referral.thrive = thrive
                referral.allocated_service = services.get(rng.choice(ALLOCATE[thrive]))
                referral.decision_explanation = "Accepted: the allocated service will contact the family."
            elif decision == Status.SIGNPOSTED:
                signposted = [services[n] for n in rng.sample(SIGNPOST_TO, 2) if n in services]
                referral.decision_explanation = "Advice given to the school; the services below can help now."
            else:
                code = rng.choice(list(NOT_ACCEPTED))
                referral.not_accepted_reason = reasons.get(code)
                referral.decision_explanation = NOT_ACCEPTED[code]
        if Status.FIRST_CONTACT in reached:
            referral.first_contact_on, referral.first_contact_by = first_contact_on, clinician
        if Status.CLOSED in reached:
            referral.closed_at, referral.outcome = steps[-1][1], rng.choice(OUTCOMES)
        actors = {
            Status.SUBMITTED: referrer,
            Status.IN_TRIAGE: clinician,
            Status.INFO_REQUESTED: clinician,
            decision: decider,
            Status.FIRST_CONTACT: clinician,
            Status.CLOSED: clinician,
        }
        built.append((referral, steps, asked, signposted, actors))
    _number(spa, [b[0] for b in built])
    stamps = [(b[0].created_at, b[0].updated_at) for b in built]
    Referral.objects.bulk_create([b[0] for b in built])
    # auto_now(_add) stamped "now" on insert: put the history's times back (bulk_update writes them as given)
    for (referral, *_), (created, updated) in zip(built, stamps, strict=True):
        referral.created_at, referral.updated_at = created, updated
    Referral.objects.bulk_update([b[0] for b in built], ["created_at", "updated_at"])
    for referral, steps, _asked, signposted, actors in built:
        if signposted:
            referral.signposted_services.set(signposted)
        before = Status.DRAFT
        for position, (status, moment) in enumerate(steps):
            by = referral.created_by if (before == Status.INFO_REQUESTED) else actors[status]
            _raw(StatusChange(referral=referral, from_status=before, to_status=status, by=by, at=moment))
            if status == Status.INFO_REQUESTED:
                answered = steps[position + 1][1] if position + 1 < len(steps) else None
                _raw(
                    InformationRequest(
                        referral=referral,
                        question="Has the family spoken to their GP, and what did the GP suggest?",
                        asked_by=by,
                        asked_at=moment,
                        answer="Yes: the GP suggested a referral to the SPA." if answered else "",
                        answered_by=referral.created_by if answered else None,
                        answered_at=answered,
                    )
                )
            before = status
        if referral.status in (Status.IN_TRIAGE, Status.ACCEPTED) and referral.pk % 5 == 0:
            _raw(
                Message(
                    referral=referral,
                    author=referral.claimed_by,
                    from_duty_team=True,
                    body="Thank you for the referral: we will be in touch with the family this week.",
                    at=steps[-1][1] + timedelta(minutes=30),
                )
            )


def _raw(obj) -> None:
    """Insert with the given timestamps (as loaddata does): auto_now_add would stamp "now"."""
    obj.save_base(raw=True)


def _number(spa, referrals) -> None:
    """References in order of submission within each year, after any the SPA has already issued."""
    submitted = sorted((r for r in referrals if r.submitted_at), key=lambda r: r.submitted_at)
    last = {}
    for referral in submitted:
        if referral.year not in last:
            issued = Referral.objects.filter(spa=spa, year=referral.year).order_by("-number").first()
            last[referral.year] = issued.number if issued else 0
        last[referral.year] += 1
        referral.number = last[referral.year]


def _one_to_triage(partnership, spa, school, referrer) -> None:
    """At least one submitted, unclaimed referral from Riverside Primary for the demo duty clinician."""
    waiting = Referral.objects.filter(spa=spa, school=school, status=Status.SUBMITTED, claimed_by__isnull=True)
    if waiting.exists():
        return
    count = Referral.objects.filter(spa=spa, idempotency_key__startswith=TRIAGE_KEY.format("")).count()
    rng = random.Random(f"northshire-triage-{count}")  # noqa: S311 (demo data, not security)
    now = timezone.now()
    submitted = now - timedelta(hours=3)
    referral = Referral(
        partnership=partnership,
        spa=spa,
        school=school,
        created_by=referrer,
        idempotency_key=TRIAGE_KEY.format(count + 1),
        urgency="routine",
        status=Status.SUBMITTED,
        version=2,
        submitted_at=submitted,
        year=timezone.localdate(submitted).year,
        **_child(rng, school, timezone.localdate(submitted)),
    )
    _number(spa, [referral])
    referral.save()
    _raw(
        StatusChange(referral=referral, from_status=Status.DRAFT, to_status=Status.SUBMITTED, by=referrer, at=submitted)
    )


def first_contact_waits(spa) -> list[int]:
    """Days from submission to first contact of the SPA's referrals that have had one."""
    rows = Referral.objects.filter(spa=spa, first_contact_on__isnull=False).values_list(
        "submitted_at", "first_contact_on"
    )
    return [(seen - timezone.localdate(sent)).days for sent, seen in rows]


def median_wait(spa) -> float:
    return median(first_contact_waits(spa))
