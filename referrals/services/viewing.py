"""Every view of a child's details is audited (DESIGN.md section 9): the school's and the duty
team's referral pages, and the API's detail, history and FHIR reads, call `child_details_viewed`.
The event names the referral by id and reference only."""

from partnership.models import User
from partnership.models.audit import AuditAction
from partnership.services import audit

from ..models import Referral


def child_details_viewed(*, by: User, referral: Referral, where: str) -> None:
    """`where` says which page or endpoint showed them (e.g. "school page", "triage page", "api")."""
    audit.record(
        actor=by,
        action=AuditAction.VIEW_CHILD_DETAILS,
        obj=referral,
        partnership=referral.partnership_id,
        detail={"reference": referral.reference, "where": where},
    )
