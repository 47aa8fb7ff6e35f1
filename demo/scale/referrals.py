"""N referrals over the last five years, streamed partnership by partnership with COPY.

Volume: each partnership's share follows its pupils, each school's too; submissions grow over the
five years (about 2.5 times as many in the last month as in the first) and fall on weekdays, 8am to
5pm. Outcomes (decided per referral, then cut at "now"): about 34% accepted (with a THRIVE grouping
and the service allocated: the school's MHST for Getting Help where one covers it, else the core or
crisis team), 23% still undecided (submitted, in triage or waiting for the school's answer), 20%
signposted (to the council's early help service), 23% not accepted (one of the SPA's reasons);
an accepted referral waits for first contact lognormal days with median 13 and the 90th percentile
225 (mu = ln 13, sigma = ln(225/13) / 1.2816), so a few accepted ones are still waiting; about 6%
urgent.

Each referral's status history is written too (one row per transition walked, as the services
would: submit, claim, question and answer, decision, first contact, close) with its question to the
school where there was one; its version is one more than its number of status rows. `--no-history`
leaves the history out (faster; the dashboards don't read it). Children are obviously fake: "Child"
and the referral's id, NHS numbers from the 999 test range, ZZ postcodes.
"""

import math
from bisect import bisect
from datetime import datetime, time, timedelta
from itertools import accumulate

from referrals.models import InformationRequest, Referral, StatusChange
from referrals.states import Status

from .copying import Loader
from .world import LETTERS_FOR_POSTCODE, World, lognormal

YEARS = 5
GROWTH = 1.5  # the rate at the end is 1 + GROWTH times the rate at the start
URGENT = 0.06
ACCEPTED, UNDECIDED, SIGNPOSTED = 0.34, 0.23, 0.20  # the rest: not accepted
WAIT_MEDIAN, WAIT_P90 = 13, 225
WAIT_SIGMA = math.log(WAIT_P90 / WAIT_MEDIAN) / 1.2815515655446004
MAX_WAIT = 1000  # days: the far tail is cut so every seen wait fits in the five years
STILL_WAITING = 0.06  # of accepted referrals: submitted within their wait, so not yet seen
THRIVE = [("getting_help", 0.55), ("getting_more_help", 0.30), ("getting_advice", 0.05), ("getting_risk_support", 0.10)]
AGES = {"Primary": (5, 10), "Secondary": (11, 15), "16 plus": (16, 17), "All-through": (5, 17)}
SITUATIONS = [
    ("Worries stop them joining in class most days.", "anxiety"),
    ("Low mood for two months, withdrawn from friends.", "low mood"),
    ("Has told the pastoral lead about self-harm.", "self-harm"),
    ("Not coming into school most Mondays.", "school avoidance"),
    ("Angry outbursts after a bereavement this term.", "bereavement"),
    ("Restricting food at lunchtime.", "eating"),
]
EXPLANATIONS = {
    Status.ACCEPTED: "Accepted: the allocated service will contact the family.",
    Status.SIGNPOSTED: "Advice given to the school; early help can support the family now.",
    Status.NOT_ACCEPTED: "Not accepted for the reason given; the school has been advised.",
}
COLUMNS = [
    "id", "partnership_id", "spa_id", "school_id", "created_by_id", "idempotency_key", "year", "number", "status",
    "version", "urgency", "child_first_name", "child_last_name", "date_of_birth", "nhs_number", "gender", "ethnicity",
    "year_group", "postcode", "situation", "why_now", "relevant_history", "support_tried", "support_duration",
    "other_services", "assessment", "impact_attendance", "risk_self_harm", "risk_suicidal_thoughts",
    "risk_harm_to_others", "safeguarding_concern", "dsl_aware", "requests", "child_views", "family_views",
    "consent_by", "gillick_considered", "consent_share_outcome", "consent_date", "submitted_at", "claimed_by_id",
    "claimed_at", "triaged_at", "decided_by_id", "thrive", "allocated_service_id", "not_accepted_reason_id",
    "decision_explanation", "first_contact_on", "first_contact_by_id", "closed_at", "outcome", "created_at",
    "updated_at",
]  # fmt: skip
GENDERS = ["female", "male", "female", "male", "non_binary", "not_said"]
ETHNICITIES = ["white", "white", "white", "white", "asian", "black", "mixed", "other", "not_said"]


def nhs_test_number(n: int) -> str:
    """A 999 test-range NHS number with a valid modulus 11 check digit (empty when none fits)."""
    digits = f"999{(n * 7919) % 1_000_000:06d}"
    check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return "" if check == 10 else digits + str(check)


