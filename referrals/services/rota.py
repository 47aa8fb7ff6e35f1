"""The duty rota: who is duty clinician and duty lead when, and the gaps in required cover.

Required cover (REQUIRED_COVER) is deliberately simple and explicit: each of the two duty roles
must be covered Monday to Friday, 09:00 to 17:00, Europe/London local time (so 08:00-16:00 UTC in
summer). Change `required_cover()` (or the constants) when an SPA's working hours need more.

A gap is a stretch of required cover with nobody on shift in that role. Shifts are half-open
intervals [starts_at, ends_at): a shift ending at 13:00 and the next starting at 13:00 leave no gap.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnership.models import Membership, User
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit, notifications

from ..models import DutyRole, RotaShift, SinglePointOfAccess
from .spa import members_holding, require_spa_editor

# --- required cover ----------------------------------------------------------------------------

COVER_TIMEZONE = ZoneInfo("Europe/London")
COVER_WEEKDAYS = frozenset({0, 1, 2, 3, 4})  # Monday to Friday
COVER_STARTS = time(9, 0)
COVER_ENDS = time(17, 0)
ROLES = (DutyRole.CLINICIAN, DutyRole.LEAD)


@dataclass(frozen=True)
class RequiredCover:
    """Each duty role must be covered on these weekdays between these local times."""

    weekdays: frozenset[int] = COVER_WEEKDAYS
    starts: time = COVER_STARTS
    ends: time = COVER_ENDS
    tz: ZoneInfo = COVER_TIMEZONE


REQUIRED_COVER = RequiredCover()


def local(day: date, at: time, tz: ZoneInfo = COVER_TIMEZONE) -> datetime:
    """`day` at local time `at` (the first of two, when the clocks go back), in UTC: arithmetic and
    comparisons between datetimes sharing a zoneinfo tzinfo ignore clock changes, UTC ones do not."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def required_cover(start: datetime, end: datetime, cover: RequiredCover = REQUIRED_COVER) -> list[tuple]:
    """The windows of required cover (for each role) that fall within [start, end), clipped to it."""
    windows = []
    day = timezone.localtime(start, cover.tz).date()
    last = timezone.localtime(end, cover.tz).date()
    while day <= last:
        if day.weekday() in cover.weekdays:
            w_start, w_end = max(local(day, cover.starts, cover.tz), start), min(local(day, cover.ends, cover.tz), end)
            if w_start < w_end:
                windows.append((w_start, w_end))
        day += timedelta(days=1)
    return windows


def uncovered(windows: list[tuple], covered: list[tuple]) -> list[tuple]:
    """The parts of `windows` not covered by any of the `covered` intervals (all half-open)."""
    merged = []
    for s, e in sorted(covered):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    holes = []
    for w_start, w_end in windows:
        cursor = w_start
        for s, e in merged:
            if e <= cursor or s >= w_end:
                continue
            if s > cursor:
                holes.append((cursor, s))
            cursor = max(cursor, e)
            if cursor >= w_end:
                break
        if cursor < w_end:
            holes.append((cursor, w_end))
    return holes


class Gap(NamedTuple):
    role: str
    start: datetime
    end: datetime

    @property
    def text(self) -> str:
        """'No duty clinician 9am-1pm' (times in local time; the day is shown beside it)."""
        return f"No {DutyRole(self.role).label.lower()} {clock(self.start)}-{clock(self.end)}"


def gaps(spa: SinglePointOfAccess, start: datetime, end: datetime, cover: RequiredCover = REQUIRED_COVER) -> list[Gap]:
    """Uncovered intervals of required cover within [start, end), per role, soonest first."""
    windows = required_cover(start, end, cover)
    if not windows:
        return []
    shifts = RotaShift.objects.filter(spa=spa, starts_at__lt=end, ends_at__gt=start).values_list(
        "role", "starts_at", "ends_at"
    )
    by_role = {role: [] for role in ROLES}
    for role, s, e in shifts:
        by_role.setdefault(role, []).append((s, e))
    found = [Gap(role, s, e) for role in ROLES for s, e in uncovered(windows, by_role[role])]
    return sorted(found, key=lambda g: (g.start, ROLES.index(g.role)))


