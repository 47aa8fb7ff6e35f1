"""The partnership governance panel of the dashboard (issue 7 item 1).

The position today of each partnership in the scope, with the governance pages' own definitions:

- Actions by RAG: every action on the action log, with the one RAG rule
  (`partnership.models.actions.rag_for`, in SQL as `ActionQuerySet.with_rag`): Complete when
  complete or cancelled; otherwise Red when past its due date (overdue), Amber when due within 14
  days or flagged at risk, else Green. Overdue actions (the Red ones) are also counted by how long
  they have been overdue: 1 to 30 days, 31 to 90 days, more than 90 days.
- Risks by rating: risks not closed, by the rating of their score (`rating_for`: Low 1-3,
  Moderate 4-6, High 8-12, Extreme 15-25), open and proposed (seeded, not yet kept or removed)
  apart; a review is overdue when the risk is not closed and its review date has passed
  (`services.risks.review_overdue`).
- Lead contacts: the current leads of the partnership's active member organisations, by kind; a
  lead is stale when it has not been confirmed within its partnership's
  `lead_confirmation_months` (`services.leads.stale_filter`). Leads of members that have left or
  lapsed are not counted (they are not asked to confirm either).
- Reviews: signed memoranda of understanding (`services.mous`) and the published terms of
  reference of active groups (`services.groups`). A review is overdue once its review date has
  passed, and due when it falls within the next 30 days (`services.notifications.review_window`,
  the reminders' rule). "Next review" is the earliest review date from today on; "Most overdue"
  the earliest date already passed.
- Above one partnership, a table per partnership sets the main figures side by side.

Cells: actions, risks, lead contacts, documents and partnerships are `Number`s (none is a count
of children); RAGs and ratings are written in words as row labels, dates are `Text`. Governance
is the position today across the partnership: the period, phase and school filters do not apply
(the notes say so).

Query discipline: six queries whatever the scope and however many actions, risks, leads or
documents (each grouped in the database by partnership), never one per partnership.
"""

import datetime
from collections import defaultdict

from django.db.models import Case, CharField, Count, Min, Q, Value, When
from django.utils import timezone

from .figures import Chart, ChartKind, Filters, Number, PanelFigures, Row, Scope, Table, Text
from .models import (
    Action,
    LeadContact,
    Mou,
    Partnership,
    PartnershipOrganisation,
    Rag,
    Risk,
    RiskRating,
    TermsOfReference,
)
from .models.risks import rating_for
from .services.leads import stale_filter
from .services.notifications import REVIEW_NOTICE_DAYS

NOTE = "Governance figures are the position today: the period, phase and school filters do not apply to them."
RAG_LABELS = {
    Rag.RED: "Red: overdue",
    Rag.AMBER: "Amber: due within 14 days or flagged at risk",
    Rag.GREEN: "Green: on track",
    Rag.COMPLETE: "Complete or cancelled",
}
#: (label, fewest days overdue, most days overdue or None)
OVERDUE_BANDS = (
    ("1 to 30 days overdue", 1, 30),
    ("31 to 90 days overdue", 31, 90),
    ("More than 90 days overdue", 91, None),
)
RATINGS = (RiskRating.EXTREME, RiskRating.HIGH, RiskRating.MODERATE, RiskRating.LOW)
NONE_DUE = "None"


def _date(value: datetime.date | None) -> Text:
    return Text(f"{value:%-d %B %Y}" if value else NONE_DUE)


def _earliest(*dates):
    present = [d for d in dates if d is not None]
    return min(present) if present else None


# --- reading, grouped by partnership -------------------------------------------------------------


def _actions(ids, today) -> tuple[dict, dict]:
    """({partnership: {rag: n}}, {partnership: {overdue band: n}}): one query."""
    bands = [
        When(
            Q(due_date__lte=today - datetime.timedelta(days=low))
            & (Q() if high is None else Q(due_date__gte=today - datetime.timedelta(days=high))),
            then=Value(label),
        )
        for label, low, high in OVERDUE_BANDS
    ]
    rows = (
        Action.objects.filter(partnership_id__in=ids)
        .with_rag(today)
        .annotate(band=Case(*bands, default=Value(""), output_field=CharField()))
        .values("partnership_id", "rag", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_rag, overdue = defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int))
    for row in rows:
        by_rag[row["partnership_id"]][row["rag"]] += row["n"]
        if row["rag"] == Rag.RED:
            overdue[row["partnership_id"]][row["band"]] += row["n"]
    return by_rag, overdue


