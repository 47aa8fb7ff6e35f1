"""The live scoring page of one table: all seven domains, their level guidance, and the notes.

Without JavaScript it is one form that saves every domain it is given (through `record_score`,
all or nothing) and shows refusals in the error summary. With JavaScript
(static/js/cascade-scoring.js) each change is queued in the browser and sent to the scores API
as it is made, so nothing is lost when the connection drops.

Readers (VIEW_CASCADE_RESULTS without RUN_CASCADE_WORKSHOPS) and everyone once the workshop is
closed see the scores read-only.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from partnership.roles import Permission
from partnership.views.common import can, partnership_for, scoped

from ..forms.scoring import NOTE_FIELDS, NOTE_LABELS, ScoringForm, note_name
from ..models import DomainScore, ScoringTable
from ..services.scoring import record_score

VIEW = Permission.VIEW_CASCADE_RESULTS
RUN = Permission.RUN_CASCADE_WORKSHOPS


def _show_refusal(form: ScoringForm, code: str, error: ValidationError) -> None:
    """A refusal of one domain's score: shown on that domain's field (or the whole form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.message_dict.items():
        if name == "score":
            form.add_error(code, errors)
        elif name in NOTE_FIELDS:
            form.add_error(note_name(code, name), errors)
        else:
            form.add_error(None, errors)


def _domain_rows(form, table, domains, levels, scores):
    """What the template shows per domain: its fields, and the level guidance as radio hints."""
    label_for = {level.score: level.label for level in levels}
    rows = []
    for domain in domains:
        saved = scores.get(domain.code)
        items = [
            {
                "value": str(level.score),
                "text": f"{level.score} {level.label}",
                "hint": domain.guidance[level.score] if level.score < len(domain.guidance) else "",
                "checked": str(form[domain.code].value()) == str(level.score),
            }
            for level in levels
        ]
        notes = [form[note_name(domain.code, note)] for note in NOTE_FIELDS]
        rows.append(
            {
                "domain": domain,
                "field": form[domain.code],
                "radio_items": items,
                "notes": notes,
                "notes_open": any(bf.errors or bf.value() for bf in notes),
                "saved": saved,
                "saved_label": label_for.get(saved.score) if saved else None,
                "saved_notes": [(NOTE_LABELS[note], getattr(saved, note)) for note in NOTE_FIELDS] if saved else [],
                "api_url": reverse("api_cascade_table_domain_score", args=[table.pk, domain.code]),
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def table_score(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    table = get_object_or_404(
        scoped(ScoringTable, request, partnership, VIEW).select_related("workshop__cohort", "workshop__framework"),
        pk=pk,
    )
    workshop = table.workshop
    can_score = can(request.user, partnership, RUN)
    if request.method == "POST" and not can_score:
        raise PermissionDenied
    editable = can_score and workshop.is_open
    domains = list(workshop.framework.domains.order_by("position"))
    levels = list(workshop.framework.levels.order_by("score"))
    scores = {
        score.domain.code: score
        for score in scoped(DomainScore, request, partnership, VIEW).filter(table=table).select_related("domain")
    }
    form = ScoringForm(
        request.POST if request.method == "POST" else None, domains=domains, levels=levels, scores=scores
    )

    if request.method == "POST" and form.is_valid():
        code = None
        try:
            with transaction.atomic():
                saved = changed = 0
                for code, score, notes in form.changes():
                    _, was_changed = record_score(table=table, by=request.user, domain=code, score=score, **notes)
                    saved += 1
                    changed += was_changed
        except ValidationError as error:
            _show_refusal(form, code, error)
            workshop.refresh_from_db()
            editable = workshop.is_open
        else:
            if saved == 0:
                messages.info(request, "Nothing to save: choose a level for at least one domain.")
            else:
                messages.success(request, f"Table {table.label}: {saved} domain{'s' if saved != 1 else ''} saved.")
            return redirect("cascade_table_score", slug=slug, pk=table.pk)

    rows = _domain_rows(form, table, domains, levels, scores)
    return render(
        request,
        "cascade/scoring/table_score.jinja",
        {
            "partnership": partnership,
            "workshop": workshop,
            "table": table,
            "form": form,
            "rows": rows,
            "levels": levels,
            "editable": editable,
            "can_score": can_score,
            "can_reopen": can(request.user, partnership, Permission.MANAGE_PARTNERSHIP),
            "scored": len(scores),
            "organisations": list(table.organisations.order_by("name").values_list("name", flat=True)),
        },
    )
