"""Demo meetings and memoranda of understanding for the Northshire partnership. Idempotent.

- a year of steering group meetings at its published cadence (every two months without terms),
  the past ones held, with attendance, minutes and decisions (D0001 ...);
- a signed MOU between the CYPMHS, the county council and Hillcrest Academy;
- an information-sharing protocol awaiting signature, signed by one of its two parties.
All names and content are fictional. Everything is written through the services, so it is audited.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from partnership.models import Attendance, Decision, Group, Meeting, Mou, TermsOfReference
from partnership.services import meetings as meeting_service
from partnership.services import mous as mou_service

STEERING_GROUP_NAME = "Northshire CYP Mental Health Steering Group"
CYPMHS = "Northshire CYPMHS (Northshire Healthcare NHS Foundation Trust)"
COUNCIL = "Northshire County Council"
HILLCREST = "Hillcrest Academy"

MEETING_TIME = datetime.time(14, 0)
MEETING_LOCATION = "County Hall, Committee Room 2"
FIRST_MEETING_DAYS_AGO = 100

AGENDA = """1. Welcome, apologies and declarations of interest
2. Minutes and actions from the last meeting
3. Single point of access: waiting times against the four-week standard
4. Mental Health Support Team roll-out to secondary schools
5. CASCADE self-assessment: progress on the action plan
6. Risk register review
7. Any other business"""

HELD = [
    {
        "minutes": (
            "The chair welcomed members. Apologies were noted.\n\n"
            "Single point of access: the CYPMHS reported that 82% of referrals received a first contact within "
            "four weeks last quarter. Members discussed the rise in referrals from secondary schools in the "
            "east of the county.\n\n"
            "MHST roll-out: the second team will start in September and support eight more schools. "
            "Schools were asked to confirm their senior mental health lead."
        ),
        "decisions": [
            "The steering group adopts the joint referral pathway for schools and CYPMHS, version 2.",
            "Schools with a Mental Health Support Team will be asked to confirm their senior mental health lead "
            "every term.",
        ],
    },
    {
        "minutes": (
            "The chair welcomed members, including a new representative from Northshire Young Minds Together.\n\n"
            "CASCADE: the partnership scored itself 'developing' in four of eight domains. The workshop "
            "report will be circulated.\n\n"
            "Risk register: staff turnover in CYPMHS remains the highest-rated risk. Members agreed the "
            "mitigation actions."
        ),
        "decisions": [
            "The CASCADE action plan is agreed and will be reviewed at every second meeting.",
        ],
    },
]

ROUTINE = {
    "minutes": "Members reviewed the action log and the risk register. No new decisions were needed.",
    "decisions": [],
}

SIGNED_MOU = {
    "title": "Schools and CYPMHS joint working agreement",
    "purpose": (
        "To set out how Northshire's schools and colleges and Northshire CYPMHS work together so that "
        "children and young people get the right support at the right time, and nobody is passed between "
        "services without help."
    ),
    "joint_working_areas": (
        "Consultation: each secondary school has a named CYPMHS link and a termly consultation slot.\n"
        "Referral: schools refer through the single point of access using the SBARD form.\n"
        "Training: joint training for senior mental health leads twice a year.\n"
        "Transitions: planning for pupils moving from primary to secondary school."
    ),
    "roles_and_responsibilities": (
        "Schools name a senior mental health lead and keep their contact details current.\n"
        "CYPMHS names a link for each school and replies to a consultation request within ten working days.\n"
        "The county council coordinates training and the partnership's directory of services."
    ),
    "information_shared": (
        "Referral outcomes and the advice given to the school; the name of the CYPMHS link; the school's "
        "senior mental health lead; aggregate figures on referrals and waiting times."
    ),
    "information_when": "Within five working days of a triage decision; aggregate figures every term.",
    "information_how": (
        "Through this platform only, never by unencrypted email. Children's details are shared only with "
        "staff of the child's own school and the single point of access."
    ),
}

PROTOCOL = {
    "title": "Information-sharing protocol for the single point of access",
    "purpose": (
        "To agree what the single point of access and Hillcrest Academy share about a referral, so that the "
        "school can support the young person while they wait."
    ),
    "joint_working_areas": "Referral, triage and first contact; support while waiting; discharge planning.",
    "roles_and_responsibilities": (
        "The single point of access tells the school the triage decision and any advice.\n"
        "The school's senior mental health lead tells the single point of access of any change in risk."
    ),
    "information_shared": "The triage decision, advice for the school, and changes in risk.",
    "information_when": "The working day after a decision, or the same day when risk changes.",
    "information_how": "Through this platform; urgent changes in risk by telephone, then recorded here.",
}


def seed(partnership, organisations, people):
    lead = people["area.lead"]
    group, _ = Group.objects.get_or_create(
        partnership=partnership,
        name=STEERING_GROUP_NAME,
        defaults={
            "kind": Group.Kind.STEERING,
            "summary": "Leads the partnership's work on children and young people's mental health.",
        },
    )
    _meetings(group, lead)
    _signed_mou(partnership, organisations, people)
    _protocol(partnership, organisations, people)


def _meetings(group, lead):
    if not Meeting.objects.filter(group=group).exists():
        terms = group.published_terms()
        today = timezone.localdate()
        meeting_service.schedule_year(
            group=group,
            by=lead,
            first_date=today - datetime.timedelta(days=FIRST_MEETING_DAYS_AGO),
            time=MEETING_TIME,
            location=MEETING_LOCATION,
            frequency=None if terms else TermsOfReference.Frequency.BIMONTHLY,
        )
    meetings = list(Meeting.objects.filter(group=group).order_by("starts_at"))
    for meeting in meetings:
        if not meeting.agenda:
            meeting_service.update_agenda(meeting=meeting, by=lead, agenda=AGENDA)
    if any(m.status == Meeting.Status.HELD for m in meetings):
        return  # already seeded: the meetings that were in the past then are held
    past = [m for m in meetings if m.starts_at < timezone.now() and m.status == Meeting.Status.SCHEDULED]
    for i, meeting in enumerate(past):
        _hold(meeting, lead, HELD[i] if i < len(HELD) else ROUTINE)


def _hold(meeting, lead, content):
    seats = list(meeting_service.current_seats(meeting.group))
    # Everyone present but the last seat, who sent apologies.
    statuses = {seat.pk: Attendance.Status.PRESENT for seat in seats}
    if len(seats) > 2:
        statuses[seats[-1].pk] = Attendance.Status.APOLOGIES
    meeting = meeting_service.record_attendance(meeting=meeting, by=lead, statuses=statuses)
    meeting_service.update_minutes(meeting=meeting, by=lead, minutes=content["minutes"])
    if not Decision.objects.filter(meeting=meeting).exists():
        for text in content["decisions"]:
            meeting_service.add_decision(meeting=meeting, by=lead, text=text)


def _dates(days_ago: int):
    start = timezone.localdate() - datetime.timedelta(days=days_ago)
    return {"start_date": start, "review_date": start + relativedelta(years=1, days=-1)}


def _create(partnership, lead, content, days_ago, parties):
    mou = mou_service.create_mou(partnership=partnership, by=lead, **content, **_dates(days_ago))
    for organisation, signatory, job_title in parties:
        mou_service.add_party(
            mou=mou, by=lead, organisation=organisation, signatory=signatory, signatory_title=job_title
        )
    return mou_service.send_for_signature(mou=mou, by=lead)


def _signed_mou(partnership, organisations, people):
    if Mou.objects.filter(partnership=partnership, title=SIGNED_MOU["title"]).exists():
        return
    parties = [
        (organisations[CYPMHS], people["duty.lead"], "Service manager, single point of access"),
        (organisations[COUNCIL], people["facilitator"], "Head of inclusion"),
        (organisations[HILLCREST], people["school.lead"], "Senior mental health lead"),
    ]
    mou = _create(partnership, people["area.lead"], SIGNED_MOU, 200, parties)
    for party in mou.parties.all():
        mou_service.sign(party=party, by=party.signatory)


def _protocol(partnership, organisations, people):
    if Mou.objects.filter(partnership=partnership, title=PROTOCOL["title"]).exists():
        return
    parties = [
        (organisations[CYPMHS], people["duty.lead"], "Service manager, single point of access"),
        (organisations[HILLCREST], people["school.lead"], "Senior mental health lead"),
    ]
    mou = _create(partnership, people["area.lead"], PROTOCOL, 14, parties)
    mou_service.sign(party=mou.parties.get(signatory=people["duty.lead"]), by=people["duty.lead"])