def _risks(ids, today) -> dict:
    """{partnership: {(rating, status): [risks, reviews overdue]}} for risks not closed: one query."""
    rows = (
        Risk.objects.filter(partnership_id__in=ids)
        .exclude(status=Risk.Status.CLOSED)
        .values("partnership_id", "status", "score")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(review_date__lt=today)))
        .order_by()
    )
    found = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        cell = found[row["partnership_id"]][(rating_for(row["score"]), row["status"])]
        cell[0] += row["n"]
        cell[1] += row["overdue"]
    return found


def _stale_q(partnerships, now) -> Q:
    """Stale at `now`, each lead by its own partnership's confirmation period (services.leads.stale_filter):
    one condition per distinct period, not per partnership."""
    by_months = defaultdict(list)
    for partnership in partnerships:
        by_months[partnership.lead_confirmation_months].append(partnership)
    condition = Q(pk__in=[])
    for group in by_months.values():
        condition |= Q(member__partnership_id__in=[p.pk for p in group]) & stale_filter(group[0], now)
    return condition


def _leads(partnerships, now) -> dict:
    """{partnership: {kind: [current, stale]}} for active members' current leads: one query."""
    rows = (
        LeadContact.objects.current()
        .filter(
            member__partnership_id__in=[p.pk for p in partnerships],
            member__status=PartnershipOrganisation.Status.ACTIVE,
        )
        .values("member__partnership_id", "kind")
        .annotate(current=Count("pk"), stale=Count("pk", filter=_stale_q(partnerships, now)))
        .order_by()
    )
    found = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in rows:
        cell = found[row["member__partnership_id"]][row["kind"]]
        cell[0] += row["current"]
        cell[1] += row["stale"]
    return found


def _reviews(queryset, partnership_field: str, today) -> dict:
    """{partnership: {in_force, overdue, due, next, most_overdue}}: one query."""
    soon = today + datetime.timedelta(days=REVIEW_NOTICE_DAYS)
    rows = (
        queryset.values(partnership_field)
        .annotate(
            in_force=Count("pk"),
            overdue=Count("pk", filter=Q(review_date__lt=today)),
            due=Count("pk", filter=Q(review_date__gte=today, review_date__lte=soon)),
            next=Min("review_date", filter=Q(review_date__gte=today)),
            most_overdue=Min("review_date", filter=Q(review_date__lt=today)),
        )
        .order_by()
    )
    return {row[partnership_field]: row for row in rows}


# --- tables --------------------------------------------------------------------------------------


def _actions_table(by_rag, ids) -> Table:
    totals = {rag: sum(by_rag[pk][rag] for pk in ids) for rag in Rag}
    return Table(
        key="actions",
        title="Actions by RAG",
        columns=("RAG", "Actions"),
        rows=tuple(
            Row(RAG_LABELS[rag], (Number(totals[rag]),)) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)
        ),
        description=(
            "Every action on the action log by its RAG today: Red when past its due date, Amber when due within "
            "14 days or flagged at risk, Green otherwise, and those completed or cancelled."
        ),
        chart=Chart(ChartKind.HBAR, series=(1,), unit="actions"),
        total=Row("All actions", (Number(sum(totals.values())),)),
    )


def _overdue_table(overdue, ids) -> Table:
    totals = {label: sum(overdue[pk][label] for pk in ids) for label, _, _ in OVERDUE_BANDS}
    return Table(
        key="overdue",
        title="Overdue actions by how long they are overdue",
        columns=("How long overdue", "Actions"),
        rows=tuple(Row(label, (Number(n),)) for label, n in totals.items()),
        description="Open actions past their due date (Red), by the number of days since it.",
        chart=Chart(ChartKind.HBAR, series=(1,), unit="actions"),
        total=Row("All overdue actions", (Number(sum(totals.values())),)),
    )


def _risks_table(risks, ids) -> Table:
    def cells(ratings):
        found = [risks[pk][(rating, status)] for pk in ids for rating in ratings for status in Risk.Status]
        open_ = sum(risks[pk][(r, Risk.Status.OPEN)][0] for pk in ids for r in ratings)
        proposed = sum(risks[pk][(r, Risk.Status.PROPOSED)][0] for pk in ids for r in ratings)
        return (Number(open_), Number(proposed), Number(sum(cell[1] for cell in found)))

    return Table(
        key="risks",
        title="Risks by rating",
        columns=("Rating", "Open risks", "Proposed risks", "Reviews overdue"),
        rows=tuple(Row(rating.label, cells([rating])) for rating in RATINGS),
        description=(
            "Risks on the register that are not closed, by the rating of likelihood times impact (Low 1 to 3, "
            "Moderate 4 to 6, High 8 to 12, Extreme 15 to 25); proposed risks are seeded ones not yet kept or "
            "removed. A review is overdue when its review date has passed."
        ),
        chart=Chart(ChartKind.GROUPED, series=(1, 2), unit="risks"),
        total=Row("All risks not closed", cells(RATINGS)),
    )


