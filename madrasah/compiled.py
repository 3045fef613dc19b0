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
"""

from __future__ import annotations

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


def _compile(queryset: QuerySet) -> QuerySet | None:
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
    return queryset


def evaluate(key: Hashable, build: Callable[[], QuerySet], *, using: str = DEFAULT_DB_ALIAS) -> list:
    """The rows of `build()` (a queryset on the `using` database), its SQL compiled once per
    connection and `key`."""
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
    return [] if compiled is None else list(compiled._chain())
