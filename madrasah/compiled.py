"""Queries compiled once per database connection, for the few aggregations a page runs on every
request whose SQL costs more to compile than to run (the principal's dashboard).

Django builds and compiles a queryset anew on every evaluation; for a query of several joins,
aggregates and subqueries that is milliseconds of Python, while the database answers in a fraction
of that. `evaluate(key, build)` builds and compiles `build()` the first time a connection sees `key`,
keeps the compiled statement (SQL, bound parameters, and how to read its columns back), and from then
on only runs it: the rows come back exactly as the queryset would return them (model instances,
dicts or tuples, with Django's converters applied).

The contract, as for `functools.lru_cache`: `key` determines the query. Everything `build` reads —
ids, dates, lists taken from the data — is in `key`; nothing else (not `now`, not the request).
Only the result is handed out, never the queryset: a compiled statement does not nest in another query.
The cache belongs to the connection object, so to one thread; it holds at most `SIZE` statements.

One exception to "everything in `key`": a moment that changes on every request (`now`, today's
date) is built with a `Late` placeholder value and handed to `evaluate(…, late={placeholder:
value})`; each run swaps the placeholder's bound parameter for the value (as the database adapter
writes it), so the SQL stays compiled while the moment moves. A placeholder must be a value the
query could never hold otherwise (`late_moment()`, `late_day()`).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

SIZE = 256
ATTRIBUTE = "_compiled_statements"


def _statements(alias: str) -> OrderedDict:
    connection = connections[alias]
    statements = getattr(connection, ATTRIBUTE, None)
    if statements is None:
        statements = OrderedDict()
        setattr(connection, ATTRIBUTE, statements)
    return statements


# Placeholders for late-bound moments: a second of 1901 that no record of the product holds.
LATE_MOMENT = dt.datetime(1901, 1, 1, 0, 0, 1, tzinfo=dt.UTC)
LATE_DAY = dt.date(1901, 1, 2)


def late_moment() -> dt.datetime:
    return LATE_MOMENT


def late_day() -> dt.date:
    return LATE_DAY


def _adapted(connection, value):
    """`value` as the backend binds it (SQLite: a string; PostgreSQL: the value itself)."""
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _compile(queryset: QuerySet) -> tuple[QuerySet, object, str, tuple] | None:
    """`queryset` with its compiler compiled and pinned; None when it can match nothing."""
    compiler = queryset.query.get_compiler(queryset.db)
    try:
        sql, params = compiler.as_sql()  # also sets what reading the rows needs (select, converters…)
    except EmptyResultSet:
        return None
    if not sql:
        return None
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    # A clone of the query copies its attributes: every clone runs through this compiler.
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return queryset, compiler, sql, tuple(params)


def _bind(connection, params: tuple, late: dict) -> tuple:
    swaps = {}
    for placeholder, value in late.items():
        swaps[_adapted(connection, placeholder)] = _adapted(connection, value)
        swaps[placeholder] = value
    found = [swaps.get(p, p) if isinstance(p, str | dt.date) else p for p in params]
    if not any(isinstance(p, str | dt.date) and p in swaps for p in params):
        raise ValueError("a late-bound placeholder is not among the query's parameters")
    return tuple(found)


def evaluate(
    key: Hashable, build: Callable[[], QuerySet], *, using: str = DEFAULT_DB_ALIAS, late: dict | None = None
) -> list:
    """The rows of `build()` (a queryset on the `using` database), its SQL compiled once per
    connection and `key`; `late` swaps placeholders (`late_moment()`, `late_day()`) for this run's
    values."""
    statements = _statements(using)
    if key in statements:
        statements.move_to_end(key)
        compiled = statements[key]
    else:
        queryset = build()
        if queryset.db != using:
            raise ValueError(f"the query reads {queryset.db!r}, not {using!r}")
        compiled = statements[key] = _compile(queryset)
        if len(statements) > SIZE:
            statements.popitem(last=False)
    if compiled is None:
        return []
    queryset, compiler, sql, params = compiled
    if late:
        bound = _bind(connections[using], params, late)
        compiler.as_sql = lambda *args, **kwargs: (sql, bound)
    return list(queryset._chain())
