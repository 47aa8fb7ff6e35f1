"""Display values for referrals, so templates, exports and the API stay dumb: statuses and
waiting-time clocks as nhsuk tags (colour AND words, never colour alone), and the timeline."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from .models import Referral
from .states import OPEN, Status
from .waiting import Clock, clock_for, days_left, days_waited

STATUS_COLOURS = {
    Status.DRAFT: "grey",
    Status.SUBMITTED: "blue",
    Status.IN_TRIAGE: "purple",
    Status.INFO_REQUESTED: "yellow",
    Status.ACCEPTED: "green",
    Status.SIGNPOSTED: "aqua-green",
    Status.NOT_ACCEPTED: "orange",
    Status.FIRST_CONTACT: "green",
    Status.CLOSED: "white",
}
CLOCK_COLOURS = {Clock.GREEN: "green", Clock.AMBER: "yellow", Clock.RED: "red", Clock.BREACHED: "red"}


def status_tag(status: str) -> dict:
    status = Status(status)
    return {"text": status.label, "colour": STATUS_COLOURS[status]}


def waiting(referral: Referral, today: date | None = None) -> dict | None:
    """The clock of a submitted referral: days waited (to first contact, or to today while open),
    its RAG as a tag with words, and days left within the four-week standard. None for drafts."""
    if referral.submitted_at is None:
        return None
    until = referral.first_contact_on or today or timezone.localdate()
    days = days_waited(referral.submitted_at, until)
    clock = clock_for(days)
    still_open = referral.status in OPEN
    text = f"Breached: {days} days" if clock == Clock.BREACHED else f"{clock.label}: day {days}"
    return {
        "days": days,
        "clock": clock.value,
        "open": still_open,
        "tag": {"text": text, "colour": CLOCK_COLOURS[clock]},
        "days_left": days_left(days),
    }


def internal_waits(referral: Referral) -> dict:
    """Submitted to triaged, triaged to first contact, in days (None until both ends exist)."""

    def between(start: datetime | date | None, end: datetime | date | None) -> int | None:
        if start is None or end is None:
            return None
        return days_waited(start, end)

    return {
        "to_triage": between(referral.submitted_at, referral.triaged_at),
        "triage_to_first_contact": between(referral.triaged_at, referral.first_contact_on),
        "to_first_contact": between(referral.submitted_at, referral.first_contact_on),
    }


def made_by_school(change) -> bool:
    """Whether a status change was the school's own (sending the referral, answering a question);
    every other change is the duty team's."""
    return change.from_status in ("", Status.DRAFT) or (
        change.from_status == Status.INFO_REQUESTED and change.to_status == Status.IN_TRIAGE
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    by: str
    note: str


def timeline(referral: Referral, *, for_school: bool) -> list[TimelineEntry]:
    """Every status change, oldest first. The school sees who in the duty team acted as
    "Duty team" (names stay inside the service); the duty team sees names."""
    entries = []
    for change in referral.status_changes.select_related("by").order_by("at", "pk"):
        came_from = Status(change.from_status).label if change.from_status else "New"
        who = change.by.full_name or change.by.email
        note = change.note
        if for_school and not made_by_school(change):
            # names and working notes stay inside the duty team; the school sees the decision itself
            who, note = "Duty team", ""
        entries.append(TimelineEntry(change.at, f"{came_from} to {Status(change.to_status).label}", who, note))
    return entries
