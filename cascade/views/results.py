"""Results pages: the partnership's results for a round, round 1 to round 2 progress, a cohort's
tables, one domain's next level, benchmarks, and the downloads (CSV, XLSX, workshop pack PDF).

Every number comes from cascade.results through cascade.queries (scores reached through the
user's scope) or cascade.queries_benchmarks (anonymised aggregates only); nothing is typed.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.models import Partnership
from partnership.models.audit import AuditAction
from partnership.roles import Permission
from partnership.services import audit
from partnership.views.actions import rag_tag
from partnership.views.common import can, csv_response, partnership_for, scoped, scoped_or_404

from .. import charts, exports
from ..models import Cohort, DomainScore, PlannedAction, ScoringTable, Workshop
from ..presenters import ChangeRow, band_tag, domain_changes, result_view, shown
from ..queries import cohort_results, domain_codes, partnership_result, table_scores
from ..queries_benchmarks import MIN_OTHERS, benchmark
from ..results import Result, change, cohort_groups, summarise
from ..services.framework import current_framework

VIEW = Permission.VIEW_CASCADE_RESULTS
ROUNDS = (1, 2)


def _has_scores(result: Result) -> bool:
    return any(d.tables for d in result.domains.values())


class _Results:
    """The partnership's results in both rounds, read once per request through the user's scope."""

    def __init__(self, request, partnership):
        self.partnership = partnership
        self.framework = current_framework()
        self.domains = list(self.framework.domains.order_by("position"))
        self.scores = scoped(DomainScore, request, partnership, VIEW)
        kwargs = {"partnership": partnership, "framework": self.framework}
        self.partnership_results = {n: partnership_result(self.scores, round=n, **kwargs) for n in ROUNDS}
        self.cohorts = {n: cohort_results(self.scores, round=n, **kwargs) for n in ROUNDS}

    @property
    def latest_round(self) -> int | None:
        scored = [n for n in ROUNDS if _has_scores(self.partnership_results[n])]
        return scored[-1] if scored else None

    def round_from(self, request) -> int:
        """?round=1 or 2; by default the latest round with scores (round 1 when there are none)."""
        value = request.GET.get("round")
        if value in (None, ""):
            return self.latest_round or 1
        if value not in ("1", "2"):
            raise Http404("There are only rounds 1 and 2")
        return int(value)


def _planned_by_domain(request, partnership, today) -> dict[str, list[dict]]:
    planned = (
        scoped(PlannedAction, request, partnership, VIEW)
        .select_related("action__owner", "action__owner_organisation", "domain", "workshop__cohort")
        .order_by("domain__position", "action__number")
    )
    by_domain: dict[str, list[dict]] = {}
    for plan in planned:
        by_domain.setdefault(plan.domain.code, []).append(action_row(plan, today))
    return by_domain


def action_row(plan: PlannedAction, today) -> dict:
    action = plan.action
    return {
        "pk": action.pk,
        "reference": action.reference,
        "title": action.title,
        "owner": action.owner.full_name or action.owner.email,
        "organisation": action.owner_organisation.name,
        "due_date": action.due_date,
        "rag": rag_tag(action.rag_on(today)),
        "workshop": str(plan.workshop),
        "domain": f"{plan.domain.letter}: {plan.domain.title}",
    }


def _progress(data: _Results) -> dict | None:
    first, second = data.partnership_results[1], data.partnership_results[2]
    if not (_has_scores(first) and _has_scores(second)):
        return None
    delta = change(first, second)
    rows = domain_changes(first, second, delta, data.domains)
    total_row = ChangeRow("Total (0-21)", first.total, second.total, delta.total)
    cohort_rows = []
    for name, before in data.cohorts[1].items():
        after = data.cohorts[2].get(name)
        if after is None:
            continue
        cohort_rows.append(ChangeRow(name, before.total, after.total, change(before, after).total))
    groups = cohort_groups(data.cohorts[1], data.cohorts[2])
    grouped = [
        {
            "name": f"Cohorts with a round-1 total {group}",
            "cohorts": [
                ChangeRow(name, data.cohorts[1][name].total, data.cohorts[2][name].total, c.total)
                for name, c in members.items()
            ],
        }
        for group, members in groups.items()
    ]
    return {
        "rows": rows,
        "total": total_row,
        "cohorts": cohort_rows,
        "groups": grouped,
        "chart": charts.change_chart(rows, title="Change per domain from round 1 to round 2"),
        "cohort_chart": charts.change_chart(cohort_rows, title="Change in total per cohort from round 1 to round 2")
        if cohort_rows
        else None,
    }


@require_GET
def cascade_results(request, slug):
    partnership = partnership_for(request, slug, VIEW)
    data = _Results(request, partnership)
    round_ = data.round_from(request)
    view = result_view(data.partnership_results[round_], data.domains)
    cohorts = [
        {"name": name, "view": result_view(result, data.domains)} for name, result in data.cohorts[round_].items()
    ]
    cohort_pks = dict(scoped(Cohort, request, partnership, VIEW).values_list("name", "pk"))
    for cohort in cohorts:
        cohort["pk"] = cohort_pks.get(cohort["name"])
    today = timezone.localdate()
    workshops = scoped(Workshop, request, partnership, VIEW).filter(round=round_).select_related("cohort")
    return render(
        request,
        "cascade/results/results.jinja",
        {
            "partnership": partnership,
            "round": round_,
            "rounds": ROUNDS,
            "view": view,
            "chart": (
                charts.domain_means_chart(view, title=f"Domain means, round {round_}") if view.has_scores else None
            ),
            "cohorts": cohorts,
            "progress": _progress(data),
            "planned": _planned_by_domain(request, partnership, today) if round_ == 2 else {},
            "workshops": workshops,
            "band_tag": band_tag,
            "guidance_source": data.framework.guidance_source,
        },
    )


@require_GET
def cascade_cohort_results(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    cohort = scoped_or_404(Cohort, request, partnership, pk=pk)
    data = _Results(request, partnership)
    round_ = data.round_from(request)
    result = data.cohorts[round_].get(cohort.name) or summarise([], [d.code for d in data.domains])
    view = result_view(result, data.domains)
    tables = (
        scoped(ScoringTable, request, partnership, VIEW)
        .filter(workshop__cohort=cohort, workshop__round=round_, workshop__framework=data.framework)
        .order_by("label")
    )
    scores = {}
    for table_id, code, score in data.scores.filter(table__in=tables).values_list("table_id", "domain__code", "score"):
        scores[(table_id, code)] = score
    grid = [
        {"label": table.label, "scores": [scores.get((table.pk, d.code)) for d in data.domains]} for table in tables
    ]
    return render(
        request,
        "cascade/results/cohort.jinja",
        {
            "partnership": partnership,
            "cohort": cohort,
            "round": round_,
            "rounds": ROUNDS,
            "view": view,
            "chart": charts.domain_means_chart(view, title=f"{cohort.name}: domain means, round {round_}")
            if view.has_scores
            else None,
            "domains": data.domains,
            "grid": grid,
        },
    )


@require_GET
def cascade_domain(request, slug, code):
    partnership = partnership_for(request, slug, VIEW)
    data = _Results(request, partnership)
    domain = next((d for d in data.domains if d.code == code), None)
    if domain is None:
        raise Http404("No such domain")
    levels = list(data.framework.levels.order_by("score"))
    latest = data.latest_round
    mean = data.partnership_results[latest].domains[code].mean if latest else None
    reached = None if mean is None else int(mean)  # the level the mean has fully reached
    today = timezone.localdate()
    planned = (
        scoped(PlannedAction, request, partnership, VIEW)
        .filter(domain__code=code)
        .select_related("action__owner", "action__owner_organisation", "domain", "workshop__cohort")
        .order_by("action__number")
    )
    can_plan = can(request.user, partnership, Permission.RUN_CASCADE_WORKSHOPS)
    return render(
        request,
        "cascade/results/domain.jinja",
        {
            "partnership": partnership,
            "domain": domain,
            "levels": [
                {"score": level.score, "label": level.label, "guidance": domain.guidance[level.score]}
                for level in levels
            ],
            "latest_round": latest,
            "mean": shown(mean) if mean is not None else None,
            "reached": levels[reached] if reached is not None else None,
            "next_level": levels[reached + 1] if reached is not None and reached + 1 < len(levels) else None,
            "next_guidance": domain.guidance[reached + 1] if reached is not None and reached + 1 < len(levels) else "",
            "actions": [action_row(plan, today) for plan in planned],
            "workshops": scoped(Workshop, request, partnership, VIEW).select_related("cohort") if can_plan else [],
            "guidance_source": data.framework.guidance_source,
        },
    )


def _distribution_row(label, own, dist) -> dict:
    return {
        "label": label,
        "own": shown(own),
        "min": shown(dist.minimum) if dist else "No data",
        "lower_quartile": shown(dist.lower_quartile) if dist else "No data",
        "median": shown(dist.median) if dist else "No data",
        "upper_quartile": shown(dist.upper_quartile) if dist else "No data",
        "max": shown(dist.maximum) if dist else "No data",
        "count": dist.count if dist else 0,
    }


@require_GET
def cascade_benchmarks(request, slug):
    partnership = partnership_for(request, slug, VIEW)
    data = _Results(request, partnership)
    round_ = data.round_from(request)
    own = data.partnership_results[round_]
    bench = benchmark(partnership=partnership, framework=data.framework, round=round_)
    rows = []
    if bench.shown:
        rows.append(_distribution_row("Total (0-21)", own.total, bench.total))
        rows += [
            _distribution_row(f"{d.letter}: {d.title}", own.domains[d.code].mean, bench.domains.get(d.code))
            for d in data.domains
        ]
    # The partnerships the user may see results of (a commissioner's, by name): their own scope only.
    visible = Partnership.objects.for_user(request.user, VIEW).order_by("name")
    mine = []
    if visible.count() > 1:
        scores = DomainScore.objects.for_user(request.user, VIEW)
        for other in visible:
            result = partnership_result(scores, partnership=other, framework=data.framework, round=round_)
            mine.append({"partnership": other, "total": shown(result.total), "band": band_tag(result.band)})
    return render(
        request,
        "cascade/results/benchmarks.jinja",
        {
            "partnership": partnership,
            "round": round_,
            "rounds": ROUNDS,
            "own": result_view(own, data.domains),
            "bench": bench,
            "rows": rows,
            "min_others": MIN_OTHERS,
            "mine": mine,
        },
    )


# --- downloads ------------------------------------------------------------------------------


def _export(request, slug):
    partnership = partnership_for(request, slug, VIEW)
    data = _Results(request, partnership)
    round_ = data.round_from(request)
    export = exports.build(data.partnership_results[round_], data.cohorts[round_], data.domains, round=round_)
    return partnership, round_, export


def _audit(request, partnership, kind: str, **detail):
    audit.record(actor=request.user, action=AuditAction.EXPORT, obj=partnership, detail={"export": kind, **detail})


@require_GET
def cascade_results_csv(request, slug):
    partnership, round_, export = _export(request, slug)
    _audit(request, partnership, "cascade_results_csv", round=round_, rows=len(export.all_rows))
    return csv_response(f"{partnership.slug}-cascade-round-{round_}.csv", exports.HEADER, exports.csv_rows(export))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def cascade_results_xlsx(request, slug):
    partnership, round_, export = _export(request, slug)
    _audit(request, partnership, "cascade_results_xlsx", round=round_, rows=len(export.all_rows))
    body = exports.xlsx_bytes(export, title=f"{partnership.name}: CASCADE results, round {round_}")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{partnership.slug}-cascade-round-{round_}.xlsx"'
    return response


NOTE_HEADINGS = (
    ("what_works", "What works"),
    ("what_gets_in_the_way", "What gets in the way"),
    ("evidence", "Evidence"),
)


@require_GET
def cascade_workshop_pack(request, slug, pk):
    partnership = partnership_for(request, slug, VIEW)
    workshop = get_object_or_404(
        scoped(Workshop, request, partnership, VIEW).select_related("cohort", "framework"), pk=pk
    )
    domains = list(workshop.framework.domains.order_by("position"))
    labels = dict(workshop.framework.levels.values_list("score", "label"))
    scores = scoped(DomainScore, request, partnership, VIEW).filter(table__workshop=workshop)
    result = summarise(table_scores(scores, round=workshop.round), domain_codes(workshop.framework))
    by_table: dict[int, list] = {}
    for score in scores.select_related("domain").order_by("domain__position"):
        notes = [(heading, getattr(score, name)) for name, heading in NOTE_HEADINGS if getattr(score, name)]
        by_table.setdefault(score.table_id, []).append(
            (f"{score.domain.letter}: {score.domain.title}", str(score.score), labels.get(score.score, ""), notes)
        )
    tables = [
        exports.PackTable(label=table.label, scores=by_table.get(table.pk, []))
        for table in scoped(ScoringTable, request, partnership, VIEW).filter(workshop=workshop).order_by("label")
    ]
    today = timezone.localdate()
    planned = (
        scoped(PlannedAction, request, partnership, VIEW)
        .filter(workshop=workshop)
        .select_related("action__owner", "action__owner_organisation", "domain", "workshop__cohort")
    )
    actions = [
        exports.PackAction(
            reference=row["reference"],
            domain=row["domain"],
            title=row["title"],
            owner=f"{row['owner']} ({row['organisation']})",
            due=row["due_date"].strftime("%-d %B %Y"),
            rag=row["rag"]["text"],
        )
        for row in (action_row(plan, today) for plan in planned)
    ]
    body = exports.workshop_pack_pdf(
        partnership=partnership.name,
        workshop=str(workshop),
        held_on=workshop.held_on.strftime("%-d %B %Y"),
        venue=workshop.venue,
        view=result_view(result, domains),
        tables=tables,
        actions=actions,
    )
    _audit(request, partnership, "cascade_workshop_pack", workshop=workshop.pk)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{partnership.slug}-cascade-workshop-{workshop.pk}-pack.pdf"'
    )
    return response
