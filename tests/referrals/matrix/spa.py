"""The referral access matrix for the landing page, the SPA's settings and reason codes, and the
duty rota (see __init__.py). Editors are the area lead and the SPA's duty lead; the duty team
reads the rota and reason codes; everyone in the partnership reads the landing page."""

import datetime

from django.utils import timezone

from referrals.models import NotAcceptedReason, RotaShift

from . import SIGN_IN

OTHERS = {
    "school_a": 403,
    "school_b": 403,
    "mhst": 403,
    "commissioner": 403,
    "reader": 403,
    "foreign_duty": 404,
    "outsider": 404,
}
EVERYONE = {
    **dict.fromkeys(("school_a", "school_b", "duty", "duty_lead", "mhst", "lead", "reader", "commissioner"), 200),
    "foreign_duty": 404,
    "outsider": 404,
    "anonymous": SIGN_IN,
}
EDIT = {**OTHERS, "duty": 403, "duty_lead": 200, "lead": 200, "anonymous": SIGN_IN}
EDIT_REDIRECT = {**EDIT, "duty_lead": 302, "lead": 302}
READ = {**EDIT, "duty": 200}

# The SPA's settings and rota need LEAD_DUTY_TEAM or MANAGE_PARTNERSHIP, checked before any reason
# or shift is looked up.
REFUSED_FIRST = ("reader", "school_a", "school_b", "duty", "mhst", "commissioner")

MATRIX = {
    "referrals_home": ("get", EVERYONE),
    # the partnership already has an SPA: the area lead is sent to its settings
    "referrals_spa_setup": ("get", {**OTHERS, "duty": 403, "duty_lead": 403, "lead": 302, "anonymous": SIGN_IN}),
    "referrals_spa_setup:post": (
        "post",
        {**OTHERS, "duty": 403, "duty_lead": 403, "lead": 302, "anonymous": SIGN_IN},
    ),
    "referrals_spa_edit": ("get", EDIT),
    "referrals_spa_edit:post": ("post", EDIT),
    "referrals_reasons": ("get", READ),
    "referrals_reason_add": ("get", EDIT),
    "referrals_reason_add:post": ("post", EDIT),
    "referrals_reason_edit": ("get", EDIT),
    "referrals_reason_edit:post": ("post", EDIT),
    "referrals_reason_active:post": ("post", EDIT_REDIRECT),
    "referrals_reason_move:post": ("post", EDIT_REDIRECT),
    "referrals_rota": ("get", READ),
    "referrals_shift_add": ("get", EDIT),
    "referrals_shift_add:post": ("post", EDIT),
    "referrals_shift_edit": ("get", EDIT),
    "referrals_shift_edit:post": ("post", EDIT),
    "referrals_shift_delete": ("get", EDIT),
    "referrals_shift_delete:post": ("post", EDIT_REDIRECT),
}
NAMES = {rule.split(":")[0] for rule in MATRIX}


def args(name, cast):
    if name not in NAMES:
        return None
    world = cast.world
    slug = world.partnership.slug
    cast.referral("submitted")  # a child's details exist in the partnership: no page here may show them
    if name in {"referrals_reason_edit", "referrals_reason_active", "referrals_reason_move"}:
        return [slug, NotAcceptedReason.objects.filter(spa=world.spa).order_by("position").last().pk]
    if name in {"referrals_shift_edit", "referrals_shift_delete"}:
        starts = timezone.now() + datetime.timedelta(days=1)
        shift = RotaShift.objects.create(
            spa=world.spa,
            role="duty_clinician",
            user=world.clinician,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=4),
        )
        return [slug, shift.pk]
    return [slug]
