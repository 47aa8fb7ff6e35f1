"""The dashboard's referrals panel (issue 7 item 1): read from the rollups only (referrals/rollups.py),
never from the referrals themselves, in five queries whatever the number of referrals.

Scope and filters: the partnerships of the scope; the partnership-grain rows (school NULL) or, with a
school filter, that school's rows; one phase if asked; referrals SUBMITTED in the months of the
period (Europe/London). Open referrals are as they stand now (when the rollups were last refreshed),
whatever the period. Drafts are never counted.

The figures:
- Referrals by month / by school phase: referrals submitted (and of them urgent). The phase is the
  school's (partnership.phases.phase_of).
- Outcomes: of the referrals submitted in the period that triage has decided, how many were accepted
  (accepted, first contact made or closed), signposted or not accepted, each as a share of those
  decided. Referrals still in triage are not in the denominator.
- Reasons not accepted: the not-accepted referrals by reason (the SPA's wording for each code;
  "No reason recorded" when none).
- THRIVE mix: accepted referrals by THRIVE grouping, each as a share of the accepted referrals with
  a grouping.
- Waiting times: of the referrals submitted in the period that have had a first contact, the median
  and 90th percentile of days from the day of submission to the day of first contact (calendar days,
  local dates; interpolated between neighbouring values as PostgreSQL's percentile_cont; waits of
  365 days or more count as 365), built on that number of people; and the share seen within four
  weeks (28 days or fewer, the standard in referrals.waiting).
- Open referrals by waiting-time RAG: referrals still waiting (submitted, in triage, more information
  requested or accepted without a first contact) by days waited so far: Green up to 14, Amber 15-21,
  Red 22-28, Breached over 28 (referrals.waiting).
- Breaches: open referrals waiting more than 28 days now; referrals submitted in the period first
  seen after more than 28 days.
Every total is computed from the raw numbers (Table.total), then disclosed like any count.
"""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Min, Q, Sum

from partnership.figures import Chart, ChartKind, Filters, PanelFigures, Percent, Row, Scope, Statistic, Table
from partnership.figures import Count as People
from partnership.models.directory import Thrive
from partnership.phases import phase_key

from .models.rollup import ReferralMonth, ReferralOpen, RollupState
from .models.spa import DEFAULT_REASONS, NotAcceptedReason
from .waiting import STANDARD_DAYS, Clock

NO_REASON = "No reason recorded"
RAG_LABELS = {
    Clock.GREEN: "Green (up to 14 days)",
    Clock.AMBER: "Amber (15 to 21 days)",
    Clock.RED: "Red (22 to 28 days)",
    Clock.BREACHED: "Breached (over 28 days)",
}
COUNTS = ("referrals", "urgent", "waiting", "accepted", "signposted", "not_accepted")

MAPS_SQL = """
SELECT 'thrive', t.key, sum(t.value::int) FROM referrals_referralmonth m, jsonb_each_text(m.thrive) t
WHERE {where} GROUP BY t.key
UNION ALL
SELECT 'reason', t.key, sum(t.value::int) FROM referrals_referralmonth m, jsonb_each_text(m.reasons) t
WHERE {where} GROUP BY t.key
UNION ALL
SELECT 'wait', (w.ord - 1)::text, sum(w.n) FROM referrals_referralmonth m, unnest(m.waits) WITH ORDINALITY w(n, ord)
WHERE {where} GROUP BY w.ord
"""


def _where(scope: Scope, filters: Filters) -> tuple[str, list]:
    sql = "m.partnership_id = ANY(%s) AND m.month >= %s AND m.month <= %s"
    params: list = [list(scope.partnership_ids), filters.start.replace(day=1), filters.end]
    if filters.school_id:
        sql += " AND m.school_id = %s"
        params.append(filters.school_id)
    else:
        sql += " AND m.school_id IS NULL"
    if filters.phase:
        sql += " AND m.phase = %s"
        params.append(filters.phase)
    return sql, params


def _rows_filter(scope: Scope, filters: Filters) -> Q:
    q = Q(partnership_id__in=scope.partnership_ids)
    q &= Q(school_id=filters.school_id) if filters.school_id else Q(school__isnull=True)
    if filters.phase:
        q &= Q(phase=filters.phase)
    return q


