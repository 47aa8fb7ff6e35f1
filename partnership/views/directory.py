"""Pages of the directory of services: search, one entry, the review list, editing and exports.

Everyone who can view the partnership can search the directory and download it (it describes
services, not people); only the area lead (MANAGE_PARTNERSHIP) changes it.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ..filters_directory import DirectoryFilter
from ..forms.directory import ConfirmForm, DirectoryServiceForm
from ..models import Channel, DirectoryService, Need, PartnershipOrganisation, SchoolPhase
from ..models.organisation import Organisation
from ..roles import Permission
from ..services import directory as directory_service
from .common import can, csv_response, paginate, partnership_for, posted, scoped, scoped_or_404

MANAGE = Permission.MANAGE_PARTNERSHIP


def _services(request, partnership):
    return (
        scoped(DirectoryService, request, partnership)
        .select_related("provider", "last_reviewed_by", "partnership")
        .prefetch_related("schedules")
    )


def _filtered(request, partnership) -> DirectoryFilter:
    return DirectoryFilter(request.GET or None, queryset=_services(request, partnership))


def _query_string(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _row(service, today):
    return {
        "service": service,
        "thrive": directory_service.thrive_text(service),
        "ages": directory_service.ages_text(service),
        "phases": ", ".join(directory_service.labels(SchoolPhase.choices, service.school_phases)),
        "wait": directory_service.wait_text(service),
        "needs_review": directory_service.needs_review(service, today),
    }


@require_GET
def directory_list(request, slug):
    partnership = partnership_for(request, slug)
    found = _filtered(request, partnership)
    page = paginate(request, found.qs)
    today = timezone.localdate()
    return render(
        request,
        "governance/directory/list.jinja",
        {
            "partnership": partnership,
            "filter": found,
            "page": page,
            "rows": [_row(s, today) for s in page],
            "query": _query_string(request),
            "can_manage": can(request.user, partnership, MANAGE),
        },
    )


@require_GET
def directory_review_list(request, slug):
    partnership = partnership_for(request, slug, MANAGE)
    today = timezone.localdate()
    page = paginate(request, directory_service.needing_review(_services(request, partnership), today))
    return render(
        request,
        "governance/directory/review_list.jinja",
        {
            "partnership": partnership,
            "page": page,
            "rows": [_row(s, today) for s in page],
            "cutoff": directory_service.review_cutoff(today),
        },
    )


@require_GET
def directory_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    service = scoped_or_404(DirectoryService, request, partnership, pk=pk)
    today = timezone.localdate()
    return render(
        request,
        "governance/directory/detail.jinja",
        {
            "partnership": partnership,
            "row": _row(service, today),
            "service": service,
            "needs": directory_service.labels(Need.choices, service.needs),
            "channels": directory_service.labels(Channel.choices, service.channels),
            "can_manage": can(request.user, partnership, MANAGE),
        },
    )


def _providers(request, partnership):
    members = scoped(PartnershipOrganisation, request, partnership).filter(status=PartnershipOrganisation.Status.ACTIVE)
    # Organisation is reference data (not partnership-scoped): reached here through the scoped members.
    return Organisation.objects.filter(pk__in=members.values("organisation_id")).order_by("name")


def _save(request, form, save):
    """Call the service; a ValidationError it raises is shown in the form's error summary."""
    try:
        return save()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        return None


@require_http_methods(["GET", "POST"])
def directory_create(request, slug):
    partnership = partnership_for(request, slug, MANAGE)
    form = DirectoryServiceForm(
        posted(request),
        instance=DirectoryService(partnership=partnership),
        providers=_providers(request, partnership),
    )
    if request.method == "POST" and form.is_valid():
        service = _save(
            request,
            form,
            lambda: directory_service.create_service(
                partnership=partnership,
                by=request.user,
                fields=form.service_fields(),
                schedules=form.cleaned_data["schedules"],
                today=timezone.localdate(),
            ),
        )
        if service is not None:
            messages.success(request, f"{service.name} has been added to the directory.")
            return redirect("directory_detail", slug=slug, pk=service.pk)
    return render(
        request, "governance/directory/form.jinja", {"partnership": partnership, "form": form, "service": None}
    )


@require_http_methods(["GET", "POST"])
def directory_edit(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    service = scoped_or_404(DirectoryService, request, partnership, pk=pk)
    form = DirectoryServiceForm(posted(request), instance=service, providers=_providers(request, partnership))
    if request.method == "POST" and form.is_valid():
        saved = _save(
            request,
            form,
            lambda: directory_service.update_service(
                service=service, by=request.user, fields=form.service_fields(), schedules=form.cleaned_data["schedules"]
            ),
        )
        if saved is not None:
            messages.success(request, "Changes saved.")
            return redirect("directory_detail", slug=slug, pk=pk)
    return render(
        request, "governance/directory/form.jinja", {"partnership": partnership, "form": form, "service": service}
    )


@require_http_methods(["GET", "POST"])
def directory_reviewed(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    service = scoped_or_404(DirectoryService, request, partnership, pk=pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = _save(
            request,
            form,
            lambda: directory_service.mark_reviewed(service=service, by=request.user, today=timezone.localdate()),
        )
        if done is not None:
            messages.success(request, f"{service.name} has been marked as reviewed today.")
            return redirect("directory_detail", slug=slug, pk=pk)
    return render(
        request,
        "governance/directory/confirm_reviewed.jinja",
        {"partnership": partnership, "service": service, "form": form},
    )


@require_http_methods(["GET", "POST"])
def directory_deactivate(request, slug, pk):
    partnership = partnership_for(request, slug, MANAGE)
    service = scoped_or_404(DirectoryService, request, partnership, pk=pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST" and form.is_valid():
        done = _save(request, form, lambda: directory_service.deactivate_service(service=service, by=request.user))
        if done is not None:
            messages.success(request, f"{service.name} is no longer listed in the directory.")
            return redirect("directory_list", slug=slug)
    return render(
        request,
        "governance/directory/confirm_deactivate.jinja",
        {"partnership": partnership, "service": service, "form": form},
    )


@require_GET
def directory_export_csv(request, slug):
    partnership = partnership_for(request, slug)
    found = _filtered(request, partnership)
    services = list(found.qs)
    today = timezone.localdate()
    directory_service.record_export(
        by=request.user, partnership=partnership, kind="csv", rows=len(services), filters=found.applied()
    )
    return csv_response(
        f"{partnership.slug}-directory-{today:%Y-%m-%d}.csv",
        directory_service.CSV_HEADER,
        directory_service.csv_rows(services, today),
    )


@require_GET
def directory_export_oruk(request, slug):
    partnership = partnership_for(request, slug)
    found = _filtered(request, partnership)
    services = list(found.qs)
    directory_service.record_export(
        by=request.user, partnership=partnership, kind="oruk_json", rows=len(services), filters=found.applied()
    )
    document = directory_service.oruk_document(services)
    response = HttpResponse(json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json")
    filename = f"{partnership.slug}-directory-oruk-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
