"""PKB reads: a teacher's log and yearly totals, the verification queue, the madrasah's recap, the
in-house activities and the figures the dashboard and the quality cycle count (verified entries of one
academic year, July–June, placed by their start date). Every function takes the madrasah or the
teacher explicitly."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from kompetensi.instruments.rules import Measure
from madrasah import compiled
from madrasah.models import EmploymentStatus, Madrasah, Staff, TeacherType, User

from ..models import InHouseActivity, PkbActivity, PkbKind, PkbStatus
from .rules import (
    PNS_MINIMUM_JP,
    academic_year_bounds,
    academic_year_name,
    current_academic_start_year,
    pkb_target,
)


def _start_year_expression():
    """The academic start year of an entry's start date, computed in SQL (for grouping by year)."""
    return Case(
        When(start_date__month__gte=7, then=ExtractYear("start_date")),
        default=ExtractYear("start_date") - 1,
        output_field=IntegerField(),
    )


# --- the log ------------------------------------------------------------------------------------------


def pkb_totals(*, teacher: Staff, year: int) -> dict:
    """JP of `teacher`'s VERIFIED entries starting in academic year `year` (July–June), per kind and
    in total (one query), with the target: at least 20 JP for PNS, at most 24 JP for PPPK."""
    start, end = academic_year_bounds(year)
    rows = dict(
        PkbActivity.objects.filter(teacher=teacher, status=PkbStatus.VERIFIED, start_date__range=(start, end))
        .order_by()
        .values("kind")
        .annotate(jp=Sum("jp"))
        .values_list("kind", "jp")
    )
    by_kind = [{"kind": kind, "label": label, "jp": rows.get(kind, 0)} for kind, label in PkbKind.choices]
    total = sum(rows.values())
    target = pkb_target(teacher=teacher)
    minimum, cap = target["minimum"], target["cap"]
    return {
        "year": year,
        "year_name": academic_year_name(year),
        "by_kind": by_kind,
        "total": total,
        "minimum": minimum,
        "cap": cap,
        "percent": min(100, round(total * 100 / minimum)) if minimum else None,
        "reached": bool(minimum) and total >= minimum,
        "over_cap": bool(cap) and total > cap,
    }


def pkb_activities_of_teacher(*, teacher: Staff) -> QuerySet[PkbActivity]:
    """All entries of `teacher`, newest first, each with `academic_start_year` for grouping by year."""
    return (
        PkbActivity.objects.filter(teacher=teacher)
        .select_related("in_house")
        .annotate(academic_start_year=_start_year_expression())
        .order_by("-academic_start_year", "-start_date", "-pk")
    )


def pkb_years_of_teacher(*, teacher: Staff) -> list[int]:
    years = set(
        PkbActivity.objects.filter(teacher=teacher)
        .annotate(y=_start_year_expression())
        .order_by()
        .values_list("y", flat=True)
        .distinct()
    )
    years.add(current_academic_start_year())
    return sorted(years, reverse=True)


def pkb_queue(*, madrasah: Madrasah, user: User | None = None) -> QuerySet[PkbActivity]:
    """Entries waiting for verification, oldest first; the verifier's own entries are left out."""
    queue = PkbActivity.objects.filter(madrasah=madrasah, status=PkbStatus.SUBMITTED).select_related("teacher")
    if user is not None:
        queue = queue.exclude(teacher__membership__user=user)
    return queue.order_by("created_at", "pk")


def _verified_in_year(year: int) -> tuple[Q, Q]:
    start, end = academic_year_bounds(year)
    in_year = Q(pkb_activities__start_date__range=(start, end))
    return in_year, in_year & Q(pkb_activities__status=PkbStatus.VERIFIED)


def pkb_teacher_totals(*, madrasah: Madrasah, year: int) -> QuerySet[Staff]:
    """Every active teacher with the JP of their verified entries in academic year `year` (`jp_total`):
    what `pkb_recap` adds its per-kind columns to, and what the aggregates count over."""
    _in_year, verified = _verified_in_year(year)
    return (
        Staff.objects.teachers()
        .active()
        .filter(madrasah=madrasah)
        .annotate(jp_total=Coalesce(Sum("pkb_activities__jp", filter=verified), Value(0)))
    )


