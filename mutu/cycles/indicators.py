"""Measuring a cycle's indicator from the product's own data, over the periods a cycle knows: its
own, the one before (the baseline) and the one after (where "continue" opens the next cycle).

The numbers come from the metric functions of the kompetensi selectors (supervision, appraisal, pkb);
this module only maps a period onto their arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from kompetensi.appraisal.selectors.figures import metric_pkg_predikat_share
from kompetensi.instruments.rules import Measure
from kompetensi.models import InstrumentKind, PredikatBand
from kompetensi.pkb.selectors import metric_pkb_average_jp, metric_pkb_pns_reached
from kompetensi.supervision.selectors.results import (
    metric_follow_ups_on_time,
    metric_instrument_average,
    metric_instrument_predikat_share,
    metric_rows_on_time,
)
from madrasah.models import AcademicYear, Madrasah, Semester, Subject, period_name

from ..models import Cycle
from .rules import K, Period, semester_label


def _semester_period(semester: Semester) -> Period:
    return Period(
        label=semester_label(semester),
        start_year=semester.academic_year.start_year,
        academic_year_id=semester.academic_year_id,
        semester_id=semester.pk,
        semester_ids=(semester.pk,),
        start_date=semester.start_date,
        end_date=semester.end_date,
        semester_kind=semester.kind,
    )


def _year_period(*, madrasah_id: int, start_year: int) -> Period:
    """The academic year `start_year` with all its semesters. The year need not be recorded (PKB
    entries are placed by date); without it there are no semesters and no PKG."""
    year = AcademicYear.objects.filter(madrasah_id=madrasah_id, start_year=start_year).first()
    semester_ids = (
        tuple(Semester.objects.filter(academic_year=year).order_by("start_date").values_list("pk", flat=True))
        if year
        else ()
    )
    return Period(
        label=period_name(start_year),
        start_year=start_year,
        academic_year_id=year.pk if year else None,
        semester_id=None,
        semester_ids=semester_ids,
        start_date=dt.date(start_year, 7, 1),
        end_date=dt.date(start_year + 1, 6, 30),
    )


def cycle_period(cycle: Cycle) -> Period:
    if cycle.semester_id:
        return _semester_period(cycle.semester)
    return _year_period(madrasah_id=cycle.madrasah_id, start_year=cycle.academic_year.start_year)


def previous_period(cycle: Cycle) -> Period | None:
    """The period before the cycle's: the previous semester (by start date) or the previous
    academic year. None when the madrasah has no earlier semester."""
    if cycle.semester_id:
        semester = (
            Semester.objects.filter(madrasah_id=cycle.madrasah_id, start_date__lt=cycle.semester.start_date)
            .select_related("academic_year")
            .order_by("-start_date")
            .first()
        )
        return _semester_period(semester) if semester else None
    return _year_period(madrasah_id=cycle.madrasah_id, start_year=cycle.academic_year.start_year - 1)


def next_period_rows(cycle: Cycle) -> tuple[AcademicYear, Semester | None] | None:
    """The recorded period after the cycle's, as (academic year, semester or None for a year cycle);
    None when the madrasah has not recorded it yet."""
    if cycle.semester_id:
        semester = (
            Semester.objects.filter(madrasah_id=cycle.madrasah_id, start_date__gt=cycle.semester.start_date)
            .select_related("academic_year")
            .order_by("start_date")
            .first()
        )
        return (semester.academic_year, semester) if semester else None
    year = AcademicYear.objects.filter(
        madrasah_id=cycle.madrasah_id, start_year=cycle.academic_year.start_year + 1
    ).first()
    return (year, None) if year else None


def predikat_labels(*, madrasah: Madrasah, instrument_id: int | None = None, pkg: bool = False) -> list[str]:
    """The band labels a share may name: those of the instrument's versions, or of the madrasah's
    PKG instruments."""
    bands = PredikatBand.objects.filter(version__instrument__madrasah=madrasah)
    if pkg:
        bands = bands.filter(version__instrument__kind=InstrumentKind.PKG)
    else:
        bands = bands.filter(version__instrument_id=instrument_id)
    labels = bands.order_by("-lower_bound").values_list("label", flat=True)
    return list(dict.fromkeys(labels))


def subject_groups() -> list[str]:
    return sorted({g for g in Subject.objects.values_list("group", flat=True) if g})


def _no_data():
    return Measure(value=None, n=0, total=None)


def _instrument_average(cycle: Cycle, period: Period, now: dt.datetime):
    return metric_instrument_average(
        madrasah=cycle.madrasah,
        semester_ids=list(period.semester_ids),
        instrument_id=cycle.instrument_id,
        section_title=cycle.section_title,
        competency_id=cycle.competency_id,
        subject_group=cycle.subject_group,
    )


def _instrument_predikat(cycle: Cycle, period: Period, now: dt.datetime):
    return metric_instrument_predikat_share(
        madrasah=cycle.madrasah,
        semester_ids=list(period.semester_ids),
        instrument_id=cycle.instrument_id,
        predikat=cycle.predikat,
        subject_group=cycle.subject_group,
    )


def _pkg_predikat(cycle: Cycle, period: Period, now: dt.datetime):
    if period.academic_year_id is None:
        return _no_data()
    return metric_pkg_predikat_share(
        madrasah=cycle.madrasah, academic_year_id=period.academic_year_id, predikat=cycle.predikat
    )


def _rows_on_time(cycle: Cycle, period: Period, now: dt.datetime):
    return metric_rows_on_time(madrasah=cycle.madrasah, semester_ids=list(period.semester_ids), now=now)


def _follow_ups_on_time(cycle: Cycle, period: Period, now: dt.datetime):
    return metric_follow_ups_on_time(
        madrasah=cycle.madrasah, semester_ids=list(period.semester_ids), today=timezone.localdate(now)
    )


def _pkb_average_jp(cycle: Cycle, period: Period, now: dt.datetime):
    return metric_pkb_average_jp(madrasah=cycle.madrasah, start_year=period.start_year)


def _pkb_pns_reached(cycle: Cycle, period: Period, now: dt.datetime):
    return metric_pkb_pns_reached(madrasah=cycle.madrasah, start_year=period.start_year)


# Each kind → how it is measured, and whether it counts within semesters (a period without any
# recorded semester has no data for those). A manual indicator is entered, never measured.
MEASURERS: dict[str, tuple[Callable, bool]] = {
    K.INSTRUMENT_AVERAGE: (_instrument_average, True),
    K.INSTRUMENT_PREDIKAT: (_instrument_predikat, True),
    K.PKG_PREDIKAT: (_pkg_predikat, False),
    K.ROWS_ON_TIME: (_rows_on_time, True),
    K.FOLLOW_UPS_ON_TIME: (_follow_ups_on_time, True),
    K.PKB_AVERAGE_JP: (_pkb_average_jp, False),
    K.PKB_PNS_REACHED: (_pkb_pns_reached, False),
}


def measure_indicator(*, cycle: Cycle, period: Period, now: dt.datetime | None = None):
    """The cycle's indicator over `period`, from the product's own data (a `kompetensi.instruments.rules.
    Measure`: value None = "belum ada data"). Semester → that semester's id; year → the ids of all
    its semesters; PKB → the academic start year; PKG → the academic year id. A manual indicator is
    never measured here."""
    measurer, per_semester = MEASURERS.get(cycle.indicator, (None, False))
    if measurer is None or (per_semester and not period.semester_ids):
        return _no_data()
    return measurer(cycle, period, now or timezone.now())
