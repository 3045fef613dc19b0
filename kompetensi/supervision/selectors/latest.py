"""Each teacher's latest final result: the observation every aggregation of supervision results
reads (results.py), chosen by one rule."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.db import connection
from django.db.models import F, Q, QuerySet, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from ...models import Observation, ObservationState


def latest_final_observations(
    *, madrasah_id: int, semester_ids: Sequence[int], subject_group: str = "", per_semester: bool = False
) -> QuerySet[Observation]:
    """Each teacher's latest FINAL observation per instrument within the semesters (one per pair; one
    per pair and semester with `per_semester`): latest `finalised_at`, then `observed_on`, then id.
    `subject_group` keeps only observations whose row's subject is of that group (Subject.group)
    before choosing the latest."""
    if not semester_ids:
        return Observation.objects.none()
    sql, params = _latest_final_sql(madrasah_id, tuple(semester_ids), subject_group, per_semester)
    # The rule as SQL, compiled once per process and arguments: Django compiles a nested queryset anew
    # inside every query that embeds it, and this ranking in a subquery costs more to compile than to
    # run (the dashboard embeds it three times). The SQL is Django's own, with bound parameters, and
    # self-contained (its own FROM and aliases), so it nests anywhere. The madrasah and semesters
    # again outside it (`narrowed`): PostgreSQL cannot tell how few rows the rule keeps, and would
    # read every observation of a district to match them against the few.
    return Observation.objects.filter(narrowed(madrasah_id, semester_ids), pk__in=RawSQL(sql, params))  # noqa: S611  # nosec B611


def narrowed(madrasah_id: int, semester_ids: Sequence[int], prefix: str = "") -> Q:
    """The madrasah and semesters `latest_final_observations` chooses from, as a condition on an
    observation (at `prefix`) that the database can use its indexes for."""
    return Q(**{f"{prefix}madrasah_id": madrasah_id, f"{prefix}row__programme__semester_id__in": list(semester_ids)})


@functools.lru_cache(maxsize=256)
def _latest_final_sql(
    madrasah_id: int, semester_ids: tuple[int, ...], subject_group: str, per_semester: bool
) -> tuple[str, tuple]:
    candidates = Observation.objects.filter(
        madrasah_id=madrasah_id, row__programme__semester_id__in=semester_ids, state=ObservationState.FINAL
    )
    if subject_group:
        candidates = candidates.filter(row__subject__group=subject_group)
    # Ranked in one pass over the candidates (a window), not by a subquery per candidate.
    partition = [F("teacher_id"), F("instrument_version__instrument_id")]
    if per_semester:
        partition.append(F("row__programme__semester_id"))
    rank = Window(
        RowNumber(),
        partition_by=partition,
        order_by=[F("finalised_at").desc(nulls_last=True), F("observed_on").desc(nulls_last=True), F("pk").desc()],
    )
    latest = candidates.annotate(rank=rank).filter(rank=1).order_by().values("pk")
    sql, params = latest.query.sql_with_params()
    if connection.vendor == "postgresql":
        # Computed once, as an array (an InitPlan), not matched again for every row that meets it:
        # PostgreSQL cannot tell how few rows the rule keeps and would otherwise test it per row.
        sql = f"SELECT unnest(ARRAY({sql}))"
    return sql, tuple(params)
