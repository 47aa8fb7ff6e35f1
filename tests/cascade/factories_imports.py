"""Helpers for the CASCADE import tests: CSV files built from rows, and counts of what exists."""

from cascade.models import Cohort, DomainScore, ScoringTable, Workshop
from partnership.models import AuditEvent

from .factories import DOMAIN_CODES as CODES

HEADER = "partnership,cohort,round,table,domain,score"


def csv_file(*lines: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\n".join([header, *lines]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def table_rows(slug: str, cohort: str, round_: int, table: str, scores, *, extra: str = "") -> list[str]:
    """Seven rows, one per domain in framework order, for one table."""
    return [
        f"{slug},{cohort},{round_},{table},{code},{score}{extra}" for code, score in zip(CODES, scores, strict=True)
    ]


def counts() -> tuple:
    return (
        Cohort.objects.count(),
        Workshop.objects.count(),
        ScoringTable.objects.count(),
        DomainScore.objects.count(),
        AuditEvent.objects.count(),
        list(DomainScore.objects.order_by("pk").values_list("score", "evidence")),
    )
