"""A school's phase of education, as every figure groups it (MHST coverage, referrals, dashboards).

The school's phase from the national register (Nursery and Middle deemed primary count as Primary,
Middle deemed secondary as Secondary); when the register gives none (or "Not applicable") the phase
its kind implies (primary, secondary, all-through, a college as 16 plus), otherwise the kind itself
(special schools, pupil referral units, independent schools).
"""

from .models import OrganisationKind

PHASE_ALIASES = {
    "nursery": "Primary",
    "primary": "Primary",
    "middle deemed primary": "Primary",
    "middle deemed secondary": "Secondary",
    "secondary": "Secondary",
    "all-through": "All-through",
    "all through": "All-through",
    "16 plus": "16 plus",
}
PHASE_OF_KIND = {
    OrganisationKind.PRIMARY: "Primary",
    OrganisationKind.SECONDARY: "Secondary",
    OrganisationKind.ALL_THROUGH: "All-through",
    OrganisationKind.FE_COLLEGE: "16 plus",
}
PHASE_ORDER = ["Primary", "Secondary", "All-through", "16 plus"]
NO_PHASE = {"", "not applicable"}


def phase_of(school) -> str:
    """The group a school is counted in (see the module's docstring)."""
    phase = (school.phase or "").strip()
    if phase.lower() in NO_PHASE:
        if school.kind in PHASE_OF_KIND:
            return PHASE_OF_KIND[school.kind]
        try:
            return OrganisationKind(school.kind).label
        except ValueError:
            return "Other"
    return PHASE_ALIASES.get(phase.lower(), phase)


def phase_key(name: str):
    return (PHASE_ORDER.index(name), "") if name in PHASE_ORDER else (len(PHASE_ORDER), name)
