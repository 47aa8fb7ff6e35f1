"""Pages for groups, their seats and their terms of reference. Thin: scope, call a service, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.groups import (
    DiffForm,
    EndSeatForm,
    GroupEditForm,
    GroupForm,
    PublicPagesForm,
    SeatForm,
    TermsForm,
)
from ..models import Group, GroupMember, Membership, TermsOfReference
from ..roles import Permission
from ..services import groups as service
from .common import can, paginate, partnership_for, scoped, scoped_or_404, show_errors

MANAGE = Permission.MANAGE_PARTNERSHIP
KIND_ORDER = Case(
    When(kind=Group.Kind.STEERING, then=Value(0)), When(kind=Group.Kind.FORUM, then=Value(1)), default=Value(2)
)
KIND_FILTERS = [
    (Group.Kind.STEERING, "Steering groups"),
    (Group.Kind.FORUM, "Forums"),
    (Group.Kind.WORKING, "Working groups"),
]


def _group(request, partnership, pk) -> Group:
    return scoped_or_404(Group, request, partnership, pk=pk)


def _terms(request, partnership, group, terms_pk) -> TermsOfReference:
    return scoped_or_404(TermsOfReference, request, partnership, pk=terms_pk, group=group)


# --- groups ------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def group_list(request, slug):
    partnership = partnership_for(request, slug)
    can_manage = can(request.user, partnership, MANAGE)
    public_form = None
    if can_manage:
        public_form = PublicPagesForm(
            request.POST if request.method == "POST" else None,
            initial={"publishes_public_pages": partnership.publishes_public_pages},
        )
    if request.method == "POST":
        if not can_manage:
            partnership_for(request, slug, MANAGE)  # raises PermissionDenied
        if public_form.is_valid():
            publish = public_form.cleaned_data["publishes_public_pages"]
            service.set_public_pages(partnership=partnership, by=request.user, publish=publish)
            messages.success(
                request, "The public pages are published." if publish else "The public pages are no longer published."
            )
            return redirect("group_list", slug=slug)
    kind = request.GET.get("kind", "")
    groups = scoped(Group, request, partnership)
    if kind in Group.Kind.values:
        groups = groups.filter(kind=kind)
    else:
        kind = ""
    page = paginate(request, groups.order_by(KIND_ORDER, "name"))
    kinds = [("", "All groups"), *KIND_FILTERS]
    return render(
        request,
        "governance/groups/group_list.jinja",
        {
            "partnership": partnership,
            "page": page,
            "kind": kind,
            "kinds": kinds,
            "can_manage": can_manage,
            "public_form": public_form,
        },
    )


@require_http_methods(["GET", "POST"])
def group_create(request, slug):
    partnership = partnership_for(request, slug, MANAGE)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = service.create_group(partnership=partnership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{group.name} has been created.")
            return redirect("group_detail", slug=slug, pk=group.pk)
    return render(request, "governance/groups/group_form.jinja", {"partnership": partnership, "form": form})


@require_http_methods(["GET", "POST"])
def group_edit(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    group = _group(request, partnership, pk)
    initial = {"name": group.name, "kind": group.kind, "summary": group.summary, "is_active": group.is_active}
    form = GroupEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_group(group=group, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "The group's details have been saved.")
            return redirect("group_detail", slug=slug, pk=group.pk)
    return render(
        request, "governance/groups/group_form.jinja", {"partnership": partnership, "form": form, "group": group}
    )


@require_GET
def group_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    group = _group(request, partnership, pk)
    seats = scoped(GroupMember, request, partnership).filter(group=group)
    versions = list(scoped(TermsOfReference, request, partnership).filter(group=group).order_by("-version"))
    published = next((t for t in versions if t.status == TermsOfReference.Status.PUBLISHED), None)
    return render(
        request,
        "governance/groups/group_detail.jinja",
        {
            "partnership": partnership,
            "group": group,
            "current_seats": service.seats_in_order(seats.current()),
            "former_seats": seats.filter(left_on__isnull=False)
            .select_related("user", "organisation", "liaison_from")
            .order_by("-left_on", "user__full_name"),
            "versions": versions,
            "published": published,
            "draft": next((t for t in versions if t.status == TermsOfReference.Status.DRAFT), None),
            "review_state": service.review_state(published),
            "meetings_url": f"{reverse('meeting_list', kwargs={'slug': slug})}?group={group.pk}",
            "can_manage": can(request.user, partnership, MANAGE),
        },
    )


# --- seats -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
def group_seat_add(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    group = _group(request, partnership, pk)
    seated = group.seats.current().values_list("user_id", flat=True)
    memberships = (
        scoped(Membership, request, partnership)
        .filter(is_active=True, user__is_active=True)
        .exclude(user_id__in=seated)
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name")
    )
    other_groups = scoped(Group, request, partnership).filter(is_active=True).exclude(pk=group.pk).order_by("name")
    form = SeatForm(request.POST or None, memberships=memberships, other_groups=other_groups)
    chair = service.current_chair(group)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            seat = service.add_seat(
                group=group,
                by=request.user,
                membership=data["membership"],
                role=data["role"],
                liaison_from=data["liaison_from"],
                joined_on=data["joined_on"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{seat.user} now has a seat on {group.name}.")
            return redirect("group_detail", slug=slug, pk=group.pk)
    return render(
        request,
        "governance/groups/seat_add.jinja",
        {"partnership": partnership, "group": group, "form": form, "chair": chair},
    )


@require_http_methods(["GET", "POST"])
def group_seat_end(request, slug, pk, seat_pk):
    partnership = partnership_for(request, slug, MANAGE)
    group = _group(request, partnership, pk)
    seat = scoped_or_404(GroupMember, request, partnership, pk=seat_pk, group=group, left_on__isnull=True)
    form = EndSeatForm(request.POST or None, seat=seat)
    if request.method == "POST" and form.is_valid():
        try:
            service.end_seat(seat=seat, by=request.user, left_on=form.cleaned_data["left_on"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{seat.user}'s seat on {group.name} has ended.")
            return redirect("group_detail", slug=slug, pk=group.pk)
    return render(
        request,
        "governance/groups/seat_end.jinja",
        {"partnership": partnership, "group": group, "seat": seat, "form": form},
    )


# --- terms of reference ------------------------------------------------------------------------
def _content(form) -> dict:
    return {name: form.cleaned_data[name] for name in service.CONTENT_FIELDS}


@require_http_methods(["GET", "POST"])
def terms_create(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    group = _group(request, partnership, pk)
    draft = scoped(TermsOfReference, request, partnership).filter(group=group, status="draft").first()
    if draft is not None:
        messages.info(request, f"Version {draft.version} is already a draft: change it, or discard it to start again.")
        return redirect("terms_edit", slug=slug, pk=group.pk, terms_pk=draft.pk)
    latest = service.latest_terms(group)
    form = TermsForm(request.POST or None, initial=service.draft_initial(group))
    if request.method == "POST" and form.is_valid():
        try:
            terms = service.create_draft(group=group, by=request.user, **_content(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Draft version {terms.version} has been saved.")
            return redirect("terms_detail", slug=slug, pk=group.pk, terms_pk=terms.pk)
    return render(
        request,
        "governance/groups/terms_form.jinja",
        {"partnership": partnership, "group": group, "form": form, "latest": latest, "terms": None},
    )


@require_GET
def terms_detail(request, slug, pk, terms_pk):
    partnership = partnership_for(request, slug)
    group = _group(request, partnership, pk)
    terms = _terms(request, partnership, group, terms_pk)
    versions = scoped(TermsOfReference, request, partnership).filter(group=group)
    previous = versions.filter(version__lt=terms.version).order_by("-version").first()
    return render(
        request,
        "governance/groups/terms_detail.jinja",
        {
            "partnership": partnership,
            "group": group,
            "terms": terms,
            "rows": [(service.field_label(n), service.display_value(terms, n)) for n in service.CONTENT_FIELDS],
            "previous": previous,
            "has_draft": versions.filter(status=TermsOfReference.Status.DRAFT).exists(),
            "review_state": service.review_state(terms),
            "can_manage": can(request.user, partnership, MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
def terms_edit(request, slug, pk, terms_pk):
    partnership = partnership_for(request, slug, MANAGE)
    group = _group(request, partnership, pk)
    terms = _terms(request, partnership, group, terms_pk)
    if not terms.is_editable:
        has_draft = scoped(TermsOfReference, request, partnership).filter(group=group, status="draft").exists()
        return render(
            request,
            "governance/groups/terms_read_only.jinja",
            {"partnership": partnership, "group": group, "terms": terms, "has_draft": has_draft},
        )
    initial = {name: getattr(terms, name) for name in service.CONTENT_FIELDS}
    form = TermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_draft(terms=terms, by=request.user, **_content(form))
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Draft version {terms.version} has been saved.")
            return redirect("terms_detail", slug=slug, pk=group.pk, terms_pk=terms.pk)
    return render(
        request,
        "governance/groups/terms_form.jinja",
        {"partnership": partnership, "group": group, "form": form, "terms": terms, "latest": None},
    )


def _transition(request, slug, pk, terms_pk, *, action, template, done):
    """A confirmation page (GET) and the state change (POST) for approve, publish and discard."""
    partnership = partnership_for(request, slug, MANAGE)
    group = _group(request, partnership, pk)
    terms = _terms(request, partnership, group, terms_pk)
    error = None
    if request.method == "POST":
        try:
            action(terms=terms, by=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, done.format(version=terms.version))
            if action is service.discard_draft:
                return redirect("group_detail", slug=slug, pk=group.pk)
            return redirect("terms_detail", slug=slug, pk=group.pk, terms_pk=terms.pk)
    published = scoped(TermsOfReference, request, partnership).filter(group=group, status="published").first()
    return render(
        request,
        template,
        {"partnership": partnership, "group": group, "terms": terms, "error": error, "published": published},
    )


@require_http_methods(["GET", "POST"])
def terms_approve(request, slug, pk, terms_pk):
    return _transition(
        request,
        slug,
        pk,
        terms_pk,
        action=service.approve_terms,
        template="governance/groups/terms_approve.jinja",
        done="Version {version} has been approved. Publish it to make it the group's terms of reference.",
    )


@require_http_methods(["GET", "POST"])
def terms_publish(request, slug, pk, terms_pk):
    return _transition(
        request,
        slug,
        pk,
        terms_pk,
        action=service.publish_terms,
        template="governance/groups/terms_publish.jinja",
        done="Version {version} has been published.",
    )


@require_http_methods(["GET", "POST"])
def terms_discard(request, slug, pk, terms_pk):
    return _transition(
        request,
        slug,
        pk,
        terms_pk,
        action=service.discard_draft,
        template="governance/groups/terms_discard.jinja",
        done="Draft version {version} has been discarded.",
    )


@require_GET
def terms_diff(request, slug, pk):
    partnership = partnership_for(request, slug)
    group = _group(request, partnership, pk)
    versions = list(scoped(TermsOfReference, request, partnership).filter(group=group).order_by("-version"))
    by_pk = {terms.pk: terms for terms in versions}
    data = request.GET if {"old", "new"} & set(request.GET) else None
    if data is None and len(versions) >= 2:
        data = {"old": versions[1].pk, "new": versions[0].pk}
    form = DiffForm(data, versions=versions)
    old = new = None
    changes = []
    if data is not None and form.is_valid():
        old, new = by_pk[form.cleaned_data["old"]], by_pk[form.cleaned_data["new"]]
        changes = service.diff_terms(old, new)
    return render(
        request,
        "governance/groups/terms_diff.jinja",
        {
            "partnership": partnership,
            "group": group,
            "form": form,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": changes,
        },
    )
