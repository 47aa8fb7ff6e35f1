"""The four-week waiting-time clock (DESIGN.md section 6), pure.

Waiting days are calendar days in England from the day of submission to the day of first contact
(or to today while waiting): a referral submitted on 1 March and seen on 29 March waited 28 days.
Dates are taken in local time (Europe/London), so clock changes never add or lose a day.

RAG of an open referral by days waited: Green up to day 14, Amber 15-21, Red from day 22,
Breached after day 28 (the standard, STANDARD_DAYS).
"""

from datetime import date, datetime

from django.db import models
from django.utils import timezone

STANDARD_DAYS = 28
AMBER_FROM = 15
RED_FROM = 22


class Clock(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    BREACHED = "breached", "Breached"


def local_day(moment: datetime | date) -> date:
    return timezone.localdate(moment) if isinstance(moment, datetime) else moment


def days_waited(submitted_at: datetime, until: datetime | date) -> int:
    return (local_day(until) - local_day(submitted_at)).days


def clock_for(days: int) -> Clock:
    if days > STANDARD_DAYS:
        return Clock.BREACHED
    if days >= RED_FROM:
        return Clock.RED
    if days >= AMBER_FROM:
        return Clock.AMBER
    return Clock.GREEN


def days_left(days: int) -> int:
    """Days left within the standard (negative once breached)."""
    return STANDARD_DAYS - days
