"""Checks on what a school enters about a child, shared by the SBARD form and the API so both
refuse the same things with the same NHS.UK-style messages. Each returns the cleaned value or
raises ValidationError."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

MIN_AGE, MAX_AGE = 4, 25
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def nhs_number(value: str) -> str:
    """Ten digits (spaces allowed) whose last is the modulus 11 check digit; empty is allowed."""
    digits = re.sub(r"\s", "", value or "")
    if not digits:
        return ""
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError("Enter the NHS number as 10 digits, like 943 476 5919", code="format")
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValidationError("Enter a valid NHS number: this one has a typing error", code="checksum")
    return digits


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def date_of_birth(value: date, *, today: date | None = None) -> date:
    """A date in the past giving an age from 4 to 25 today."""
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError("Date of birth must be in the past", code="future")
    age = age_on(value, today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValidationError(
            f"The child must be aged {MIN_AGE} to {MAX_AGE}: this date of birth makes them {age}", code="age"
        )
    return value


def postcode(value: str) -> str:
    """A UK postcode, normalised to upper case with one space (NS1 2AB)."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    match = POSTCODE.match(compact)
    if not match:
        raise ValidationError("Enter a real postcode, like NS1 2AB", code="format")
    return f"{match.group(1)} {match.group(2)}"
