"""Demo action log and risk register for the Northshire partnership. Idempotent: actions are found
by title, risks by seed key or title, so seeding again adds nothing. Meeting-sourced actions are
added by demo/governance/meetings.py."""

from datetime import timedelta

from django.utils import timezone

from partnership.models import Action, Membership, Risk
from partnership.services import actions as action_service
from partnership.services import risks as risk_service

S = Action.Source
ST = Action.Status

# Common risks the area lead has kept, with their adjusted (likelihood, impact); one more is kept as
# scored; "leadership_change" is left proposed for the demo's keep-or-remove journey.
KEPT = {
    "staff_turnover": (4, 4),
    "school_capacity": (4, 3),
    "cypmhs_capacity": (5, 4),
    "funding_change": (3, 5),
    "restructuring": None,
}

# Risks of this partnership: (title, description, likelihood, impact, owner, controls)
OWN_RISKS = [
    (
        "MHST wave funding ends for the east of the county",
        "The Mental Health Support Team covering Castlegate and Harbourview is funded to March; without "
        "recurrent funding 11 schools lose their MHST.",
        3,
        5,
        "commissioner",
        "Business case drafted for the ICB's investment panel.",
    ),
    (
        "Referral information shared by unencrypted email",
        "Some schools still email SBARD referrals to the single point of access rather than using the "
        "platform, risking a data breach.",
        3,
        4,
        "duty.lead",
        "Information-sharing agreement in the MOU; platform access offered to every school.",
    ),
]

# (title, owner, days from today, status, at risk, source, source detail or own-risk index, updates)
ACTIONS = [
    # red: overdue
    (
        "Publish the single point of access contact list to every school",
        "duty.lead",
        -12,
        ST.IN_PROGRESS,
        False,
        S.CASCADE_DOMAIN,
        "Domain A: Clarity on roles",
        ["Draft list shared with the steering group."],
    ),
    (
        "Confirm a senior mental health lead for each secondary school",
        "school.lead",
        -5,
        ST.NOT_STARTED,
        False,
        S.CASCADE_DOMAIN,
        "Domain A: Clarity on roles",
        [],
    ),
    (
        "Agree the data items schools receive after a referral decision",
        "duty.lead",
        -3,
        ST.IN_PROGRESS,
        True,
        S.RISK,
        1,
        ["Template agreed in principle; waiting for information governance sign-off."],
    ),
    (
        "Circulate the workshop action plan to all member organisations",
        "area.lead",
        -20,
        ST.NOT_STARTED,
        False,
        S.WORKSHOP,
        "CASCADE workshop, autumn term",
        [],
    ),
    # amber: due within 14 days
    (
        "Run a joint training session on anxiety for school staff",
        "steering.member",
        6,
        ST.IN_PROGRESS,
        False,
        S.CASCADE_DOMAIN,
        "Domain E: Joint working",
        ["Venue booked at Northshire College."],
    ),
    (
        "Set up termly consultation slots between CYPMHS and each secondary school",
        "duty.lead",
        10,
        ST.NOT_STARTED,
        False,
        S.CASCADE_DOMAIN,
        "Domain C: Structures to support joint working",
        [],
    ),
    (
        "Review the steering group membership against the terms of reference",
        "area.lead",
        13,
        ST.IN_PROGRESS,
        False,
        S.OTHER,
        "",
        [],
    ),
    (
        "Draft the business case for recurrent MHST funding",
        "commissioner",
        4,
        ST.IN_PROGRESS,
        False,
        S.RISK,
        0,
        ["Finance figures received from the trust."],
    ),
    # amber: flagged at risk
    (
        "Recruit a second educational mental health practitioner for the PRU",
        "duty.lead",
        45,
        ST.IN_PROGRESS,
        True,
        S.RISK,
        "staff_turnover",
        ["Advert closed with no suitable applicants; re-advertising."],
    ),
    (
        "Map VCSO services for children waiting for CYPMHS",
        "steering.member",
        30,
        ST.IN_PROGRESS,
        True,
        S.CASCADE_DOMAIN,
        "Domain F: Evidence-based practice",
        ["Two providers yet to reply."],
    ),
    (
        "Agree cover arrangements for senior mental health lead absence",
        "school.lead",
        60,
        ST.NOT_STARTED,
        True,
        S.RISK,
        "school_capacity",
        [],
    ),
    # green
    (
        "Add every member school's lead contacts to the directory",
        "school.lead",
        40,
        ST.IN_PROGRESS,
        False,
        S.CASCADE_DOMAIN,
        "Domain B: Leadership",
        [],
    ),
    (
        "Plan the spring CASCADE workshop",
        "area.lead",
        75,
        ST.NOT_STARTED,
        False,
        S.WORKSHOP,
        "CASCADE workshop, spring term",
        [],
    ),
    (
        "Publish a young people's guide to local support",
        "steering.member",
        90,
        ST.NOT_STARTED,
        False,
        S.CASCADE_DOMAIN,
        "Domain D: Child and family participation",
        [],
    ),
    (
        "Move all school referrals onto the platform",
        "duty.lead",
        55,
        ST.IN_PROGRESS,
        False,
        S.RISK,
        1,
        ["Eight of twenty schools now refer through the platform."],
    ),
    (
        "Include partnership actions in the local transformation plan refresh",
        "commissioner",
        120,
        ST.NOT_STARTED,
        False,
        S.OTHER,
        "",
        [],
    ),
    # complete
    (
        "Name a CYPMHS link for every school",
        "duty.lead",
        -30,
        ST.COMPLETE,
        False,
        S.CASCADE_DOMAIN,
        "Domain A: Clarity on roles",
        ["Links named for all 20 schools."],
    ),
    (
        "Sign the memorandum of understanding",
        "area.lead",
        -14,
        ST.COMPLETE,
        False,
        S.OTHER,
        "",
        ["All parties signed."],
    ),
    (
        "Agree the partnership's terms of reference",
        "commissioner",
        -45,
        ST.COMPLETE,
        False,
        S.WORKSHOP,
        "CASCADE workshop, autumn term",
        ["Approved by the steering group."],
    ),
    (
        "Share the CYPMHS waiting-time report with schools each term",
        "commissioner",
        20,
        ST.CANCELLED,
        False,
        S.OTHER,
        "",
        ["Replaced by the dashboard on the platform."],
    ),
]


