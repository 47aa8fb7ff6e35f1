"""COPY-speed loading: reserve primary keys from a table's sequence in one step, then stream rows
into the table with psycopg's `COPY ... FROM STDIN` (`write_row`).

`Loader.copy(Model, columns, rows)` writes the named columns (attnames, e.g. "partnership_id") and
fills every other concrete column from the model: its constant default, `now` for auto_now(_add)
fields, NULL where the field allows it. So a row is complete even where Django, not the database,
holds the default (Django sets no database defaults here).
"""

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb


@dataclass
class Phase:
    name: str
    rows: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else float(self.rows)


@dataclass
class Loader:
    now: object = field(default_factory=timezone.now)
    phases: list[Phase] = field(default_factory=list)

    def reserve(self, model: type[models.Model], count: int) -> int:
        """The first of `count` consecutive new primary keys of `model` (the sequence moves past them)."""
        if count <= 0:
            return 0
        table = model._meta.db_table
        pk = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
                [table, pk, table, pk, count],
            )
            last = cursor.fetchone()[0]
        return last - count + 1

    def _filler(self, model, columns: Sequence[str]) -> tuple[list[str], tuple]:
        extra_columns, extra_values = [], []
        for f in model._meta.concrete_fields:
            if f.attname in columns or f.column in columns:
                continue
            if f.primary_key:
                raise ValueError(f"{model.__name__}: give the primary key ({f.attname}) explicitly")
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{f.attname} has no default: give it")
            if isinstance(f, models.JSONField):
                value = Jsonb(value)
            extra_columns.append(f.column)
            extra_values.append(value)
        return extra_columns, tuple(extra_values)

    def copy(self, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """COPY `rows` (tuples in the order of `columns`) into the model's table; returns the row count."""
        names = [model._meta.get_field(c).column if not c.endswith("_id") else c for c in columns]
        extra_columns, extra = self._filler(model, columns)
        sql = "COPY {} ({}) FROM STDIN".format(
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in [*names, *extra_columns]),
        )
        count = 0
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *extra) if extra else row)
                count += 1
        return count

    def copy_through(self, through: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        """COPY into a many-to-many table (its columns given by name, ids from its sequence)."""
        return self.copy(through, columns, rows)

    def timed(self, name: str, work) -> object:
        """Run `work()` (returning a row count, or (rows, result)) and record the phase's time."""
        started = time.perf_counter()
        outcome = work()
        rows, result = outcome if isinstance(outcome, tuple) else (outcome, None)
        self.phases.append(Phase(name, rows, time.perf_counter() - started))
        return result


def trust_keys_while_loading() -> bool:
    """For this transaction, skip the per-row foreign key triggers (`session_replication_role =
    replica`, as pg_restore --disable-triggers does) when the database user may: a superuser on a
    development or bench database. `verify_keys` then checks every key in one set-based query per
    foreign key before the transaction commits. Returns whether the triggers are skipped."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def verify_keys(tables: Iterable[type[models.Model]]) -> int:
    """Every foreign key of these tables points at a row (an anti-join per key; raises if one doesn't).
    Returns how many keys were checked."""
    checked = 0
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in tables:
            for f in model._meta.concrete_fields:
                if not f.is_relation or (not f.many_to_one and not f.one_to_one):
                    continue
                target = f.target_field
                cursor.execute(
                    f"SELECT COUNT(*) FROM {q(model._meta.db_table)} c WHERE c.{q(f.column)} IS NOT NULL "  # noqa: S608
                    f"AND NOT EXISTS (SELECT 1 FROM {q(target.model._meta.db_table)} p "
                    f"WHERE p.{q(target.column)} = c.{q(f.column)})"
                )
                missing = cursor.fetchone()[0]
                if missing:
                    raise ValueError(f"{missing} rows of {model._meta.db_table}.{f.column} point at no row")
                checked += 1
        cursor.execute("SET LOCAL session_replication_role = origin")
    return checked
