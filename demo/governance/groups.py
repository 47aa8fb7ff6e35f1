"""Demo groups: the steering group, a schools forum and a data working group, their seats, and
their terms of reference (the steering group's v1 superseded, v2 published and due for review,
v3 a draft). The partnership publishes its public pages. Idempotent: nothing is duplicated, and
what a demo user has changed since is left alone."""

from datetime import timedelta

from django.utils import timezone

from partnership.models import Group, GroupMember, Membership, TermsOfReference
from partnership.models.organisation import Sector

STEERING_GROUP_NAME = "Northshire CYP Mental Health Steering Group"
FORUM_NAME = "Schools Mental Health Forum"
DATA_GROUP_NAME = "Data and Outcomes Working Group"

Seat = GroupMember.SeatRole
Status = TermsOfReference.Status
Frequency = TermsOfReference.Frequency

STEERING_V1 = {
    "purpose": (
        "To oversee the partnership's work to improve the mental health and wellbeing of children and "
        "young people in Northshire.\n"
        "To agree the partnership's priorities each year."
    ),
    "membership": (
        "The area lead.\n"
        "A representative of Northshire CYPMHS.\n"
        "A representative of NHS Northshire Integrated Care Board.\n"
        "A representative of the voluntary and community sector."
    ),
    "chair": "The area lead chairs the group.",
    "quorum": 3,
    "quorum_sectors": [Sector.HEALTH],
    "meeting_frequency": Frequency.QUARTERLY,
    "decision_making": "By consensus of the members present.",
    "reporting_line": "Reports to the Northshire Health and Wellbeing Board.",
}

STEERING_V2 = {
    **STEERING_V1,
    "purpose": (
        "To oversee the partnership's work to improve the mental health and wellbeing of children and "
        "young people in Northshire.\n"
        "To agree the partnership's priorities each year.\n"
        "To hold the partnership's action log and risk register and review them at every meeting."
    ),
    "membership": (
        "The area lead.\n"
        "A representative of Northshire CYPMHS.\n"
        "A representative of NHS Northshire Integrated Care Board.\n"
        "A representative of the voluntary and community sector.\n"
        "The chair of the Schools Mental Health Forum, as strategic liaison for schools and colleges."
    ),
    "chair": "The area lead chairs the group. A vice-chair is chosen by the members each year.",
    "quorum": 4,
    "quorum_sectors": [Sector.EDUCATION, Sector.HEALTH],
    "meeting_frequency": Frequency.BIMONTHLY,
    "decision_making": (
        "By consensus of the members present.\n"
        "Where consensus cannot be reached, by a simple majority; the chair has a casting vote."
    ),
}

STEERING_V3 = {
    **STEERING_V2,
    "membership": STEERING_V2["membership"] + "\nA representative of Northshire County Council's children's services.",
    "quorum": 5,
    "quorum_sectors": [Sector.EDUCATION, Sector.HEALTH, Sector.LOCAL_AUTHORITY],
}

FORUM_V1 = {
    "purpose": (
        "To bring together the senior mental health leads of Northshire's schools and colleges to share "
        "practice, hear from CYPMHS and the Mental Health Support Teams, and raise issues for the steering group."
    ),
    "membership": (
        "The senior mental health lead of each member school and college.\n"
        "A Mental Health Support Team manager.\n"
        "A practitioner from Northshire CYPMHS."
    ),
    "chair": "A senior mental health lead, chosen by the forum each school year. The chair sits on the steering group.",
    "quorum": 5,
    "quorum_sectors": [Sector.EDUCATION],
    "meeting_frequency": Frequency.QUARTERLY,
    "decision_making": "The forum advises; it makes recommendations to the steering group by consensus.",
    "reporting_line": "Reports to the Northshire CYP Mental Health Steering Group through its chair.",
}


