"""Pages for memoranda of understanding. Thin: scope, call a service, redirect with a message."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ..forms.mous import ConfirmForm, MouForm, MouPartyForm, SignForm
from ..models import Mou, MouParty
from ..roles import Permission
from ..services import mous as service
from .common import can, paginate, partnership_for, posted, scoped, scoped_or_404, show_errors

STATUS_COLOURS = {
    Mou.Status.DRAFT: "grey",
    Mou.Status.IN_SIGNATURE: "yellow",
    Mou.Status.SIGNED: "green",
    Mou.Status.SUPERSEDED: "white",
}


def _mou(request, partnership, pk) -> Mou:
    return scoped_or_404(Mou, request, partnership, pk=pk)


def _detail(mou: Mou):
    return redirect("mou_detail", slug=mou.partnership.slug, pk=mou.pk)


@require_GET
def mou_list(request, slug):
    partnership = partnership_for(request, slug)
    mous = scoped(Mou, request, partnership).order_by("title", "-version")
    return render(
        request,
        "governance/mous/mou_list.jinja",
        {
            "partnership": partnership,
            "page": paginate(request, mous),
            "colours": STATUS_COLOURS,
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_http_methods(["GET", "POST"])
def mou_create(request, slug):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    form = MouForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            mou = service.create_mou(partnership=partnership, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Memorandum created as a draft. Add the parties who will sign it.")
            return _detail(mou)
    return render(request, "governance/mous/mou_form.jinja", {"partnership": partnership, "form": form, "mou": None})


@require_GET
def mou_detail(request, slug, pk):
    partnership = partnership_for(request, slug)
    mou = _mou(request, partnership, pk)
    parties = list(scoped(MouParty, request, partnership).filter(mou=mou).select_related("organisation", "signatory"))
    return render(
        request,
        "governance/mous/mou_detail.jinja",
        {
            "partnership": partnership,
            "mou": mou,
            "parties": parties,
            "my_unsigned": [p for p in parties if p.signatory_id == request.user.pk and not p.has_signed]
            if mou.status == Mou.Status.IN_SIGNATURE
            else [],
            "next_version": scoped(Mou, request, partnership).filter(supersedes=mou).first(),
            "colours": STATUS_COLOURS,
            "can_manage": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
        },
    )


@require_http_methods(["GET", "POST"])
def mou_edit(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    mou = _mou(request, partnership, pk)
    if not mou.is_editable:
        # Never a change: explain why, and offer a new version of a signed memorandum.
        return render(
            request,
            "governance/mous/mou_not_editable.jinja",
            {
                "partnership": partnership,
                "mou": mou,
                "next_version": scoped(Mou, request, partnership).filter(supersedes=mou).first(),
            },
        )
    form = MouForm(posted(request), instance=mou)
    if request.method == "POST" and form.is_valid():
        try:
            service.update_mou(mou=mou, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Memorandum saved.")
            return _detail(mou)
    return render(request, "governance/mous/mou_form.jinja", {"partnership": partnership, "form": form, "mou": mou})


@require_http_methods(["GET", "POST"])
def mou_party_add(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    mou = _mou(request, partnership, pk)
    if not mou.is_editable:
        messages.info(request, "Parties can only be changed while the memorandum is a draft.")
        return _detail(mou)
    form = MouPartyForm(posted(request), user=request.user, mou=mou)
    if request.method == "POST" and form.is_valid():
        membership = form.cleaned_data["signatory"]
        try:
            party = service.add_party(
                mou=mou,
                by=request.user,
                organisation=membership.organisation,
                signatory=membership.user,
                signatory_title=form.cleaned_data["signatory_title"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{party.organisation.name} added as a party.")
            return _detail(mou)
    return render(request, "governance/mous/party_form.jinja", {"partnership": partnership, "mou": mou, "form": form})


@require_http_methods(["GET", "POST"])
def mou_party_remove(request, slug, pk, party_pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    mou = _mou(request, partnership, pk)
    party = scoped_or_404(MouParty, request, partnership, mou=mou, pk=party_pk)
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            service.remove_party(party=party, by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"{party.organisation.name} removed from the parties.")
            return _detail(mou)
    return render(
        request,
        "governance/mous/party_remove.jinja",
        {"partnership": partnership, "mou": mou, "party": party, "form": form},
    )


@require_http_methods(["GET", "POST"])
def mou_send(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    mou = _mou(request, partnership, pk)
    parties = scoped(MouParty, request, partnership).filter(mou=mou).select_related("organisation", "signatory")
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            service.send_for_signature(mou=mou, by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Sent for signature. Each signatory has been emailed a link to sign it.")
            return _detail(mou)
    return render(
        request,
        "governance/mous/mou_send.jinja",
        {"partnership": partnership, "mou": mou, "parties": parties, "form": form},
    )


@require_http_methods(["GET", "POST"])
def mou_sign(request, slug, pk, party_pk):
    partnership = partnership_for(request, slug)
    mou = _mou(request, partnership, pk)
    party = scoped_or_404(MouParty, request, partnership, mou=mou, pk=party_pk)
    if party.signatory_id != request.user.pk:
        raise PermissionDenied
    if mou.status != Mou.Status.IN_SIGNATURE or party.has_signed:
        messages.info(
            request,
            "You have already signed this memorandum."
            if party.has_signed
            else "This memorandum is not awaiting signatures.",
        )
        return _detail(mou)
    form = SignForm(posted(request), organisation=party.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            service.sign(party=party, by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            mou.refresh_from_db()
            done = " Every party has now signed: the memorandum is in force." if mou.status == Mou.Status.SIGNED else ""
            messages.success(request, f"You have signed the memorandum for {party.organisation.name}.{done}")
            return _detail(mou)
    return render(
        request,
        "governance/mous/mou_sign.jinja",
        {"partnership": partnership, "mou": mou, "party": party, "form": form},
    )


@require_http_methods(["GET", "POST"])
def mou_new_version(request, slug, pk):
    partnership = partnership_for(request, slug, Permission.MANAGE_PARTNERSHIP)
    mou = _mou(request, partnership, pk)
    existing = scoped(Mou, request, partnership).filter(supersedes=mou).first()
    if existing is not None:
        messages.info(request, f"Version {existing.version} has already been started.")
        return _detail(existing)
    form = ConfirmForm(posted(request))
    if request.method == "POST":
        try:
            copy = service.start_new_version(mou=mou, by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {copy.version} started as a draft. Version {mou.version} stays in force until "
                "every party has signed the new one.",
            )
            return _detail(copy)
    return render(
        request, "governance/mous/mou_new_version.jinja", {"partnership": partnership, "mou": mou, "form": form}
    )
