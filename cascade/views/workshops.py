"""CASCADE landing page, cohorts, workshops and tables. Thin: scope, call a service, redirect with a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from partnership.roles import Permission
from partnership.views.common import can, partnership_for, posted, scoped, show_errors

from ..forms.workshops import CohortForm, ReopenForm, TableForm, WorkshopForm
from ..models import Cohort, Domain, RepresentationTarget, ScoringTable, Workshop, WorkshopAttendance
from ..queries_attendance import representation, sector_counts, targets_of
from ..services import workshops as service

VIEW = Permission.VIEW_CASCADE_RESULTS
RUN = Permission.RUN_CASCADE_WORKSHOPS
STATUS_COLOURS = {Workshop.Status.OPEN: "green", Workshop.Status.CLOSED: "grey"}


def _workshop(request, partnership, pk) -> Workshop:
    workshops = scoped(Workshop, request, partnership, VIEW).select_related("cohort", "closed_by", "framework")
    return get_object_or_404(workshops, pk=pk)


def status_tag(workshop: Workshop) -> dict:
    return {"text": workshop.get_status_display(), "colour": STATUS_COLOURS[Workshop.Status(workshop.status)]}


def _domain_counts(framework_ids) -> dict[int, int]:
    rows = Domain.objects.filter(framework_id__in=framework_ids).values("framework_id").annotate(n=Count("pk"))
    return {row["framework_id"]: row["n"] for row in rows}


def _tables(request, partnership, workshops):
    """{workshop pk: [tables annotated with `scored`, the number of domains scored, and `complete`]}."""
    workshops = list(workshops)
    domains = _domain_counts({w.framework_id for w in workshops})
    tables = (
        scoped(ScoringTable, request, partnership, VIEW)
        .filter(workshop__in=workshops)
        .annotate(scored=Count("scores__domain", distinct=True))
        .prefetch_related("organisations")
        .order_by("workshop", "label")
    )
    by_workshop: dict[int, list] = {w.pk: [] for w in workshops}
    framework_of = {w.pk: w.framework_id for w in workshops}
    for table in tables:
        table.domains = domains.get(framework_of[table.workshop_id], 0)
        table.complete = table.domains > 0 and table.scored >= table.domains
        by_workshop[table.workshop_id].append(table)
    return by_workshop


@require_GET
def cascade_home(request, slug):
    partnership = partnership_for(request, slug, VIEW)
    cohorts = list(scoped(Cohort, request, partnership, VIEW).order_by("name"))
    workshops = list(scoped(Workshop, request, partnership, VIEW).select_related("cohort"))
    tables = _tables(request, partnership, workshops)
    rounds = {(w.cohort_id, w.round): w for w in workshops}
    rows = [
        {"cohort": cohort, "rounds": [(n, rounds.get((cohort.pk, n))) for n in Workshop.Round.values]}
        for cohort in cohorts
    ]
    return render(
        request,
        "cascade/home.jinja",
        {
            "partnership": partnership,
            "rows": rows,
            "tables": tables,
            "status_tag": status_tag,
            "can_run": can(request.user, partnership, RUN),
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_http_methods(["GET", "POST"])
def cascade_cohort_create(request, slug):
    partnership = partnership_for(request, slug, RUN)
    form = CohortForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = service.create_cohort(partnership=partnership, by=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Cohort {cohort.name} added. Now add its round 1 workshop.")
            return redirect(f"{reverse('cascade_workshop_create', kwargs={'slug': slug})}?cohort={cohort.pk}")
    return render(request, "cascade/workshops/cohort_form.jinja", {"partnership": partnership, "form": form})


def _warn_interval(request, workshop: Workshop) -> None:
    warning = workshop.interval_warning()
    if warning:
        messages.warning(request, warning)


@require_http_methods(["GET", "POST"])
def cascade_workshop_create(request, slug):
    partnership = partnership_for(request, slug, RUN)
    cohorts = scoped(Cohort, request, partnership, RUN).order_by("name")
    initial = {}
    cohort_pk = request.GET.get("cohort", "")
    if cohort_pk.isdigit():
        cohort = cohorts.filter(pk=int(cohort_pk)).first()
        if cohort is not None:
            has_round_one = scoped(Workshop, request, partnership, RUN).filter(cohort=cohort, round=1).exists()
            initial = {"cohort": cohort.pk, "round": 2 if has_round_one else 1}
    form = WorkshopForm(posted(request), initial=initial, user=request.user, partnership=partnership, cohorts=cohorts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workshop = service.create_workshop(
                partnership=partnership,
                by=request.user,
                cohort=data["cohort"],
                round=data["round"],
                held_on=data["held_on"],
                venue=data["venue"],
                facilitators=data["facilitators"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Workshop added: {workshop}.")
            _warn_interval(request, workshop)
            return redirect("cascade_workshop_detail", slug=slug, pk=workshop.pk)
    return render(
        request,
        "cascade/workshops/workshop_form.jinja",
        {"partnership": partnership, "form": form, "workshop": None, "has_cohorts": cohorts.exists()},
    )


@require_http_methods(["GET", "POST"])
def cascade_workshop_edit(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    workshop = _workshop(request, partnership, pk)
    form = WorkshopForm(posted(request), user=request.user, partnership=partnership, cohorts=None, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            service.require_open(workshop)
            service.update_workshop(
                workshop=workshop,
                by=request.user,
                held_on=data["held_on"],
                venue=data["venue"],
                facilitators=data["facilitators"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Workshop saved: {workshop}.")
            _warn_interval(request, workshop)
            return redirect("cascade_workshop_detail", slug=slug, pk=workshop.pk)
    return render(
        request,
        "cascade/workshops/workshop_form.jinja",
        {"partnership": partnership, "form": form, "workshop": workshop, "has_cohorts": True},
    )


@require_GET
def cascade_workshop_detail(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    workshop = _workshop(request, partnership, pk)
    attendance = scoped(WorkshopAttendance, request, partnership, VIEW).filter(workshop=workshop)
    targets = targets_of(scoped(RepresentationTarget, request, partnership, VIEW))
    return render(
        request,
        "cascade/workshops/workshop_detail.jinja",
        {
            "partnership": partnership,
            "workshop": workshop,
            "status": status_tag(workshop),
            "round_one": workshop.round_one(),
            "warning": workshop.interval_warning(),
            "round_two": scoped(Workshop, request, partnership, VIEW)
            .filter(cohort=workshop.cohort, round=Workshop.Round.TWO)
            .exclude(pk=workshop.pk)
            .first(),
            "facilitators": workshop.facilitators.order_by("full_name", "email"),
            "tables": _tables(request, partnership, [workshop])[workshop.pk],
            "attendees": attendance.count(),
            "representation": representation(sector_counts(attendance), targets),
            "can_run": can(request.user, partnership, RUN),
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_http_methods(["GET", "POST"])
def cascade_workshop_close(request, slug, pk):
    """Confirmation page, then close: the scores are final unless the area lead reopens it."""
    partnership = partnership_for(request, slug, RUN)
    workshop = _workshop(request, partnership, pk)
    error = None if workshop.is_open else "This workshop is already closed."
    if request.method == "POST" and error is None:
        try:
            service.close_workshop(workshop=workshop, by=request.user)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"Workshop closed: {workshop}. Its scores can no longer be changed.")
            return redirect("cascade_workshop_detail", slug=slug, pk=workshop.pk)
    tables = _tables(request, partnership, [workshop])[workshop.pk]
    return render(
        request,
        "cascade/workshops/workshop_close.jinja",
        {
            "partnership": partnership,
            "workshop": workshop,
            "error": error,
            "incomplete": [t for t in tables if not t.complete],
            "tables": tables,
        },
    )


@require_http_methods(["GET", "POST"])
def cascade_workshop_reopen(request, slug, pk):
    """Only the area lead reopens a closed workshop, saying why."""
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    workshop = _workshop(request, partnership, pk)
    form = ReopenForm(posted(request))
    if workshop.is_open:
        show_errors(form, ValidationError("This workshop is already open."))
    elif request.method == "POST" and form.is_valid():
        try:
            service.reopen_workshop(workshop=workshop, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Workshop reopened: {workshop}. Close it again when the corrections are made.")
            return redirect("cascade_workshop_detail", slug=slug, pk=workshop.pk)
    return render(
        request,
        "cascade/workshops/workshop_reopen.jinja",
        {"partnership": partnership, "workshop": workshop, "form": form},
    )


@require_http_methods(["GET", "POST"])
def cascade_table_create(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    return _table_form(request, partnership, _workshop(request, partnership, pk), None)


@require_http_methods(["GET", "POST"])
def cascade_table_edit(request, slug, pk):
    partnership = partnership_for(request, slug, RUN)
    table = get_object_or_404(scoped(ScoringTable, request, partnership, RUN).select_related("workshop__cohort"), pk=pk)
    return _table_form(request, partnership, table.workshop, table)


def _table_form(request, partnership, workshop, table):
    """Add a table to `workshop` (table None) or change `table`: label and organisations."""
    form = TableForm(posted(request), user=request.user, partnership=partnership, table=table)
    if request.method == "POST" and form.is_valid():
        values = {
            "by": request.user,
            "label": form.cleaned_data["label"],
            "organisations": form.cleaned_data["organisations"],
        }
        try:
            if table is None:
                saved = service.add_table(workshop=workshop, **values)
            else:
                saved = service.update_table(table=table, **values)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Table {saved.label} {'added' if table is None else 'saved'}.")
            return redirect("cascade_workshop_detail", slug=partnership.slug, pk=workshop.pk)
    return render(
        request,
        "cascade/workshops/table_form.jinja",
        {"partnership": partnership, "workshop": workshop, "table": table, "form": form},
    )