def percentile(histogram: dict[int, int], p: float) -> Decimal | None:
    """percentile_cont(p) of the values a histogram {value: count} holds, to one decimal place."""
    n = sum(histogram.values())
    if n == 0:
        return None
    position = Decimal(str(p)) * (n - 1)
    low = int(position)
    high = low + (1 if position > low else 0)
    values = {}
    seen = 0
    for value in sorted(histogram):
        for k in (low, high):
            if k not in values and k < seen + histogram[value]:
                values[k] = value
        seen += histogram[value]
    result = values[low] + (values[high] - values[low]) * (position - low)
    return Decimal(result).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _months(filters: Filters) -> list[datetime.date]:
    months, month = [], filters.start.replace(day=1)
    while month <= filters.end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def compute(scope: Scope, filters: Filters) -> PanelFigures:
    ids = list(scope.partnership_ids)
    # 1: when the rollups were refreshed
    state = RollupState.objects.filter(partnership_id__in=ids).aggregate(
        oldest=Min("refreshed_at"), refreshed=Count("refreshed_at")
    )
    # 2: the counts by month and phase
    rows = (
        ReferralMonth.objects.filter(_rows_filter(scope, filters), month__gte=filters.start.replace(day=1))
        .filter(month__lte=filters.end)
        .values("month", "phase")
        .annotate(**{name: Sum(name) for name in COUNTS})
        .order_by()
    )
    by_month: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    by_phase: dict = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    total = dict.fromkeys(COUNTS, 0)
    for row in rows:
        for name in COUNTS:
            by_month[row["month"]][name] += row[name]
            by_phase[row["phase"]][name] += row[name]
            total[name] += row[name]
    # 3: THRIVE, reasons and the waits histogram, summed in the database
    where, params = _where(scope, filters)
    thrive, reasons, waits = {}, {}, {}
    with connection.cursor() as cursor:
        cursor.execute(MAPS_SQL.replace("{where}", where), params * 3)
        for kind, key, n in cursor.fetchall():
            if kind == "thrive":
                thrive[key] = int(n)
            elif kind == "reason":
                reasons[key] = int(n)
            else:
                waits[int(key)] = int(n)
    # 4: open referrals by RAG, now
    open_rows = (
        ReferralOpen.objects.filter(_rows_filter(scope, filters))
        .values("rag")
        .annotate(referrals=Sum("referrals"), urgent=Sum("urgent"))
        .order_by()
    )
    open_by_rag = {row["rag"]: (row["referrals"], row["urgent"]) for row in open_rows}
    # 5: the wording of the reasons
    labels = dict(DEFAULT_REASONS)
    labels.update(
        NotAcceptedReason.objects.filter(spa__partnership_id__in=ids).order_by("-spa_id").values_list("code", "label")
    )
    labels[""] = NO_REASON

    tables = (
        _by_month(filters, by_month, total),
        _by_phase(by_phase, total),
        _outcomes(total),
        _reasons(reasons, labels),
        _thrive(thrive),
        _waiting_times(waits),
        _open(open_by_rag),
        _breaches(open_by_rag, waits),
    )
    notes = ()
    if state["refreshed"] < len(ids):
        notes = ("Some of these figures have not been worked out yet: they will appear within a few minutes.",)
    return PanelFigures(tables=tables, refreshed_at=state["oldest"], notes=notes)


def _by_month(filters, by_month, total) -> Table:
    return Table(
        key="referrals-by-month",
        title="Referrals by month",
        columns=("Month", "Referrals", "Urgent"),
        rows=tuple(
            Row(f"{month:%B %Y}", (People(by_month[month]["referrals"]), People(by_month[month]["urgent"])))
            for month in _months(filters)
        ),
        total=Row("Total", (People(total["referrals"]), People(total["urgent"]))),
        description="Referrals submitted to the single point of access each month (drafts are not counted).",
        chart=Chart(ChartKind.BAR, series=(1,), unit="referrals"),
    )


def _by_phase(by_phase, total) -> Table:
    return Table(
        key="referrals-by-phase",
        title="Referrals by school phase",
        columns=("School phase", "Referrals", "Urgent"),
        rows=tuple(
            Row(phase, (People(by_phase[phase]["referrals"]), People(by_phase[phase]["urgent"])))
            for phase in sorted(by_phase, key=phase_key)
        ),
        total=Row("Total", (People(total["referrals"]), People(total["urgent"]))),
        description="Referrals submitted in the period by the phase of the referring school.",
        chart=Chart(ChartKind.HBAR, series=(1,), unit="referrals"),
    )


