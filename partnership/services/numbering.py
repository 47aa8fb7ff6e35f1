"""Stable, human references (A0001, R001, D0001): the next number in a partnership, without gaps
from races. Call inside a transaction: the partnership row is locked until it commits."""

from django.db.models import Max

from ..models import Partnership


def next_number(model, partnership: Partnership) -> int:
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    current = model.objects.filter(partnership=partnership).aggregate(n=Max("number"))["n"]
    return (current or 0) + 1