def pkb_recap(*, madrasah: Madrasah, year: int) -> QuerySet[Staff]:
    """`pkb_teacher_totals` per kind as well (`jp_<kind>`), with how many entries wait (`waiting`), by
    name: one query."""
    in_year, verified = _verified_in_year(year)
    per_kind = {
        f"jp_{kind}": Coalesce(Sum("pkb_activities__jp", filter=verified & Q(pkb_activities__kind=kind)), Value(0))
        for kind in PkbKind.values
    }
    return (
        pkb_teacher_totals(madrasah=madrasah, year=year)
        .annotate(
            **per_kind,
            waiting=Count("pkb_activities", filter=in_year & Q(pkb_activities__status=PkbStatus.SUBMITTED)),
        )
        .order_by("name", "pk")
    )


def pkb_recap_rows(*, madrasah: Madrasah, year: int) -> list[dict]:
    """`pkb_recap` shaped for the table: per-kind JP in PkbKind order, and the teacher's target."""
    rows = []
    for staff in pkb_recap(madrasah=madrasah, year=year):
        target = pkb_target(teacher=staff)
        rows.append(
            {
                "staff": staff,
                "kinds": [getattr(staff, f"jp_{kind}") for kind in PkbKind.values],
                "total": staff.jp_total,
                "waiting": staff.waiting,
                "minimum": target["minimum"],
                "cap": target["cap"],
                "below_minimum": bool(target["minimum"]) and staff.jp_total < target["minimum"],
                "over_cap": bool(target["cap"]) and staff.jp_total > target["cap"],
            }
        )
    return rows


# --- in-house activities --------------------------------------------------------------------------


def in_house_list(*, madrasah: Madrasah) -> QuerySet[InHouseActivity]:
    return (
        InHouseActivity.objects.filter(madrasah=madrasah)
        .annotate(attendee_count=Count("attendees", distinct=True))
        .order_by("-start_date", "-pk")
    )


def in_house_attendance(*, activity: InHouseActivity) -> QuerySet[Staff]:
    return activity.attendees.order_by("name", "pk")


def in_house_attendee_ids(*, activity: InHouseActivity) -> list[int]:
    return list(activity.attendees.values_list("pk", flat=True))


def in_house_candidates(*, madrasah: Madrasah, activity: InHouseActivity | None = None) -> QuerySet[Staff]:
    """Active teachers, plus the activity's current attendees even if no longer active."""
    query = Q(is_active=True) & ~Q(teacher_type=TeacherType.NONE)
    if activity is not None:
        query |= Q(in_house_activities=activity)
    return Staff.objects.filter(query, madrasah=madrasah).distinct().order_by("name", "pk")


# --- the dashboard's and the quality cycle's figures ---------------------------------------------------


@dataclass(frozen=True)
class PkbCounts:
    total_jp: int = 0
    teachers: int = 0  # active teachers
    pns: int = 0
    pns_reached: int = 0

    @property
    def average_jp(self) -> Measure:
        return Measure.average(self.total_jp, self.teachers)

    @property
    def pns_reached_share(self) -> Measure:
        return Measure.share(self.pns_reached, self.pns)


def pkb_counts(*, madrasah: Madrasah, start_year: int) -> PkbCounts:
    """Verified JP of academic year `start_year` over the active teachers (as the recap counts them),
    and the civil servants reaching the yearly minimum: one query of a row per teacher, compiled once
    per connection, madrasah and year (`madrasah.compiled`), counted here."""

    def build() -> QuerySet:
        return (
            pkb_teacher_totals(madrasah=madrasah, year=start_year)
            .order_by()
            .values_list("jp_total", "employment_status")
        )

    rows = compiled.evaluate(("pkb_counts", madrasah.pk, start_year), build)
    civil_servant = set(EmploymentStatus.civil_servant())
    pns = [jp for jp, status in rows if status in civil_servant]
    return PkbCounts(
        total_jp=sum(jp for jp, _status in rows),
        teachers=len(rows),
        pns=len(pns),
        pns_reached=sum(1 for jp in pns if jp >= PNS_MINIMUM_JP),
    )


def metric_pkb_average_jp(*, madrasah: Madrasah, start_year: int) -> Measure:
    """Mean verified PKB JP per active teacher in academic year `start_year`. One query."""
    return pkb_counts(madrasah=madrasah, start_year=start_year).average_jp


def metric_pkb_pns_reached(*, madrasah: Madrasah, start_year: int) -> Measure:
    """Share of active civil-servant teachers with at least the yearly minimum of verified JP. One query."""
    return pkb_counts(madrasah=madrasah, start_year=start_year).pns_reached_share