def _organisation(partnership, user):
    return Membership.objects.filter(partnership=partnership, user=user, is_active=True).first().organisation


def seed(partnership, organisations, people):
    lead = people["area.lead"]
    today = timezone.localdate()
    risks = _seed_risks(partnership, people, lead, today)
    existing = set(Action.objects.for_partnership(partnership).values_list("title", flat=True))
    for title, owner_key, offset, status, at_risk, source, detail, updates in ACTIONS:
        if title in existing:
            continue
        owner = people[owner_key]
        risk = None
        if source == S.RISK:
            risk = risks[detail]
            detail = ""
        action = action_service.create_action(
            partnership=partnership,
            by=lead,
            title=title,
            owner=owner,
            owner_organisation=_organisation(partnership, owner),
            due_date=today + timedelta(days=offset),
            source=source,
            source_risk=risk,
            source_detail=detail,
        )
        if not updates and status == ST.NOT_STARTED and not at_risk:
            continue
        # owners without UPDATE_OWN_ACTIONS report progress through the area lead
        by = owner if action_service.can_update_progress(owner, action) else lead
        texts = updates or ["Flagged at the steering group."]
        for text in texts[:-1]:
            action_service.record_progress(action=action, by=by, text=text)
        action_service.record_progress(action=action, by=by, text=texts[-1], status=status, at_risk=at_risk or None)


def _seed_risks(partnership, people, lead, today) -> dict:
    """The common risks (most kept with adjusted scores, one still proposed) and the partnership's own."""
    risks = Risk.objects.for_partnership(partnership)
    if not risks.exclude(seed_key="").exists():
        risk_service.seed_common_risks(partnership)
    by_key = {r.seed_key: r for r in risks.exclude(seed_key="")}
    for key, score in KEPT.items():
        risk = by_key.get(key)
        if risk is None or risk.status != Risk.Status.PROPOSED:
            continue
        risk = risk_service.keep_risk(risk=risk, by=lead)
        if score:
            risk_service.update_risk(
                risk=risk,
                by=lead,
                title=risk.title,
                description=risk.description,
                likelihood=score[0],
                impact=score[1],
                owner=people["area.lead"],
                controls="Reviewed at each steering group meeting.",
                review_date=risk.review_date,
            )
        by_key[key] = risk
    found = {r.title: r for r in risks.filter(seed_key="")}
    own = []
    for title, description, likelihood, impact, owner_key, controls in OWN_RISKS:
        risk = found.get(title) or risk_service.create_risk(
            partnership=partnership,
            by=lead,
            title=title,
            description=description,
            likelihood=likelihood,
            impact=impact,
            owner=people[owner_key],
            controls=controls,
            review_date=today + timedelta(days=60),
        )
        own.append(risk)
    return {**by_key, 0: own[0], 1: own[1]}