def seed(partnership, organisations, people):
    today = timezone.localdate()
    steering = _group(
        partnership, STEERING_GROUP_NAME, Group.Kind.STEERING, "Leads the partnership and agrees its priorities."
    )
    forum = _group(
        partnership,
        FORUM_NAME,
        Group.Kind.FORUM,
        "Senior mental health leads of schools and colleges, meeting each term to share practice.",
    )
    data_group = _group(
        partnership,
        DATA_GROUP_NAME,
        Group.Kind.WORKING,
        "Agrees the outcome measures the partnership reports and how the data is gathered.",
    )
    joined = today - timedelta(days=400)

    # The forum first: its chair holds the liaison seat on the steering group.
    _seat(partnership, forum, people["school.lead"], Seat.CHAIR, joined)
    _seat(partnership, forum, people["school.staff"], Seat.MEMBER, joined)
    _seat(partnership, forum, people["mhst.manager"], Seat.MEMBER, joined)

    _seat(partnership, steering, people["area.lead"], Seat.CHAIR, joined)
    _seat(partnership, steering, people["steering.member"], Seat.VICE_CHAIR, joined)
    _seat(partnership, steering, people["duty.lead"], Seat.MEMBER, joined)
    _seat(partnership, steering, people["commissioner"], Seat.MEMBER, joined)
    _seat(partnership, steering, people["school.lead"], Seat.LIAISON, joined, liaison_from=forum)

    _seat(partnership, data_group, people["commissioner"], Seat.CHAIR, joined)
    _seat(partnership, data_group, people["duty.lead"], Seat.MEMBER, joined)
    _seat(partnership, data_group, people["area.lead"], Seat.MEMBER, joined)

    lead = people["area.lead"]
    now = timezone.now()
    _terms(steering, 1, Status.SUPERSEDED, STEERING_V1, today - timedelta(days=30), lead, now - timedelta(days=700))
    # Due for review within the month: the group page says "Review due", and a new draft is under way.
    _terms(steering, 2, Status.PUBLISHED, STEERING_V2, today + timedelta(days=20), lead, now - timedelta(days=345))
    _terms(steering, 3, Status.DRAFT, STEERING_V3, today + timedelta(days=385), lead, None)
    _terms(forum, 1, Status.PUBLISHED, FORUM_V1, today + timedelta(days=240), lead, now - timedelta(days=125))

    if not partnership.publishes_public_pages:
        partnership.publishes_public_pages = True
        partnership.save(update_fields=["publishes_public_pages"])


def _group(partnership, name, kind, summary) -> Group:
    group, _ = Group.objects.get_or_create(
        partnership=partnership, name=name, defaults={"kind": kind, "summary": summary}
    )
    if not group.summary:
        group.summary = summary
        group.save(update_fields=["summary"])
    return group


def _seat(partnership, group, user, role, joined_on, liaison_from=None) -> None:
    if group.seats.current().filter(user=user).exists():
        return
    if role == Seat.CHAIR and group.seats.current().filter(role=Seat.CHAIR).exists():
        role = Seat.MEMBER  # a demo user has given the chair to someone else: leave it with them
    if liaison_from is not None and not liaison_from.seats.current().filter(user=user).exists():
        return
    membership = (
        Membership.objects.filter(user=user, partnership=partnership, is_active=True)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        return
    GroupMember.objects.create(
        group=group,
        user=user,
        organisation=membership.organisation,
        role=role,
        liaison_from=liaison_from,
        joined_on=joined_on,
    )


def _terms(group, version, status, content, review_date, lead, decided_at) -> None:
    if group.terms.filter(version=version).exists():
        return
    if status == Status.DRAFT and group.terms.filter(status=Status.DRAFT).exists():
        return
    if status == Status.PUBLISHED and group.terms.filter(status=Status.PUBLISHED).exists():
        status = Status.SUPERSEDED
    decided = status != Status.DRAFT
    terms = TermsOfReference.objects.create(
        group=group,
        version=version,
        status=status,
        review_date=review_date,
        created_by=lead,
        approved_by=lead if decided else None,
        approved_at=decided_at - timedelta(days=14) if decided else None,
        published_by=lead if decided else None,
        published_at=decided_at if decided else None,
        **content,
    )
    if decided:  # drafted a month before it was approved
        TermsOfReference.objects.filter(pk=terms.pk).update(created_at=decided_at - timedelta(days=44))
