"""The school's side of referrals (issue 5, items 2 and 3): start a referral after reading the
single point of access's criteria, fill in the SBARD form a section at a time, check the answers
and submit, then follow the referral: its status, timeline, decision, the duty team's questions and
messages.

Thin views: find the partnership (404 if the user can't see it, 403 without the permission), reach
referrals only through `Referral.objects.for_user(...)` (another school's referral is a 404), call
a service, redirect with a message. Every page that shows a child's details audits the view.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.roles import Permission
from partnership.views.common import paginate, partnership_for, show_errors

from .. import presenters
from ..forms.sbard import BY_SLUG, SECTIONS, next_section, section_for_field
from ..forms.school import AnswerForm, MessageForm, StartForm, VersionForm
from ..models import Channel, Referral, SinglePointOfAccess
from ..services import drafts, transitions, viewing
from ..services import messages as referral_messages
from ..services.transitions import StaleVersion
from ..states import DECIDED, Status

VIEW = Permission.VIEW_SCHOOL_REFERRALS
SUBMIT = Permission.SUBMIT_REFERRALS
EDITABLE = (Status.DRAFT, Status.INFO_REQUESTED)
STALE = "Someone else changed this referral while you had the page open. The page now shows it as it is."


def _referrals(request, partnership, permission=VIEW):
    return Referral.objects.for_user(request.user, permission).filter(partnership=partnership)


def _referral(request, partnership, pk, permission=VIEW) -> Referral:
    return get_object_or_404(_referrals(request, partnership, permission).select_related("school", "spa"), pk=pk)


def _spa(request, partnership):
    return SinglePointOfAccess.objects.for_user(request.user, VIEW).filter(partnership=partnership).first()


# --- the list ---------------------------------------------------------------------------------


@require_GET
def school_list(request, slug):
    partnership = partnership_for(request, slug, VIEW)
    referrals = _referrals(request, partnership).select_related("school", "created_by")
    drafts_here = list(referrals.filter(status=Status.DRAFT).order_by("-updated_at", "-pk"))
    page = paginate(request, referrals.exclude(status=Status.DRAFT).order_by("-submitted_at", "-pk"))
    for referral in [*drafts_here, *page]:  # the list names each child: every name shown is audited
        viewing.child_details_viewed(by=request.user, referral=referral, where="school list")
    return render(
        request,
        "referrals/school/list.jinja",
        {
            "partnership": partnership,
            "drafts": drafts_here,
            "page": page,
            "status_tag": presenters.status_tag,
            "waiting": presenters.waiting,
            "can_submit": bool(drafts.schools_of(request.user, partnership)),
        },
    )


# --- starting a referral ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def start(request, slug):
    partnership = partnership_for(request, slug, SUBMIT)
    spa = _spa(request, partnership)
    schools = drafts.schools_of(request.user, partnership)
    form = StartForm(
        request.POST if request.method == "POST" else None,
        schools=schools,
        initial={"idempotency_key": str(uuid.uuid4())},
    )
    if request.method == "POST" and spa is not None and form.is_valid():
        try:
            referral, created = drafts.create_draft(
                partnership=partnership,
                by=request.user,
                school=form.chosen_school(),
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            if referral.status not in EDITABLE:  # the same page posted again after submitting
                return redirect("referrals_school_detail", slug=slug, pk=referral.pk)
            if created:
                messages.success(request, "Referral started. It is saved as a draft as you go.")
            return redirect("referrals_school_edit", slug=slug, pk=referral.pk, section=SECTIONS[0].slug)
    return render(
        request,
        "referrals/school/start.jinja",
        {
            "partnership": partnership,
            "spa": spa,
            "channels": [Channel(c).label for c in spa.channels if c in Channel.values] if spa else [],
            "form": form,
            "key": form["idempotency_key"].value(),
        },
    )


# --- the SBARD form, a section at a time ------------------------------------------------------


def _after_save(slug, referral, section, back_to_check: bool):
    if referral.status != Status.DRAFT:
        return redirect("referrals_school_detail", slug=slug, pk=referral.pk)
    following = next_section(section)
    if back_to_check or following is None:
        return redirect("referrals_school_check", slug=slug, pk=referral.pk)
    return redirect("referrals_school_edit", slug=slug, pk=referral.pk, section=following.slug)


@require_http_methods(["GET", "POST"])
def edit(request, slug, pk, section):
    partnership = partnership_for(request, slug, SUBMIT)
    referral = _referral(request, partnership, pk, SUBMIT)
    current = BY_SLUG.get(section)
    if current is None:
        raise Http404("No such section")
    if referral.status not in EDITABLE:
        messages.info(request, "A submitted referral can't be changed: send the duty team a message instead.")
        return redirect("referrals_school_detail", slug=slug, pk=referral.pk)
    later = request.POST.get("later") is not None
    back_to_check = request.GET.get("return") == "check"
    form = current.form(request.POST if request.method == "POST" else None, referral=referral, strict=not later)
    if request.method == "POST" and form.is_valid():
        try:
            referral = drafts.update_draft(referral_id=referral.pk, by=request.user, **form.values())
        except ValidationError as error:
            show_errors(form, error)
        else:
            if later:
                messages.success(request, "Your referral is saved as a draft. Continue it from this list.")
                return redirect("referrals_school_list", slug=slug)
            return _after_save(slug, referral, current, back_to_check)
    viewing.child_details_viewed(by=request.user, referral=referral, where="school form")
    index = SECTIONS.index(current)
    return render(
        request,
        "referrals/school/section.jinja",
        {
            "partnership": partnership,
            "referral": referral,
            "spa": referral.spa,
            "form": form,
            "section": current,
            "number": index + 1,
            "count": len(SECTIONS),
            "previous": SECTIONS[index - 1] if index else None,
            "back_to_check": back_to_check,
        },
    )


# --- check your answers and submit ------------------------------------------------------------


def _answers(referral: Referral) -> list[dict]:
    """Each section with its questions and answers, for the check page and the detail page."""
    sections = []
    for section in SECTIONS:
        form = section.form(referral=referral)
        rows = []
        for name, field in form.fields.items():
            bound = form[name]
            rows.append(
                {
                    "name": name,
                    "label": field.label,
                    "value": _display(referral, name, field),
                    "anchor": bound.id_for_label or bound.html_name,
                }
            )
        sections.append({"section": section, "rows": rows})
    return sections


def _display(referral: Referral, name: str, field) -> str:
    value = getattr(referral, name)
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    if name == "nhs_number":
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    labels = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    return str(labels.get(value, value)) if labels else str(value)


def _missing(referral: Referral, slug: str) -> list[dict]:
    items = []
    for name, message in transitions.missing_for_submission(referral).items():
        section = section_for_field(name)
        href = reverse("referrals_school_edit", kwargs={"slug": slug, "pk": referral.pk, "section": section.slug})
        items.append({"text": message, "href": f"{href}?return=check#{_anchor(section, name)}"})
    return items


def _anchor(section, name: str) -> str:
    bound = section.form(referral=Referral())[name]
    return bound.id_for_label or bound.html_name


@require_http_methods(["GET", "POST"])
def check(request, slug, pk):
    partnership = partnership_for(request, slug, SUBMIT)
    referral = _referral(request, partnership, pk, SUBMIT)
    form = VersionForm(request.POST if request.method == "POST" else None, initial={"version": referral.version})
    stale = broken = False
    if request.method == "POST":
        broken = not form.is_valid()
        if not broken:
            try:
                referral = transitions.apply(
                    referral_id=referral.pk,
                    by=request.user,
                    name="submit",
                    expected_version=form.cleaned_data["version"],
                )
            except StaleVersion as error:
                referral, stale = error.current, True
            except ValidationError:
                referral.refresh_from_db()  # the missing answers are listed below
            else:
                return redirect("referrals_school_submitted", slug=slug, pk=referral.pk)
        form = VersionForm(initial={"version": referral.version})
    elif referral.status != Status.DRAFT:
        return redirect("referrals_school_detail", slug=slug, pk=referral.pk)
    viewing.child_details_viewed(by=request.user, referral=referral, where="school check answers")
    return render(
        request,
        "referrals/school/check.jinja",
        {
            "partnership": partnership,
            "referral": referral,
            "spa": referral.spa,
            "sections": _answers(referral),
            "missing": _missing(referral, slug),
            "version": referral.version,
            "stale": stale,
            "broken": broken,
            "posted": request.method == "POST",
        },
    )


@require_GET
def submitted(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    referral = _referral(request, partnership, pk)
    if referral.status == Status.DRAFT:
        return redirect("referrals_school_check", slug=slug, pk=referral.pk)
    return render(request, "referrals/school/submitted.jinja", {"partnership": partnership, "referral": referral})


# --- following a referral ---------------------------------------------------------------------


def _detail(request, partnership, referral, *, answer_form=None, message_form=None, stale=False):
    viewing.child_details_viewed(by=request.user, referral=referral, where="school page")
    requests = list(referral.information_requests.select_related("asked_by").order_by("asked_at", "pk"))
    return render(
        request,
        "referrals/school/detail.jinja",
        {
            "partnership": partnership,
            "referral": referral,
            "status": presenters.status_tag(referral.status),
            "waiting": presenters.waiting(referral),
            "timeline": presenters.timeline(referral, for_school=True),
            "sections": _answers(referral),
            "decided": referral.status in DECIDED,
            "signposted": list(referral.signposted_services.order_by("name")),
            "open_requests": [r for r in requests if r.answered_at is None],
            "answered_requests": [r for r in requests if r.answered_at is not None],
            "messages_on": list(referral.messages.select_related("author").order_by("at", "pk")),
            "answer_form": answer_form or AnswerForm(initial={"version": referral.version}),
            "message_form": message_form or MessageForm(),
            "can_answer": referral.status == Status.INFO_REQUESTED,
            "can_message": referral.status != Status.DRAFT,
            "stale": stale,
            "version": referral.version,
        },
    )


@require_GET
def detail(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    return _detail(request, partnership, _referral(request, partnership, pk))


@require_POST
def answer(request, slug, pk):
    partnership = partnership_for(request, slug, SUBMIT)
    referral = _referral(request, partnership, pk, SUBMIT)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            transitions.apply(
                referral_id=referral.pk,
                by=request.user,
                name="answer",
                expected_version=form.cleaned_data["version"],
                answer=form.cleaned_data["answer"],
            )
        except StaleVersion as error:
            kept = AnswerForm(initial={"version": error.current.version, "answer": form.cleaned_data["answer"]})
            return _detail(request, partnership, error.current, answer_form=kept, stale=True)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Your answer has been sent to the duty team.")
            return redirect("referrals_school_detail", slug=slug, pk=referral.pk)
    return _detail(request, partnership, referral, answer_form=form)


@require_POST
def message(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    referral = _referral(request, partnership, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            referral_messages.post_message(
                referral_id=referral.pk, by=request.user, body=form.cleaned_data["body"], from_duty_team=False
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, "Your message has been sent to the duty team.")
            return redirect(reverse("referrals_school_detail", kwargs={"slug": slug, "pk": referral.pk}) + "#messages")
    return _detail(request, partnership, referral, message_form=form)


@require_http_methods(["GET", "POST"])
def delete(request, slug, pk):
    """Delete a draft that was never sent: a confirmation page, then the POST."""
    partnership = partnership_for(request, slug, SUBMIT)
    referral = _referral(request, partnership, pk, SUBMIT)
    if referral.status != Status.DRAFT:
        messages.error(request, "Only a draft that was never sent can be deleted.")
        return redirect("referrals_school_detail", slug=slug, pk=referral.pk)
    if request.method == "POST":
        drafts.delete_draft(referral_id=referral.pk, by=request.user)
        messages.success(request, "The draft referral was deleted.")
        return redirect("referrals_school_list", slug=slug)
    return render(request, "referrals/school/delete.jinja", {"partnership": partnership, "referral": referral})
