"""Searching the directory of services: one filter set for the search page, the exports and the API."""

import django_filters
from django import forms
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import Channel, DirectoryService, Need, SchoolPhase, Thrive


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CheckboxFilter(django_filters.BooleanFilter):
    """A single checkbox: unticked is False, never "unknown"."""

    field_class = forms.BooleanField


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search by name, description or provider",
        method="filter_text",
        max_length=100,
    )
    need = django_filters.ChoiceFilter(
        label="Need", choices=Need.choices, empty_label="Any need", method="filter_contains", field_name="needs"
    )
    age = IntegerFilter(
        label="Age of the child or young person",
        method="filter_age",
        min_value=0,
        max_value=25,
        help_text="In years, for example 14",
    )
    phase = django_filters.ChoiceFilter(
        label="School phase",
        choices=SchoolPhase.choices,
        empty_label="Any phase",
        method="filter_contains",
        field_name="school_phases",
    )
    thrive = django_filters.ChoiceFilter(
        label="THRIVE grouping",
        choices=Thrive.choices,
        empty_label="Any grouping",
        method="filter_contains",
        field_name="thrive_groupings",
    )
    channel = django_filters.ChoiceFilter(
        label="Contact channel",
        choices=Channel.choices,
        empty_label="Any channel",
        method="filter_contains",
        field_name="channels",
    )
    self_referral = django_filters.ChoiceFilter(
        label="Self-referral",
        choices=[("yes", "Accepts self-referrals"), ("no", "Referral needed")],
        empty_label="Either",
        method="filter_self_referral",
    )
    include_inactive = CheckboxFilter(
        label="Include entries no longer listed",
        method="filter_inactive",
        widget=forms.CheckboxInput,
    )

    class Meta:
        model = DirectoryService
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["age"].error_messages.update(
            {
                "invalid": "Enter the age as a number, for example 14",
                "min_value": "Enter an age of 0 or more",
                "max_value": "Enter an age of 25 or less",
            }
        )

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("include_inactive")):
            queryset = queryset.filter(is_active=True)
        return queryset

    def filter_text(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(description__icontains=value) | Q(provider__name__icontains=value)
        )

    def filter_contains(self, queryset, name, value: str):
        return queryset.filter(**{f"{name}__contains": [value]})

    def filter_age(self, queryset, name, value: int):
        return queryset.filter(min_age__lte=value, max_age__gte=value)

    def filter_self_referral(self, queryset, name, value: str):
        return queryset.filter(self_referral=value == "yes")

    def filter_inactive(self, queryset, name, value: bool):
        return queryset  # applied in `qs`, so that the default (unticked) lists only active entries

    def applied(self) -> dict:
        """The filters in use, for the audit of an export."""
        if not self.is_bound or not self.form.is_valid():
            return {}
        return {key: str(value) for key, value in self.form.cleaned_data.items() if value not in (None, "", False)}
