"""The referral state machine (DESIGN.md section 6), as data: which transitions exist, who makes
them (the permission asked for) and what each needs. Pure: services enforce it under a row lock.

    draft -> submitted -> in triage (claimed) -> more information requested -> (answered) in triage
                                              -> accepted -> first contact made -> closed
                                              -> signposted
                                              -> not accepted
    in triage -> submitted (released back to the queue)
"""

from dataclasses import dataclass

from django.db import models

from partnership.roles import Permission


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_TRIAGE = "in_triage", "In triage"
    INFO_REQUESTED = "info_requested", "More information requested"
    ACCEPTED = "accepted", "Accepted"
    SIGNPOSTED = "signposted", "Signposted"
    NOT_ACCEPTED = "not_accepted", "Not accepted"
    FIRST_CONTACT = "first_contact", "First contact made"
    CLOSED = "closed", "Closed"


#: the waiting-time clock runs while a referral is in one of these states
OPEN = frozenset({Status.SUBMITTED, Status.IN_TRIAGE, Status.INFO_REQUESTED, Status.ACCEPTED})
#: triage has decided: the decision (the D of SBARD) is shown to the school
DECIDED = frozenset({Status.ACCEPTED, Status.SIGNPOSTED, Status.NOT_ACCEPTED, Status.FIRST_CONTACT, Status.CLOSED})


@dataclass(frozen=True)
class Transition:
    name: str
    source: frozenset
    target: Status
    permission: Permission


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", frozenset({Status.DRAFT}), Status.SUBMITTED, Permission.SUBMIT_REFERRALS),
        Transition("claim", frozenset({Status.SUBMITTED}), Status.IN_TRIAGE, Permission.TRIAGE_REFERRALS),
        Transition("release", frozenset({Status.IN_TRIAGE}), Status.SUBMITTED, Permission.TRIAGE_REFERRALS),
        Transition(
            "request_information", frozenset({Status.IN_TRIAGE}), Status.INFO_REQUESTED, Permission.TRIAGE_REFERRALS
        ),
        Transition("answer", frozenset({Status.INFO_REQUESTED}), Status.IN_TRIAGE, Permission.SUBMIT_REFERRALS),
        Transition("accept", frozenset({Status.IN_TRIAGE}), Status.ACCEPTED, Permission.TRIAGE_REFERRALS),
        Transition("signpost", frozenset({Status.IN_TRIAGE}), Status.SIGNPOSTED, Permission.TRIAGE_REFERRALS),
        Transition("not_accept", frozenset({Status.IN_TRIAGE}), Status.NOT_ACCEPTED, Permission.TRIAGE_REFERRALS),
        Transition("first_contact", frozenset({Status.ACCEPTED}), Status.FIRST_CONTACT, Permission.TRIAGE_REFERRALS),
        Transition("close", frozenset({Status.FIRST_CONTACT}), Status.CLOSED, Permission.TRIAGE_REFERRALS),
    )
}


def transition_for(name: str, current: str) -> Transition | None:
    """The named transition if it may start from `current`, else None."""
    transition = TRANSITIONS.get(name)
    if transition is None or current not in transition.source:
        return None
    return transition


def allowed_from(current: str) -> list[str]:
    return [name for name, t in TRANSITIONS.items() if current in t.source]