def _leads_table(leads, ids) -> Table:
    def cells(kinds):
        current = sum(leads[pk][kind][0] for pk in ids for kind in kinds)
        stale = sum(leads[pk][kind][1] for pk in ids for kind in kinds)
        return (Number(current), Number(stale))

    return Table(
        key="leads",
        title="Lead contacts not confirmed recently (stale)",
        columns=("Kind of lead", "Current leads", "Stale leads"),
        rows=tuple(Row(kind.label, cells([kind])) for kind in LeadContact.Kind),
        description=(
            "Member organisations' current named leads, and those not confirmed within the partnership's "
            "confirmation period (4 months unless the partnership set another)."
        ),
        chart=Chart(ChartKind.GROUPED, series=(1, 2), unit="leads"),
        total=Row("All lead contacts", cells(list(LeadContact.Kind))),
    )


def _review_cells(found: dict, ids) -> tuple:
    rows = [found[pk] for pk in ids if pk in found]
    return (
        Number(sum(r["in_force"] for r in rows)),
        Number(sum(r["overdue"] for r in rows)),
        Number(sum(r["due"] for r in rows)),
        _date(_earliest(*(r["next"] for r in rows))),
        _date(_earliest(*(r["most_overdue"] for r in rows))),
    )


def _reviews_table(mous, terms, ids) -> Table:
    return Table(
        key="reviews",
        title="Memorandum of understanding and terms of reference reviews",
        columns=("Document", "In force", "Review overdue", "Review due within 30 days", "Next review", "Most overdue"),
        rows=(
            Row("Memoranda of understanding (signed)", _review_cells(mous, ids)),
            Row("Terms of reference (published, active groups)", _review_cells(terms, ids)),
        ),
        description=(
            "Signed memoranda and published terms of reference, with reviews past their date, reviews due in the "
            "next 30 days, the next review date and the earliest review date already passed."
        ),
    )


def _partnerships_table(names, by_rag, risks, leads, mous, terms) -> Table:
    rows = []
    for pk, name in names:
        open_actions = sum(n for rag, n in by_rag[pk].items() if rag != Rag.COMPLETE)
        serious = sum(
            cell[0]
            for (rating, status), cell in risks[pk].items()
            if status == Risk.Status.OPEN and rating in RATINGS[:2]
        )
        stale = sum(cell[1] for cell in leads[pk].values())
        mou, tor = mous.get(pk, {}), terms.get(pk, {})
        rows.append(
            Row(
                name,
                (
                    Number(open_actions),
                    Number(by_rag[pk][Rag.RED]),
                    Number(serious),
                    Number(stale),
                    Number(mou.get("overdue", 0) + tor.get("overdue", 0)),
                    _date(_earliest(mou.get("next"), tor.get("next"))),
                ),
            )
        )
    return Table(
        key="partnerships",
        title="Governance by partnership",
        columns=(
            "Partnership",
            "Open actions",
            "Overdue actions",
            "Open risks rated High or Extreme",
            "Stale lead contacts",
            "Reviews overdue (MOU and terms of reference)",
            "Next review",
        ),
        rows=tuple(rows),
        description="Each partnership's main governance figures today, as defined in the tables above.",
    )


def compute(scope: Scope, filters: Filters, *, now: datetime.datetime | None = None) -> PanelFigures:
    now = now or timezone.now()
    today = timezone.localdate(now)
    partnerships = list(
        Partnership.objects.filter(pk__in=scope.partnership_ids)
        .only("pk", "name", "lead_confirmation_months")
        .order_by("name", "pk")
    )
    ids = [p.pk for p in partnerships]
    by_rag, overdue = _actions(ids, today)
    risks = _risks(ids, today)
    leads = _leads(partnerships, now)
    mous = _reviews(Mou.objects.filter(partnership_id__in=ids, status=Mou.Status.SIGNED), "partnership_id", today)
    terms = _reviews(
        TermsOfReference.objects.filter(
            group__partnership_id__in=ids, group__is_active=True, status=TermsOfReference.Status.PUBLISHED
        ),
        "group__partnership_id",
        today,
    )
    tables = [
        _actions_table(by_rag, ids),
        _overdue_table(overdue, ids),
        _risks_table(risks, ids),
        _leads_table(leads, ids),
        _reviews_table(mous, terms, ids),
    ]
    if len(ids) > 1:
        tables.append(_partnerships_table([(p.pk, p.name) for p in partnerships], by_rag, risks, leads, mous, terms))
    return PanelFigures(tables=tuple(tables), refreshed_at=None, notes=(NOTE,))