def shares(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders: the parts add up exactly)."""
    whole = sum(weights) or 1.0
    exact = [total * w / whole for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: (parts[i] - exact[i], i))[: total - sum(parts)]:
        parts[i] += 1
    return parts


def build(world: World, loader: Loader) -> int:
    o = world.options
    now = world.now
    start = now - timedelta(days=round(YEARS * 365.25))
    span_days = (now - start).days
    counts = shares(o.referrals, [sum(s.pupils for s in a.schools) for a in world.areas])
    first_id = loader.reserve(Referral, o.referrals)
    written = {"referrals": 0, "status": 0, "questions": 0, "signposted": 0}
    signpost_model = Referral.signposted_services.through
    next_id = first_id
    for area, count in zip(world.areas, counts, strict=True):
        if not count:
            continue
        rng = world.child_rng("referrals", area.number)
        schools = area.schools
        cumulative = list(accumulate(s.pupils for s in schools))
        top = cumulative[-1]
        plans = sorted((_plan(rng, start, span_days, now) for _ in range(count)), key=lambda plan: plan[0])
        numbers: dict[int, int] = {}
        referrals, history, questions, signposts = [], [], [], []
        for submitted, urgent, decision, wait in plans:
            rid = next_id
            next_id += 1
            school = schools[bisect(cumulative, rng.random() * top)] if len(schools) > 1 else schools[0]
            year = submitted.year  # submitted is in local time
            numbers[year] = numbers.get(year, 0) + 1
            row, steps, asked, actors = _referral(
                world, area, rng, rid, first_id, school, (submitted, urgent, decision, wait), year, numbers[year], now
            )
            referrals.append(row)
            if o.history:
                before = Status.DRAFT.value
                for status, moment, who in steps:
                    history.append((rid, before, status, actors[who], moment))
                    before = status
            if asked:
                questions.append((rid, *asked))
            if row[8] == Status.SIGNPOSTED:
                signposts.append((rid, area.signpost_service_id))
        written["referrals"] += loader.copy(Referral, COLUMNS, referrals)
        if history:
            first = loader.reserve(StatusChange, len(history))
            written["status"] += loader.copy(
                StatusChange,
                ["id", "referral_id", "from_status", "to_status", "by_id", "at"],
                ((first + i, *h) for i, h in enumerate(history)),
            )
        if questions:
            first = loader.reserve(InformationRequest, len(questions))
            written["questions"] += loader.copy(
                InformationRequest,
                ["id", "referral_id", "question", "asked_by_id", "asked_at", "answer", "answered_by_id", "answered_at"],
                ((first + i, *q) for i, q in enumerate(questions)),
            )
        if signposts:
            first = loader.reserve(signpost_model, len(signposts))
            written["signposted"] += loader.copy(
                signpost_model,
                ["id", "referral_id", "directoryservice_id"],
                ((first + i, *s) for i, s in enumerate(signposts)),
            )
    world.written = written
    return sum(written.values())


def _growth_day(rng, start, span_days: int, last_day: int):
    """A day after `start`, no later than day `last_day`, by the growing rate (inverse of the linear
    density's CDF, drawn below the CDF at `last_day` so the draw is exact, not rejected)."""
    cdf = lambda t: (t + GROWTH * t * t / 2) / (1 + GROWTH / 2)  # noqa: E731
    u = rng.random() * cdf(min(1.0, max(0.0, (last_day + 1) / span_days)))
    t = (-1 + math.sqrt(1 + 2 * GROWTH * u * (1 + GROWTH / 2))) / GROWTH
    return min(last_day, int(t * span_days))


def _plan(rng, start, span_days: int, now):
    """(submitted, urgent, decision, wait): a seen accepted referral is submitted early enough for its
    wait to end before today, so the waits measured match the distribution asked for; a few
    accepted ones (STILL_WAITING) are submitted within their wait and are still waiting."""
    urgent = rng.random() < URGENT
    roll = rng.random()
    if roll < ACCEPTED:
        decision = Status.ACCEPTED
    elif roll < ACCEPTED + UNDECIDED:
        decision = None
    elif roll < ACCEPTED + UNDECIDED + SIGNPOSTED:
        decision = Status.SIGNPOSTED
    else:
        decision = Status.NOT_ACCEPTED
    last = span_days - 1
    wait = None
    if decision == Status.ACCEPTED:
        wait = min(MAX_WAIT, round(lognormal(rng, WAIT_MEDIAN, WAIT_SIGMA)))
        if rng.random() < STILL_WAITING:
            offset = last - rng.randrange(0, max(1, min(wait, last)))
        else:
            offset = _growth_day(rng, start, span_days, max(0, last - wait - 1))
    else:
        offset = _growth_day(rng, start, span_days, last)
    day = (start + timedelta(days=offset)).date()
    if day.weekday() >= 5 and rng.random() < 0.9:
        day -= timedelta(days=day.weekday() - 4)
    moment = datetime.combine(day, time(8), start.tzinfo) + timedelta(seconds=rng.randrange(9 * 3600))
    return min(moment, now - timedelta(minutes=rng.randrange(1, 600))), urgent, decision, wait


def _referral(world, area, rng, rid, first_id, school, plan, year, number, now):
    """One referral's row, its status steps [(status, moment, actor)] and its question to the school."""
    submitted, urgent, decision, wait = plan
    clinician = area.clinician_ids[rng.randrange(len(area.clinician_ids))]
    decider = area.duty_lead_id if rng.random() < 0.15 else clinician
    claim = submitted + timedelta(days=lognormal(rng, 0.1 if urgent else 1.0, 0.8))
    decide = claim + timedelta(days=lognormal(rng, 0.2 if urgent else 1.5, 0.7))
    seen_at = None
    if wait is not None:
        seen_on = submitted.date() + timedelta(days=wait)
        seen_at = datetime.combine(seen_on, time(9), submitted.tzinfo) + timedelta(seconds=rng.randrange(8 * 3600))
        if wait == 0:
            claim = submitted + timedelta(minutes=rng.randrange(5, 30))
            decide = claim + timedelta(minutes=rng.randrange(5, 30))
            seen_at = decide + timedelta(minutes=rng.randrange(5, 30))
        else:
            latest = datetime.combine(seen_on, time(8), submitted.tzinfo)
            decide = min(decide, submitted + (latest - submitted) * 0.6)
            claim = min(claim, submitted + (decide - submitted) / 2)
    steps = [(Status.SUBMITTED.value, submitted, "school")]
    asked = None
    if claim < now:
        steps.append((Status.IN_TRIAGE.value, claim, "clinician"))
    undecided_status = rng.random()
    if decision is None:
        if undecided_status < 0.35:
            steps = steps[:1]
        elif undecided_status > 0.8 and claim < now:
            ask = claim + (now - claim) * rng.random() * 0.5
            steps.append((Status.INFO_REQUESTED.value, ask, "clinician"))
            asked = ("Has the GP been involved?", area.clinician_ids[0], ask, "", None, None)
    elif decide < now and len(steps) == 2:
        if not urgent and rng.random() < 0.1:  # a question to the school first, answered
            ask = claim + (decide - claim) / 3
            answer = claim + (decide - claim) * 2 / 3
            steps.append((Status.INFO_REQUESTED.value, ask, "clinician"))
            steps.append((Status.IN_TRIAGE.value, answer, "school"))
            referrer = world.referrer_of[school.id]
            asked = ("Has the GP been involved?", clinician, ask, "Yes, seen last month.", referrer, answer)
        steps.append((decision.value, decide, "decider"))
        if seen_at is not None and seen_at < now:
            steps.append((Status.FIRST_CONTACT.value, seen_at, "clinician"))
            closed = seen_at + timedelta(days=lognormal(rng, 60, 0.5))
            if closed < now:
                steps.append((Status.CLOSED.value, closed, "clinician"))
    status = steps[-1][0]
    reached = {s for s, _, _ in steps}
    decided = decision is not None and decision.value in reached

    thrive, service, reason = "", None, None
    if decided and decision == Status.ACCEPTED:
        thrive = "getting_risk_support" if urgent else rng.choices([t for t, _ in THRIVE], [w for _, w in THRIVE])[0]
        if thrive == "getting_risk_support":
            service = area.crisis_service_id
        elif thrive == "getting_help" and school.id in area.mhst_service_of:
            service = area.mhst_service_of[school.id]
        else:
            service = area.core_service_id
    elif decided and decision == Status.NOT_ACCEPTED:
        reason = area.reason_ids[min(len(area.reason_ids) - 1, int(rng.random() ** 1.6 * len(area.reason_ids)))]
    young, old = AGES.get(school.phase, (7, 15))
    age = rng.randint(young, old)
    submitted_on = submitted.date()  # local time
    n = rid - first_id + 1  # the referral's place in this run: names and keys don't depend on the ids
    situation, topic = SITUATIONS[n % len(SITUATIONS)]
    claimed = Status.IN_TRIAGE.value in reached
    first_contact = Status.FIRST_CONTACT.value in reached
    row = (
        rid, area.id, area.spa_id, school.id, world.referrer_of[school.id], f"scale-{n}", year, number, status,
        1 + len(steps), "urgent" if urgent else "routine", "Child", str(n),
        submitted_on - timedelta(days=age * 365 + rng.randrange(365)), nhs_test_number(n), GENDERS[n % 6],
        ETHNICITIES[n % 9], "Year 12" if age >= 16 else f"Year {max(1, age - 4)}",
        f"ZZ{area.number % 99 + 1} {n % 9 + 1}{LETTERS_FOR_POSTCODE[n % 20]}{LETTERS_FOR_POSTCODE[n // 20 % 20]}",
        situation, f"The {topic} has got worse this half term.", "No previous referrals.",
        "Weekly check-ins with the pastoral lead.", "One term", [], f"The {topic} is affecting learning.",
        "Attendance 85%", topic == "self-harm", False, False, False, "not_applicable",
        ["assessment"], "Would like someone to talk to.", "Parents agree.", "both", age >= 12, True, submitted_on,
        submitted, clinician if claimed else None, claim if claimed else None, decide if decided else None,
        decider if decided else None, thrive, service, reason, EXPLANATIONS[decision] if decided else "",
        submitted_on + timedelta(days=wait) if first_contact else None, clinician if first_contact else None,
        steps[-1][1] if status == Status.CLOSED else None,
        "Completed the planned sessions; goals met." if status == Status.CLOSED else "",
        submitted - timedelta(minutes=30), steps[-1][1],
    )  # fmt: skip
    actors = {"school": world.referrer_of[school.id], "clinician": clinician, "decider": decider}
    return row, steps, asked, actors
