"""Triage in the browser, for the duty team of the partnership's single point of access
(TRIAGE_REFERRALS: duty clinicians and the duty lead).

Thin: find the partnership (404 / 403), reach referrals only through
`Referral.objects.for_user(user, TRIAGE_REFERRALS)` in that partnership (another SPA's referral is
a 404), then call `services.transitions.apply(..., expected_version=...)` and redirect. Every page
that shows a child's details is audited (`child_details_viewed`). A refused change is never a 500:
a ValidationError goes into the form's error summary, a PermissionDenied is explained, and a stale
form (StaleVersion) re-shows the page with what changed since the form was drawn, keeping what the
user typed.
"""

from datetime import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.models.directory import THRIVE_MEANINGS
from partnership.roles import Permission
from partnership.views.common import paginate, partnership_for, show_errors

from .. import presenters
from ..forms.triage import (
    DECISIONS,
    ClaimForm,
    CloseForm,
    FirstContactForm,
    MessageForm,
    ReassignForm,
    duty_staff,
)
from ..models import InformationRequest, Message, OtherService, Referral, SinglePointOfAccess, StatusChange
from ..models import Request as ReferralRequest
from ..queue import QueueFilter, queue_choices_for, queue_for
from ..services import messages as message_service
from ..services import transitions
from ..services.viewing import child_details_viewed
from ..states import OPEN, Status, allowed_from
from ..waiting import Clock

TRIAGE = Permission.TRIAGE_REFERRALS
STALE_TITLE = "Someone else changed this referral while you were looking at it"
DECISION_TITLES = {
    "accept": "Accept",
    "signpost": "Signpost",
    "not_accept": "Not accept",
    "request_information": "Request more information",
}
SUCCESS = {
    "claim": "You claimed {ref}. It is yours to triage.",
    "release": "{ref} is back in the queue, unclaimed.",
    "accept": "{ref} accepted. The school has been told.",
    "signpost": "{ref} signposted. The school has been sent the advice.",
    "not_accept": "{ref} not accepted. The school has been told why.",
    "request_information": "Your question about {ref} has been sent to the school.",
    "first_contact": "First contact recorded for {ref}.",
    "close": "{ref} closed.",
}


def _referrals(request, partnership):
    """The referrals this user may triage in this partnership: THE scope of every page here."""
    return Referral.objects.for_user(request.user, TRIAGE).filter(partnership=partnership)


def _referral_or_404(request, partnership, pk) -> Referral:
    return get_object_or_404(
        _referrals(request, partnership).select_related(
            "school",
            "spa",
            "claimed_by",
            "decided_by",
            "allocated_service__provider",
            "not_accepted_reason",
            "first_contact_by",
        ),
        pk=pk,
    )


def _is_lead(request, referral) -> bool:
    return Referral.objects.for_user(request.user, Permission.LEAD_DUTY_TEAM).filter(pk=referral.pk).exists()


# --- the queue ----------------------------------------------------------------------------------


@require_GET
def queue(request, slug):
    """The SPA's submitted referrals, filtered and sorted. It shows references, schools and waits,
    never a child's name or other details, so it is not a child-details view (no audit event)."""
    partnership = partnership_for(request, slug, TRIAGE)
    spa = get_object_or_404(SinglePointOfAccess.objects.for_user(request.user, TRIAGE).filter(partnership=partnership))
    everything = queue_for(request.user).filter(partnership=partnership)
    schools, clinicians = queue_choices_for(spa)
    filterset = QueueFilter(request.GET or None, everything, request=request, schools=schools, clinicians=clinicians)
    counts = everything.order_by().aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        unclaimed=Count("pk", filter=Q(status=Status.SUBMITTED)),
        red=Count("pk", filter=Q(status__in=OPEN, clock=Clock.RED.value)),
        breached=Count("pk", filter=Q(status__in=OPEN, clock=Clock.BREACHED.value)),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/triage/queue.jinja",
        {
            "partnership": partnership,
            "spa": spa,
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "query": query.urlencode(),
            "counts": counts,
            "status_tag": presenters.status_tag,
            "waiting": presenters.waiting,
            "open_statuses": OPEN,
        },
    )


# --- one referral -------------------------------------------------------------------------------


def _one(request, slug, pk):
    """The partnership and one referral the user may triage in it. Pages about one referral are a
    404 for everyone else, school staff and area leads included: they must not learn it exists."""
    partnership = partnership_for(request, slug)
    return partnership, _referral_or_404(request, partnership, pk)


@require_GET
def detail(request, slug, pk):
    partnership, referral = _one(request, slug, pk)
    return _page(request, partnership, referral)


def _forms(request, referral) -> dict:
    """The forms of the actions allowed now, by action (states.allowed_from plus who may do what)."""
    allowed = set(allowed_from(referral.status))
    is_lead = _is_lead(request, referral)
    claimant_or_lead = referral.claimed_by_id == request.user.pk or is_lead
    found = {}

    def make(name, form_class):
        found[name] = form_class(referral=referral, user=request.user, prefix=name)

    if "claim" in allowed:
        make("claim", ClaimForm)
    if "release" in allowed and claimant_or_lead:
        make("release", ClaimForm)
    if referral.status == Status.IN_TRIAGE and claimant_or_lead:
        for name, form_class in DECISIONS.items():
            make(name, form_class)
    if referral.status == Status.IN_TRIAGE and is_lead:
        make("reassign", ReassignForm)
    if "first_contact" in allowed:
        make("first_contact", FirstContactForm)
    if "close" in allowed:
        found["close"] = True  # its own confirmation page (closing is final)
    found["message"] = MessageForm(prefix="message")
    return found


