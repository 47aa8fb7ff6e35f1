"""Filters for governance lists (django-filter), rendered as a GET form above each table."""

import django_filters
from django import forms
from django.db.models import Q

from .models import Action, Rag, Risk, RiskRating, User

# score bands of each rating (see partnership.models.risks.rating_for)
RATING_SCORES = {
    RiskRating.LOW: (1, 3),
    RiskRating.MODERATE: (4, 6),
    RiskRating.HIGH: (8, 12),
    RiskRating.EXTREME: (15, 25),
}


class OwnerFilter(django_filters.ModelChoiceFilter):
    """Owners are people: listed by name."""

    field_class = type(
        "OwnerChoiceField",
        (forms.ModelChoiceField,),
        {"label_from_instance": lambda self, user: user.full_name or user.email},
    )


class ActionFilter(django_filters.FilterSet):
    """Expects a queryset annotated `with_rag(today)`."""

    mine = django_filters.BooleanFilter(label="Only my actions", widget=forms.CheckboxInput, method="filter_mine")
    owner = OwnerFilter(label="Owner", queryset=User.objects.none(), empty_label="All owners")
    rag = django_filters.ChoiceFilter(label="RAG", choices=Rag.choices, empty_label="All", method="filter_rag")
    status = django_filters.ChoiceFilter(label="Status", choices=Action.Status.choices, empty_label="All statuses")
    source = django_filters.ChoiceFilter(label="Source", choices=Action.Source.choices, empty_label="All sources")

    class Meta:
        model = Action
        fields = ["mine", "owner", "rag", "status", "source"]

    def __init__(self, data=None, queryset=None, *, request=None, owners=None, **kwargs):
        super().__init__(data, queryset, request=request, **kwargs)
        self.filters["owner"].queryset = owners if owners is not None else User.objects.none()
        self.form.fields["owner"].queryset = self.filters["owner"].queryset

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None:
            return queryset.filter(owner=self.request.user)
        return queryset

    def filter_rag(self, queryset, name, value):
        return queryset.filter(rag=value) if value else queryset


class RiskFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="Status", choices=Risk.Status.choices, empty_label="All statuses")
    rating = django_filters.ChoiceFilter(
        label="Rating", choices=RiskRating.choices, empty_label="All ratings", method="filter_rating"
    )

    class Meta:
        model = Risk
        fields = ["status", "rating"]

    def filter_rating(self, queryset, name, value):
        if not value:
            return queryset
        low, high = RATING_SCORES[RiskRating(value)]
        return queryset.filter(Q(score__gte=low) & Q(score__lte=high))
