"""madrasah.compiled: a query compiled once per connection and key still answers with today's data,
exactly as the queryset would, in one query per evaluation; a query that can match nothing runs none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from madrasah import compiled
from madrasah.models import Semester, Staff
from tests.factories.madrasah import SemesterFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_statements():
    """Each test starts without compiled statements (ids are reused between tests)."""
    connections["default"].__dict__.pop(compiled.ATTRIBUTE, None)
    yield
    connections["default"].__dict__.pop(compiled.ATTRIBUTE, None)


def semesters_of(madrasah_id: int):
    return Semester.objects.filter(madrasah_id=madrasah_id).select_related("academic_year").order_by("start_date")


def test_rows_follow_the_data_after_the_first_compilation(madrasah):
    year = Semester.objects.get(madrasah=madrasah).academic_year  # the fixture's ganjil semester
    builds = []

    def build():
        builds.append(1)
        return semesters_of(madrasah.pk)

    first = compiled.evaluate(("semesters", madrasah.pk), build)
    SemesterFactory(
        academic_year=year,
        kind="genap",
        start_date=dt.date(year.start_year + 1, 1, 1),
        end_date=dt.date(year.start_year + 1, 6, 30),
        is_active=False,
    )
    with CaptureQueriesContext(connection) as queries:
        second = compiled.evaluate(("semesters", madrasah.pk), build)

    assert [s.kind for s in first] == ["ganjil"]
    assert [s.kind for s in second] == ["ganjil", "genap"]  # the new row, not a cached result
    assert second == list(semesters_of(madrasah.pk))
    assert second[1].academic_year == year  # select_related read back into instances
    assert len(builds) == 1 and len(queries) == 1  # built once, then only run


def test_values_and_aggregates_come_back_as_the_queryset_gives_them(madrasah, other_madrasah):
    for i in range(3):
        StaffFactory(madrasah=madrasah, name=f"Guru {i}")
    StaffFactory(madrasah=other_madrasah, name="Guru lain")

    def build(madrasah_id):
        return lambda: Staff.objects.filter(madrasah_id=madrasah_id).values("madrasah_id").annotate(n=Count("pk"))

    ours = compiled.evaluate(("staff", madrasah.pk), build(madrasah.pk))
    theirs = compiled.evaluate(("staff", other_madrasah.pk), build(other_madrasah.pk))

    assert ours == [{"madrasah_id": madrasah.pk, "n": 3}]  # each key its own statement
    assert theirs == [{"madrasah_id": other_madrasah.pk, "n": 1}]


def test_a_query_that_can_match_nothing_runs_no_sql(madrasah):
    with CaptureQueriesContext(connection) as queries:
        rows = compiled.evaluate(("none",), lambda: Staff.objects.filter(pk__in=[]))
        again = compiled.evaluate(("none",), lambda: Staff.objects.filter(pk__in=[]))
    assert rows == again == []
    assert len(queries) == 0


def test_the_oldest_statements_make_room(madrasah, monkeypatch):
    monkeypatch.setattr(compiled, "SIZE", 2)
    for key in ("a", "b", "c"):
        compiled.evaluate((key,), lambda: semesters_of(madrasah.pk))
    assert list(connections["default"].__dict__[compiled.ATTRIBUTE]) == [("b",), ("c",)]


def test_a_late_bound_moment_moves_while_the_query_stays_compiled(madrasah):
    semester = Semester.objects.get(madrasah=madrasah)
    builds = []

    def build():
        builds.append(1)
        return Semester.objects.filter(madrasah_id=madrasah.pk, start_date__lte=compiled.late_day()).values_list(
            "pk", flat=True
        )

    def started_by(day):
        return compiled.evaluate(("started", madrasah.pk), build, late={compiled.late_day(): day})

    assert started_by(semester.start_date - dt.timedelta(days=1)) == []
    assert started_by(semester.start_date) == [semester.pk]
    assert len(builds) == 1


def test_a_placeholder_missing_from_the_query_is_refused(madrasah):
    with pytest.raises(ValueError, match="placeholder"):
        compiled.evaluate(
            ("no-placeholder", madrasah.pk),
            lambda: semesters_of(madrasah.pk),
            late={compiled.late_day(): dt.date.today()},
        )
