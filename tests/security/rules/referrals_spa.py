"""Access rules for the referrals landing page, the single point of access's settings and reason
codes, and the duty rota (see __init__.py for the shape).

`args()` gives `cast.partnership` an SPA run by a CYPMHS member (except for the set-up page, which
needs a partnership without one). The lead (area lead) may edit everything; the reader (steering
member) sees only the landing page.
"""

import datetime

from django.utils import timezone

from partnership.roles import Role
from referrals.models import NotAcceptedReason, RotaShift, SinglePointOfAccess

from ...factories import OrganisationFactory, PartnershipOrganisationFactory, member
from ...referrals.factories import spa_in
from . import SIGN_IN

READ = {"lead": 200, "reader": 200, "outsider": 404, "anonymous": SIGN_IN}
EDIT = {"lead": 200, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}
EDIT_REDIRECT = {"lead": 302, "reader": 403, "outsider": 404, "anonymous": SIGN_IN}

RULES = {
    "referrals_home": ("get", READ),
    "referrals_spa_setup": ("get", EDIT),
    "referrals_spa_setup:post": ("post", EDIT),
    "referrals_spa_edit": ("get", EDIT),
    "referrals_spa_edit:post": ("post", EDIT),
    "referrals_reasons": ("get", EDIT),
    "referrals_reason_add": ("get", EDIT),
    "referrals_reason_add:post": ("post", EDIT),
    "referrals_reason_edit": ("get", EDIT),
    "referrals_reason_edit:post": ("post", EDIT),
    "referrals_reason_active:post": ("post", EDIT_REDIRECT),
    "referrals_reason_move:post": ("post", EDIT_REDIRECT),
    "referrals_rota": ("get", EDIT),
    "referrals_shift_add": ("get", EDIT),
    "referrals_shift_add:post": ("post", EDIT),
    "referrals_shift_edit": ("get", EDIT),
    "referrals_shift_edit:post": ("post", EDIT),
    "referrals_shift_delete": ("get", EDIT),
    "referrals_shift_delete:post": ("post", EDIT_REDIRECT),
}
PUBLIC = set()

REASON_URLS = {"referrals_reason_edit", "referrals_reason_active", "referrals_reason_move"}
SHIFT_URLS = {"referrals_shift_edit", "referrals_shift_delete"}


def make_spa(partnership) -> SinglePointOfAccess:
    return spa_in(partnership)


def args(name, cast):
    if not name.startswith("referrals_") or name not in {r.split(":")[0] for r in RULES}:
        return None
    slug = cast.partnership.slug
    if name == "referrals_spa_setup":
        provider = OrganisationFactory(cypmhs=True)
        PartnershipOrganisationFactory(partnership=cast.partnership, organisation=provider)
        return [slug]
    spa = make_spa(cast.partnership)
    if name in REASON_URLS:
        return [slug, NotAcceptedReason.objects.filter(spa=spa).order_by("position").last().pk]
    if name in SHIFT_URLS:
        clinician = member(cast.partnership, Role.DUTY_CLINICIAN, organisation=spa.provider, totp=True)
        starts = timezone.now() + datetime.timedelta(days=1)
        shift = RotaShift.objects.create(
            spa=spa,
            role="duty_clinician",
            user=clinician,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=4),
        )
        return [slug, shift.pk]
    return [slug]
