"""The dashboard's filters: period (whole months), school phase, and one school (area leads only).

Pages and the metrics API parse them with the same form, so a bad value is the same clear error
in both (a page shows the error summary, the API answers 400), never a crash.
"""

import datetime
import re

from django import forms
from django.utils import timezone

from ..figures import Filters, Level, Scope
from ..models import Organisation, OrganisationKind, PartnershipOrganisation
from ..phases import PHASE_ORDER
from ..roles import Permission

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DEFAULT_MONTHS = 12
MAX_MONTHS = 60
#: phases a school can be counted in (partnership.phases): the register's phases, then other kinds
PHASES = [*PHASE_ORDER] + [
    label
    for value, label in OrganisationKind.choices
    if value in OrganisationKind.education()
    and label not in ("Primary school", "Secondary school")
    and value not in ("all_through", "fe_college")
]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    following = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The twelve months up to and including this one."""
    today = today or timezone.localdate()
    return add_months(month_start(today), -(DEFAULT_MONTHS - 1)), month_end(today)


def may_filter_by_school(user, scope: Scope) -> bool:
    """Only an area lead, only on their own partnership's dashboard (numbers are still suppressed)."""
    return scope.level == Level.PARTNERSHIP and scope.partnership_ids[0] in user.partnership_ids(
        Permission.MANAGE_PARTNERSHIP
    )


def schools_in(scope: Scope):
    return Organisation.objects.filter(
        partnerships__partnership_id__in=scope.partnership_ids,
        partnerships__status=PartnershipOrganisation.Status.ACTIVE,
        kind__in=OrganisationKind.education(),
    ).order_by("name", "pk")


class MonthField(forms.CharField):
    def __init__(self, *, which: str, **kwargs):
        self.which = which
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        match = MONTH.match(value)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
            raise forms.ValidationError(f"Enter the '{self.which}' month as a year and month, like 2026-04")
        return datetime.date(int(match[1]), int(match[2]), 1)


class FilterForm(forms.Form):
    start = MonthField(which="from", label="From (month)", required=False, help_text="For example, 2026-04")
    end = MonthField(which="to", label="To (month)", required=False, help_text="For example, 2027-03")
    phase = forms.ChoiceField(label="School phase", required=False)
    school = forms.TypedChoiceField(label="School", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, scope: Scope, allow_school: bool, today: datetime.date | None = None):
        # the query string names are short: from, to, phase, school
        data = {
            "start": data.get("from", ""),
            "end": data.get("to", ""),
            "phase": data.get("phase", ""),
            "school": data.get("school", ""),
        }
        super().__init__(data)
        self.scope = scope
        self.today = today
        self.fields["phase"].choices = [("", "All phases"), *((p, p) for p in PHASES)]
        if allow_school:
            self.fields["school"].choices = [("", "All schools"), *schools_in(scope).values_list("pk", "name")]
        else:
            del self.fields["school"]

    def clean(self):
        data = super().clean()
        default_start, default_end = default_period(self.today)
        start = data.get("start") or default_start
        end = data.get("end") or month_start(default_end)
        if "start" in self.errors or "end" in self.errors:
            return data
        if end < start:
            raise forms.ValidationError("The 'to' month must be the same as or after the 'from' month")
        if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            raise forms.ValidationError(f"Choose a period of at most {MAX_MONTHS} months")
        data["period"] = (start, month_end(end))
        return data

    def filters(self) -> Filters:
        """Call after is_valid()."""
        start, end = self.cleaned_data["period"]
        return Filters(
            start=start,
            end=end,
            phase=self.cleaned_data.get("phase") or "",
            school_id=self.cleaned_data.get("school"),
        )