# --- display helpers ---------------------------------------------------------------------------


def clock(moment: datetime) -> str:
    """A local time as NHS.UK style writes it: 9am, 1:30pm, midday, midnight."""
    t = timezone.localtime(moment, COVER_TIMEZONE)
    if (t.hour, t.minute) == (0, 0):
        return "midnight"
    if (t.hour, t.minute) == (12, 0):
        return "midday"
    hour = t.hour % 12 or 12
    suffix = "am" if t.hour < 12 else "pm"
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on clock-change days)."""
    return local(day, time(0)), local(day + timedelta(days=1), time(0))


# --- who may be on the rota --------------------------------------------------------------------


def eligible_memberships(spa: SinglePointOfAccess, role: str | None = None):
    """Active members at the SPA's provider with a duty role (the given one, or either)."""
    roles = [role] if role else [r.value for r in ROLES]
    return (
        Membership.objects.for_partnership(spa.partnership_id)
        .filter(organisation_id=spa.provider_id, is_active=True, user__is_active=True, roles__overlap=roles)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def _check(spa: SinglePointOfAccess, *, role: str, user: User, starts_at: datetime, ends_at: datetime, exclude=None):
    errors = {}
    if role not in DutyRole.values:
        errors["role"] = "Select duty clinician or duty lead"
    elif not eligible_memberships(spa, role).filter(user=user).exists():
        errors["user"] = (
            f"Select someone who is a {DutyRole(role).label.lower()} at {spa.provider.name}: "
            "this person does not have that role there"
        )
    if not starts_at or not ends_at:
        errors["starts_at"] = "Enter when the shift starts and ends"
    elif ends_at <= starts_at:
        errors["end_time"] = "The shift must end after it starts"
    elif ends_at - starts_at > MAX_SHIFT:
        errors["end_time"] = "A shift can be at most 24 hours long"
    if errors:
        raise ValidationError(errors)
    clash = RotaShift.objects.filter(spa=spa, user=user, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    other = clash.order_by("starts_at").first()
    if other is not None:
        who = user.full_name or user.email
        raise ValidationError(
            {
                "user": f"{who} already has a shift from {_day(other.starts_at)} {clock(other.starts_at)} "
                f"to {_day(other.ends_at)} {clock(other.ends_at)} that overlaps this one"
            }
        )


MAX_SHIFT = timedelta(hours=24)


def _day(moment: datetime) -> str:
    return f"{timezone.localtime(moment, COVER_TIMEZONE):%-d %b}"


def _detail(shift: RotaShift) -> dict:
    return {
        "role": shift.role,
        "user": shift.user_id,
        "starts_at": shift.starts_at.isoformat(),
        "ends_at": shift.ends_at.isoformat(),
    }


def _lock(spa: SinglePointOfAccess) -> None:
    """One rota writer per SPA at a time, so two overlapping shifts cannot both pass the check."""
    SinglePointOfAccess.objects.select_for_update().filter(pk=spa.pk).first()


@transaction.atomic
def add_shift(
    *, spa: SinglePointOfAccess, by: User, role: str, user: User, starts_at: datetime, ends_at: datetime
) -> RotaShift:
    require_spa_editor(by, spa)
    _lock(spa)
    _check(spa, role=role, user=user, starts_at=starts_at, ends_at=ends_at)
    shift = RotaShift.objects.create(spa=spa, role=role, user=user, starts_at=starts_at, ends_at=ends_at)
    audit.record(actor=by, action=AuditAction.CREATE, obj=shift, detail=_detail(shift))
    return shift


@transaction.atomic
def update_shift(
    *, shift: RotaShift, by: User, role: str, user: User, starts_at: datetime, ends_at: datetime
) -> RotaShift:
    require_spa_editor(by, shift.spa)
    _lock(shift.spa)
    _check(shift.spa, role=role, user=user, starts_at=starts_at, ends_at=ends_at, exclude=shift)
    shift = RotaShift.objects.get(pk=shift.pk)
    before = _detail(shift)
    shift.role, shift.user, shift.starts_at, shift.ends_at = role, user, starts_at, ends_at
    changed = audit.changed_fields(before, _detail(shift))
    if changed:
        shift.save()
        audit.record(actor=by, action=AuditAction.UPDATE, obj=shift, detail={"changed": changed})
    return shift


@transaction.atomic
def delete_shift(*, shift: RotaShift, by: User) -> None:
    require_spa_editor(by, shift.spa)
    _lock(shift.spa)
    detail = _detail(shift)
    audit.record(actor=by, action=AuditAction.DELETE, obj=shift, detail=detail)
    RotaShift.objects.filter(pk=shift.pk).delete()


# --- warning the duty leads of gaps a week ahead -----------------------------------------------

#: gaps are flagged for today and the next LOOKAHEAD_DAYS days (whole local days, so a gap's
#: start and end, and so its notification key, do not change from one daily run to the next)
LOOKAHEAD_DAYS = 7


def duty_lead_emails(spa: SinglePointOfAccess) -> list[str]:
    """The addresses of the SPA's duty leads (LEAD_DUTY_TEAM through a membership at the provider)."""
    return sorted({u.email for u in members_holding(spa.partnership_id, spa.provider_id, Permission.LEAD_DUTY_TEAM)})


def rota_url(spa: SinglePointOfAccess, day: date) -> str:
    path = reverse("referrals_rota", args=[spa.partnership.slug])
    return f"{settings.SITE_URL}{path}?week={week_start(day).isoformat()}"


def gap_key(spa: SinglePointOfAccess, gap: Gap) -> str:
    start, end = (moment.astimezone(UTC).isoformat() for moment in (gap.start, gap.end))
    return f"rota-gap:{spa.pk}:{gap.role}:{start}:{end}"


def flag_gaps(*, now: datetime | None = None) -> int:
    """Email each SPA's duty leads about each gap in cover from today to LOOKAHEAD_DAYS ahead,
    once per SPA, role, gap start and gap end. Returns the number of emails sent."""
    now = now or timezone.now()
    today = timezone.localtime(now, COVER_TIMEZONE).date()
    start, end = local(today, time(0)), local(today + timedelta(days=LOOKAHEAD_DAYS + 1), time(0))
    sent = 0
    spas = SinglePointOfAccess.objects.filter(partnership__is_active=True).select_related("partnership", "provider")
    for spa in spas.order_by("pk"):
        recipients = duty_lead_emails(spa)
        if not recipients:
            continue
        for gap in gaps(spa, start, end):
            if gap.end <= now:
                continue
            sent += _warn(spa, gap, recipients)
    return sent


def _warn(spa: SinglePointOfAccess, gap: Gap, recipients: list[str]) -> bool:
    day = timezone.localtime(gap.start, COVER_TIMEZONE).date()
    role = DutyRole(gap.role).label.lower()
    return notifications.send_once(
        key=gap_key(spa, gap),
        subject=f"Gap in the duty rota: no {role} on {day:%A %-d %B}",
        message=(
            f"The duty rota of {spa.name} has no {role} on {day:%A %-d %B %Y} "
            f"from {clock(gap.start)} to {clock(gap.end)}.\n\n"
            "Sign in to add a shift:\n"
            f"{rota_url(spa, day)}\n"
        ),
        recipients=recipients,
        obj=spa,
        detail={
            "notification": "rota_gap",
            "role": gap.role,
            "start": gap.start.isoformat(),
            "end": gap.end.isoformat(),
            "recipients": len(recipients),
        },
    )
