"""Query filters for the API that refuse what their documented type does not allow: a boolean is
`true` or `false` (django-filter's BooleanFilter reads anything else as "not given")."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

BOOLEANS = {"true": True, "false": False}


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value is None or isinstance(value, bool):
            return value
        try:
            return BOOLEANS[str(value).lower()]
        except KeyError:
            raise forms.ValidationError("Enter true or false.", code="invalid") from None

    def validate(self, value):
        pass  # optional: absent is None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, except that an empty value (`?owner=`) for a parameter that is not
    free text is refused (400, keyed by parameter) rather than read as "not given": its documented
    type (a number, a choice, a boolean) does not allow it. A value with a NUL is refused too."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            refused = {}
            for name, declared in filterset.filters.items():
                value = request.query_params.get(name)
                if any("\x00" in given for given in request.query_params.getlist(name)):
                    refused[name] = ["Null characters are not allowed."]  # PostgreSQL cannot hold one
                elif value == "" and not isinstance(declared, django_filters.CharFilter):
                    refused[name] = ["Enter a value, or leave the parameter out."]
                elif (
                    value is not None
                    and isinstance(declared, django_filters.BooleanFilter)
                    and value.lower() not in BOOLEANS
                ):
                    refused[name] = ["Enter true or false."]
            if refused:
                raise ValidationError(refused)
        return filterset