def _page(request, partnership, referral, *, posted=None, stale=None, refused=None, status=200):
    """The triage page. `posted` is (action, form) when a form came back with errors; `stale` the
    changes since a stale form was drawn; `refused` a PermissionDenied's message."""
    forms = _forms(request, referral)
    posted_name, posted_form = posted or (None, None)
    shown_in_place = posted_name in forms
    if shown_in_place:
        forms[posted_name] = posted_form
    child_details_viewed(by=request.user, referral=referral, where="triage page")
    return render(
        request,
        "referrals/triage/detail.jinja",
        {
            "partnership": partnership,
            "referral": referral,
            "status_tag": presenters.status_tag(referral.status),
            "waiting": presenters.waiting(referral),
            "internal_waits": presenters.internal_waits(referral),
            "timeline": presenters.timeline(referral, for_school=False),
            "questions": InformationRequest.objects.for_user(request.user, TRIAGE)
            .filter(referral=referral)
            .select_related("asked_by", "answered_by"),
            "conversation": Message.objects.for_user(request.user, TRIAGE)
            .filter(referral=referral)
            .select_related("author"),
            "forms": forms,
            "decisions": [(name, DECISION_TITLES[name]) for name in DECISIONS if name in forms],
            "thrive_meanings": THRIVE_MEANINGS,
            "posted_name": posted_name,
            "posted_form": posted_form,
            "posted_elsewhere": posted_form is not None and not shown_in_place,
            "stale": stale,
            "refused": refused,
            "is_claimant": referral.claimed_by_id == request.user.pk,
            "labels": _labels(referral),
        },
        status=status,
    )


def _labels(referral) -> dict:
    """The display labels of the referral's multiple-choice answers."""
    return {
        "other_services": [OtherService(v).label for v in referral.other_services if v in OtherService.values],
        "requests": [ReferralRequest(v).label for v in referral.requests if v in ReferralRequest.values],
        "signposted": list(referral.signposted_services.select_related("provider").order_by("name")),
    }


def _person(user) -> str:
    return (user.full_name or user.email) if user is not None else "nobody"


def _what_changed(request, form, current: Referral, action: str) -> dict:
    """What changed between the version the form was drawn from and now."""
    data = form.cleaned_data
    drawn_status = data.get("drawn_status") or ""
    changes = []
    if drawn_status in Status.values and drawn_status != current.status:
        changes.append(f"Status: {Status(drawn_status).label} before, {current.get_status_display()} now")
    elif drawn_status not in Status.values:
        changes.append(f"Status now: {current.get_status_display()}")
    people = {str(u.pk): u for u in duty_staff(current)}
    drawn_claimant = data.get("drawn_claimant") or ""
    if drawn_claimant != str(current.claimed_by_id or ""):
        before = _person(people.get(drawn_claimant)) if drawn_claimant else "nobody"
        if drawn_claimant and drawn_claimant not in people:
            before = "someone else"
        changes.append(f"Claimed by: {before} before, {_person(current.claimed_by)} now")
    since = _parse_moment(data.get("drawn_at") or "")
    rows = StatusChange.objects.for_user(request.user, TRIAGE).filter(referral=current).select_related("by")
    rows = rows.filter(at__gt=since) if since is not None else rows.none()
    for row in rows.order_by("at", "pk"):
        came_from = Status(row.from_status).label if row.from_status else "New"
        changes.append(
            f"{timezone.localtime(row.at):%-d %B %Y at %H:%M}: {came_from} to {Status(row.to_status).label}, "
            f"by {_person(row.by)}"
        )
    already_claimed = (
        action == "claim" and current.claimed_by_id is not None and current.claimed_by_id != request.user.pk
    )
    return {
        "title": STALE_TITLE,
        "already_claimed": f"Already claimed by {_person(current.claimed_by)}." if already_claimed else "",
        "changes": changes,
        "typed": {
            form[name].label: _typed_value(form, name) for name in form.typed if form.data.get(form.add_prefix(name))
        },
    }


def _typed_value(form, name) -> str:
    field = form.fields[name]
    raw = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else [form.data.get(name)]
    choices = {str(k): str(v) for k, v in getattr(field, "choices", []) or []}
    return ", ".join(choices.get(str(value), str(value)) for value in raw if value)


