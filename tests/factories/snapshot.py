"""A world that is slow to build (a seeded demo) is built once per test process and written again,
row for row with the same keys, into each test that asks for it.

`replay(key, build)` runs `build()` the first time inside a savepoint it rolls back, keeping the rows
it inserted (every table, the many-to-many ones too), and then inserts those rows with plain SQL:
each test meets exactly the rows the build writes, in its own transaction, for a fraction of the
cost. A build that changes or deletes a row it did not insert cannot be replayed and fails loudly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class _Table:
    model: type
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


_SNAPSHOTS: dict[object, tuple[tuple[_Table, ...], object]] = {}


def _models() -> list[type]:
    seen, models = set(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        models.append(model)
    return models


def _rows(cursor, model) -> tuple[tuple[str, ...], dict[object, tuple]]:
    meta = model._meta
    columns = tuple(field.column for field in meta.concrete_fields)
    quote = connection.ops.quote_name
    cursor.execute(f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(meta.db_table)}")  # noqa: S608
    pk_index = columns.index(meta.pk.column)
    return columns, {row[pk_index]: tuple(row) for row in cursor.fetchall()}


def _capture(build: Callable[[], object]) -> tuple[tuple[_Table, ...], object]:
    models = _models()
    with connection.cursor() as cursor:
        before = {model: _rows(cursor, model)[1] for model in models}
    with transaction.atomic():
        result = build()
        tables = []
        with connection.cursor() as cursor:
            for model in models:
                columns, after = _rows(cursor, model)
                old = before[model]
                changed = [pk for pk, row in old.items() if after.get(pk) != row]
                if changed:
                    raise AssertionError(
                        f"{model._meta.label}: the build changed or deleted rows it did not insert ({changed[:5]}), "
                        "so it cannot be replayed; build it in each test instead."
                    )
                new = tuple(row for pk, row in after.items() if pk not in old)
                if new:
                    tables.append(_Table(model=model, name=model._meta.db_table, columns=columns, rows=new))
        transaction.set_rollback(True)
    return tuple(tables), result


def _fingerprint(models: list[type]) -> tuple:
    """The rows already there, by count and highest key: the built rows point at them by key."""
    quote = connection.ops.quote_name

    def highest(model) -> str:
        pk = model._meta.pk
        # PostgreSQL has no MAX of a UUID, and UNION wants one type in each column.
        integer = pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField", "IntegerField")
        return f"CAST(MAX({quote(pk.column)}) AS TEXT)" if integer else "CAST(NULL AS TEXT)"

    parts = [f"SELECT {i}, COUNT(*), {highest(m)} FROM {quote(m._meta.db_table)}" for i, m in enumerate(models)]  # noqa: S608
    with connection.cursor() as cursor:
        union = " UNION ALL ".join(f"SELECT * FROM ({part}) AS t{i}" for i, part in enumerate(parts))  # noqa: S608
        cursor.execute(union)
        # Sorted here: PostgreSQL may run the parts of a UNION in parallel and answer in any order.
        return tuple(sorted(tuple(row) for row in cursor.fetchall()))


def replay(key: object, build: Callable[[], object]) -> object:
    """Write the rows of `build()` into the current transaction, built the first time `key` is asked
    for on a database holding the same rows as now (the same test set-up before it). Returns what
    that `build()` returned (plain data: model instances would be the first test's)."""
    full_key = (key, _fingerprint(_models()))
    first = full_key not in _SNAPSHOTS
    if first:
        _SNAPSHOTS[full_key] = _capture(build)
    tables, result = _SNAPSHOTS[full_key]
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            columns = ", ".join(quote(c) for c in table.columns)
            marks = ", ".join(["%s"] * len(table.columns))
            # SQLite reads a time column back as `datetime.time` but takes no such parameter: its text, then.
            rows = [tuple(v.isoformat() if isinstance(v, dt.time) else v for v in row) for row in table.rows]
            cursor.executemany(f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({marks})", rows)  # noqa: S608
        # PostgreSQL's sequences do not follow explicit keys: the test's own rows get the next free ones.
        for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables]):
            cursor.execute(sql)
        if first:  # the values read back are the values written (types that survive the round trip)
            for table in tables:
                written = _rows(cursor, table.model)[1]
                pk_index = table.columns.index(table.model._meta.pk.column)
                differ = [row[pk_index] for row in table.rows if written.get(row[pk_index]) != row]
                assert not differ, f"{table.name}: the replayed rows {differ[:5]} differ from the built ones"
    return result
