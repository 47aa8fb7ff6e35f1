"""The read-only governance API: groups, actions, risks and the directory of services.

Every endpoint needs VIEW_PARTNERSHIP (token or session) and reaches rows only through
`Model.objects.for_user(user, VIEW_PARTNERSHIP)`: a list shows the caller's partnerships' rows
only, and another partnership's row is a 404. Lists are paginated and can be narrowed to one
partnership with `?partnership=<slug>`.
"""

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics

from ..filters_directory import DirectoryFilter, IntegerFilter
from ..models import Action, DirectoryService, Group, GroupMember, Rag, Risk, TermsOfReference
from ..roles import Permission
from .filters import StrictBooleanFilter, StrictFilterBackend
from .permissions import HasPermission
from .schema import StrictPageNumberPagination, detail_responses, list_responses
from .serializers_governance import ActionSerializer, DirectoryServiceSerializer, GroupSerializer, RiskSerializer

VIEW = Permission.VIEW_PARTNERSHIP


def _partnership_filter():
    return django_filters.CharFilter(
        field_name="partnership__slug", label="Only this partnership (its slug, for example northshire)"
    )


class GroupFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    kind = django_filters.ChoiceFilter(choices=Group.Kind.choices)
    is_active = StrictBooleanFilter()

    class Meta:
        model = Group
        fields = []


class ActionFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    rag = django_filters.ChoiceFilter(choices=Rag.choices, label="RAG status, computed today")
    status = django_filters.ChoiceFilter(choices=Action.Status.choices)
    owner = IntegerFilter(field_name="owner_id", label="The owner's user id")

    class Meta:
        model = Action
        fields = []


class RiskFilter(django_filters.FilterSet):
    partnership = _partnership_filter()
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices)
    min_score = IntegerFilter(field_name="score", lookup_expr="gte", label="Score at least")

    class Meta:
        model = Risk
        fields = []


class DirectoryApiFilter(DirectoryFilter):
    partnership = _partnership_filter()
    include_inactive = StrictBooleanFilter(label="Include entries no longer listed", method="filter_inactive")


class _ReadOnly:
    permission_classes = [HasPermission(VIEW)]
    pagination_class = StrictPageNumberPagination
    filter_backends = [StrictFilterBackend]


# --- groups ------------------------------------------------------------------------------------
class _Groups(_ReadOnly):
    serializer_class = GroupSerializer
    filterset_class = GroupFilter

    def get_queryset(self):
        seats = GroupMember.objects.for_user(self.request.user, VIEW).current().select_related("user", "organisation")
        published = TermsOfReference.objects.for_user(self.request.user, VIEW).filter(
            status=TermsOfReference.Status.PUBLISHED
        )
        return (
            Group.objects.for_user(self.request.user, VIEW)
            .select_related("partnership")
            .prefetch_related(
                Prefetch("seats", queryset=seats, to_attr="current_seats"),
                Prefetch("terms", queryset=published, to_attr="published"),
            )
            .order_by("partnership__slug", "kind", "name")
        )


@extend_schema_view(
    get=extend_schema(
        operation_id="groups_list", summary="List governance groups", responses=list_responses(GroupSerializer)
    )
)
class GroupList(_Groups, generics.ListAPIView):
    """The groups of the caller's partnerships (steering group, forums, working groups), each with its
    current seats and the version number of its published terms of reference."""


@extend_schema_view(
    get=extend_schema(
        operation_id="groups_retrieve", summary="One governance group", responses=detail_responses(GroupSerializer)
    )
)
class GroupDetail(_Groups, generics.RetrieveAPIView):
    """One group, with its current seats and published terms version. Another partnership's group is a 404."""


# --- actions -----------------------------------------------------------------------------------
class _Actions(_ReadOnly):
    serializer_class = ActionSerializer
    filterset_class = ActionFilter

    def get_queryset(self):
        return (
            Action.objects.for_user(self.request.user, VIEW)
            .with_rag(timezone.localdate())
            .select_related("partnership", "owner", "owner_organisation")
            .order_by("due_date", "number")
        )


@extend_schema_view(
    get=extend_schema(operation_id="actions_list", summary="List actions", responses=list_responses(ActionSerializer))
)
class ActionList(_Actions, generics.ListAPIView):
    """The action logs of the caller's partnerships, with each action's RAG status computed today."""


@extend_schema_view(
    get=extend_schema(
        operation_id="actions_retrieve", summary="One action", responses=detail_responses(ActionSerializer)
    )
)
class ActionDetail(_Actions, generics.RetrieveAPIView):
    """One action, with its RAG status computed today. Another partnership's action is a 404."""


# --- risks -------------------------------------------------------------------------------------
class _Risks(_ReadOnly):
    serializer_class = RiskSerializer
    filterset_class = RiskFilter

    def get_queryset(self):
        return (
            Risk.objects.for_user(self.request.user, VIEW)
            .select_related("partnership", "owner")
            .order_by("-score", "number")
        )


@extend_schema_view(
    get=extend_schema(operation_id="risks_list", summary="List risks", responses=list_responses(RiskSerializer))
)
class RiskList(_Risks, generics.ListAPIView):
    """The risk registers of the caller's partnerships, highest score first."""


@extend_schema_view(
    get=extend_schema(operation_id="risks_retrieve", summary="One risk", responses=detail_responses(RiskSerializer))
)
class RiskDetail(_Risks, generics.RetrieveAPIView):
    """One risk, with its score and rating. Another partnership's risk is a 404."""


# --- directory ---------------------------------------------------------------------------------
class _Directory(_ReadOnly):
    serializer_class = DirectoryServiceSerializer
    filterset_class = DirectoryApiFilter

    def get_queryset(self):
        return (
            DirectoryService.objects.for_user(self.request.user, VIEW)
            .select_related("partnership", "provider")
            .prefetch_related("schedules")
            .order_by("name", "pk")
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema_view(
    get=extend_schema(
        operation_id="directory_services_list",
        summary="Search the directory",
        responses=list_responses(DirectoryServiceSerializer),
    )
)
class DirectoryList(_Directory, generics.ListAPIView):
    """The directory of services of the caller's partnerships. Listed (active) entries only, unless
    `include_inactive=true`; filter by need, age, school phase, THRIVE grouping, channel and text."""


@extend_schema_view(
    get=extend_schema(
        operation_id="directory_services_retrieve",
        summary="One directory entry",
        responses=detail_responses(DirectoryServiceSerializer),
    )
)
class DirectoryDetail(_Directory, generics.RetrieveAPIView):
    """One directory entry, with its weekly opening times. Another partnership's entry is a 404."""

    filterset_class = None