def _parse_moment(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def _act(request, partnership, referral, name, form, *, success_url=None, template=None):
    """Validate `form`, call the service and redirect; else re-show the page with why not."""
    if not form.is_valid():
        return _again(request, partnership, referral, name, form, template=template)
    try:
        transitions.apply(
            referral_id=referral.pk,
            by=request.user,
            name=name,
            expected_version=form.cleaned_data["version"],
            **form.service_details(),
        )
    except transitions.StaleVersion as error:
        current = _referral_or_404(request, partnership, error.current.pk)
        stale = _what_changed(request, form, current, name)
        form.redraw(current)
        return _again(request, partnership, current, name, form, stale=stale, status=409, template=template)
    except ValidationError as error:
        show_errors(form, error)
        return _again(request, partnership, referral, name, form, template=template)
    except PermissionDenied as error:
        message = str(error) or "You can't do that to this referral."
        return _again(request, partnership, referral, name, form, refused=message, status=403, template=template)
    messages.success(request, SUCCESS[name].format(ref=referral.reference))
    return redirect(success_url or _detail_url(partnership, referral))


def _again(request, partnership, referral, name, form, *, template=None, **kwargs):
    if template is not None:
        return _close_page(request, partnership, referral, form, **kwargs)
    return _page(request, partnership, referral, posted=(name, form), **kwargs)


def _detail_url(partnership, referral) -> str:
    return reverse("referrals_triage_detail", kwargs={"slug": partnership.slug, "pk": referral.pk})


def _posted_form(request, slug, pk, form_class, name):
    partnership, referral = _one(request, slug, pk)
    form = form_class(request.POST, referral=referral, user=request.user, prefix=name)
    return partnership, referral, form


@require_POST
def claim(request, slug, pk):
    partnership, referral, form = _posted_form(request, slug, pk, ClaimForm, "claim")
    return _act(request, partnership, referral, "claim", form)


@require_POST
def release(request, slug, pk):
    partnership, referral, form = _posted_form(request, slug, pk, ClaimForm, "release")
    return _act(request, partnership, referral, "release", form)


@require_POST
def decide(request, slug, pk, decision):
    if decision not in DECISIONS:
        _one(request, slug, pk)
        raise Http404("No such decision.")
    partnership, referral, form = _posted_form(request, slug, pk, DECISIONS[decision], decision)
    return _act(request, partnership, referral, decision, form)


@require_POST
def first_contact(request, slug, pk):
    partnership, referral, form = _posted_form(request, slug, pk, FirstContactForm, "first_contact")
    return _act(request, partnership, referral, "first_contact", form)


@require_http_methods(["GET", "POST"])
def close(request, slug, pk):
    """Closing is final: a page of its own asks for the outcome, then closes on POST."""
    partnership, referral = _one(request, slug, pk)
    if request.method == "GET":
        if "close" not in allowed_from(referral.status):
            now = referral.get_status_display().lower()
            messages.info(request, f"{referral.reference} can't be closed while it is {now}.")
            return redirect("referrals_triage_detail", slug=slug, pk=referral.pk)
        form = CloseForm(referral=referral, user=request.user, prefix="close")
        return _close_page(request, partnership, referral, form)
    form = CloseForm(request.POST, referral=referral, user=request.user, prefix="close")
    return _act(request, partnership, referral, "close", form, template="close")


def _close_page(request, partnership, referral, form, *, stale=None, refused=None, status=200):
    """Shows the reference and the outcome form only: no child's details, so no audit event."""
    return render(
        request,
        "referrals/triage/close.jinja",
        {
            "partnership": partnership,
            "referral": referral,
            "form": form,
            "stale": stale,
            "refused": refused,
            "can_close": "close" in allowed_from(referral.status),
        },
        status=status,
    )


@require_POST
def reassign(request, slug, pk):
    partnership, referral, form = _posted_form(request, slug, pk, ReassignForm, "reassign")
    if not _is_lead(request, referral):
        raise PermissionDenied("Only the duty lead can give a referral to another clinician.")
    if not form.is_valid():
        return _page(request, partnership, referral, posted=("reassign", form))
    to = form.cleaned_data["to"]
    try:
        transitions.reassign(
            referral_id=referral.pk, by=request.user, to=to, expected_version=form.cleaned_data["version"]
        )
    except transitions.StaleVersion as error:
        current = _referral_or_404(request, partnership, error.current.pk)
        stale = _what_changed(request, form, current, "reassign")
        form.redraw(current)
        return _page(request, partnership, current, posted=("reassign", form), stale=stale, status=409)
    except ValidationError as error:
        show_errors(form, error)
        return _page(request, partnership, referral, posted=("reassign", form))
    except PermissionDenied:
        refused = "Only the duty lead can give a referral to another clinician."
        return _page(request, partnership, referral, posted=("reassign", form), refused=refused, status=403)
    messages.success(request, f"{referral.reference} is now with {_person(to)}.")
    return redirect("referrals_triage_detail", slug=slug, pk=referral.pk)


@require_POST
def message(request, slug, pk):
    partnership, referral = _one(request, slug, pk)
    form = MessageForm(request.POST, prefix="message")
    if form.is_valid():
        try:
            message_service.post_message(
                referral_id=referral.pk, by=request.user, body=form.cleaned_data["body"], from_duty_team=True
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, f"Message sent to the school about {referral.reference}.")
            return redirect("referrals_triage_detail", slug=slug, pk=referral.pk)
    return _page(request, partnership, referral, posted=("message", form))