def _outcomes(total) -> Table:
    decided = total["accepted"] + total["signposted"] + total["not_accepted"]
    outcomes = (("Accepted", total["accepted"]), ("Signposted", total["signposted"]))
    outcomes += (("Not accepted", total["not_accepted"]),)
    return Table(
        key="referral-outcomes",
        title="Triage outcomes",
        columns=("Outcome", "Referrals", "Share of decided referrals"),
        rows=tuple(Row(label, (People(n), Percent(n, decided))) for label, n in outcomes),
        total=Row("Decided", (People(decided), Percent(decided, decided))),
        description=(
            "Referrals submitted in the period that triage has decided: accepted (including those since "
            "seen or closed), signposted elsewhere, or not accepted. Referrals still in triage are not counted."
        ),
    )


def _reasons(reasons, labels) -> Table:
    ordered = sorted(reasons.items(), key=lambda item: (-item[1], labels.get(item[0], item[0])))
    return Table(
        key="reasons-not-accepted",
        title="Reasons referrals were not accepted",
        columns=("Reason", "Referrals"),
        rows=tuple(Row(labels.get(code, code), (People(n),)) for code, n in ordered),
        total=Row("Total not accepted", (People(sum(reasons.values())),)),
        description="Referrals submitted in the period that were not accepted, by the reason recorded.",
        chart=Chart(ChartKind.HBAR, series=(1,), unit="referrals"),
    )


def _thrive(thrive) -> Table:
    accepted = sum(thrive.values())
    return Table(
        key="thrive-mix",
        title="THRIVE groupings of accepted referrals",
        columns=("THRIVE grouping", "Referrals", "Share of accepted referrals"),
        rows=tuple(
            Row(label, (People(thrive.get(code, 0)), Percent(thrive.get(code, 0), accepted)))
            for code, label in Thrive.choices
        ),
        total=Row("Total accepted", (People(accepted), Percent(accepted, accepted))),
        description="Referrals submitted in the period and accepted, by the THRIVE grouping given at triage.",
        chart=Chart(ChartKind.HBAR, series=(1,), unit="referrals"),
    )


def _waiting_times(waits) -> Table:
    seen = sum(waits.values())
    within = sum(n for days, n in waits.items() if days <= STANDARD_DAYS)
    return Table(
        key="waiting-times",
        title="Days from referral to first contact",
        columns=("Measure", "Value"),
        rows=(
            Row("Referrals seen", (People(seen),)),
            Row("Median days to first contact", (Statistic(percentile(waits, 0.5), seen, "days"),)),
            Row("90th percentile days to first contact", (Statistic(percentile(waits, 0.9), seen, "days"),)),
            Row("Seen within four weeks (28 days)", (Percent(within, seen),)),
        ),
        description=(
            "Referrals submitted in the period that have had a first contact: calendar days from the day "
            "of submission to the day of first contact (waits of a year or more count as 365 days)."
        ),
    )


def _open(open_by_rag) -> Table:
    rows = tuple(Row(RAG_LABELS[rag], tuple(People(n) for n in open_by_rag.get(rag.value, (0, 0)))) for rag in Clock)
    referrals = sum(n for n, _ in open_by_rag.values())
    urgent = sum(u for _, u in open_by_rag.values())
    return Table(
        key="open-by-rag",
        title="Open referrals by time waited",
        columns=("Time waited so far", "Open referrals", "Urgent"),
        rows=rows,
        total=Row("Total open", (People(referrals), People(urgent))),
        description=(
            "Referrals still waiting for a first contact now (submitted, in triage, with a question to the "
            "school, or accepted), by days waited since submission. The standard is 28 days."
        ),
        chart=Chart(ChartKind.HBAR, series=(1,), unit="referrals"),
    )


def _breaches(open_by_rag, waits) -> Table:
    breached_now = open_by_rag.get(Clock.BREACHED.value, (0, 0))[0]
    seen_late = sum(n for days, n in waits.items() if days > STANDARD_DAYS)
    return Table(
        key="breaches",
        title="Breaches of the four-week standard",
        columns=("Breach", "Referrals"),
        rows=(
            Row("Open referrals waiting more than 28 days now", (People(breached_now),)),
            Row("Referrals in the period first seen after more than 28 days", (People(seen_late),)),
        ),
        description="The four-week standard: first contact within 28 days of the referral.",
    )
