"""Check of a quality cycle: measure the indicator over the cycle's own period from the product's
data ("Ukur sekarang"), or enter a manual indicator's value with its evidence (docs/domain.md §11).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.formatting import format_decimal_id
from madrasah.models import User
from madrasah.workflow import clean_text, record_event

from ...models import Cycle, CycleEvent, Measurement, Stage
from .. import indicators, rules
from ..rules import Period, quantized
from .common import checked_upload, lock_open_cycle, save_with_file


def _store_measurement(
    cycle: Cycle, user: User, *, value, n: int, total, period: Period, now: dt.datetime, note="", upload=None
) -> Measurement:
    # `met` from the unrounded value (docs/domain.md §8: never round before comparing); stored rounded.
    gap, met = rules.gap_and_met(value=value, target=cycle.target, direction=cycle.direction)
    measurement = Measurement(
        cycle=cycle,
        measured_at=now,
        measured_by=user,
        period_start_year=period.start_year,
        period_semester=period.semester_kind,
        value=quantized(value),
        n=n or 0,
        total=quantized(total),
        target=cycle.target,
        met=met,
        gap=quantized(gap),
        note=note,
    )
    extension = checked_upload(upload, field="evidence") if upload else None
    save_with_file(measurement, "evidence", upload, extension)
    unit = rules.indicator_unit(cycle)
    record_event(
        CycleEvent,
        cycle,
        actor=user,
        action="measured",
        changes=[{"what": "measurement", "from": None, "to": rules.shown(measurement.value, unit)}],
        note=measurement.period_label,
    )
    return measurement


def _check_stage(cycle: Cycle) -> None:
    if cycle.stage != Stage.CHECK:
        raise ApplicationError(_("The indicator is measured in the Check stage."))


@transaction.atomic
def cycle_measure(*, cycle: Cycle, user: User, now: dt.datetime | None = None) -> Measurement:
    """Measure now ("Ukur sekarang"): the indicator over the cycle's own period, from the product's
    data, stored with its n, sum, the target, whether it is met and the gap (positive = better than
    the target). No data gives a measurement without value ("belum ada data"), never 0. Writes the
    measurement and an event; a retry measures again (a new row, as measuring twice does)."""
    lock_open_cycle(cycle)
    _check_stage(cycle)
    if rules.indicator_spec(cycle.indicator).manual:
        raise ApplicationError(_("A manual indicator is entered with its evidence, not measured."))
    now = now or timezone.now()
    period = indicators.cycle_period(cycle)
    measure = indicators.measure_indicator(cycle=cycle, period=period, now=now)
    return _store_measurement(
        cycle, user, value=measure.value, n=measure.n, total=measure.total, period=period, now=now
    )


@transaction.atomic
def cycle_measure_manual(
    *, cycle: Cycle, user: User, value, note: str = "", upload=None, now: dt.datetime | None = None
) -> Measurement:
    """Check of a manual indicator: a value in its range with evidence (a file, a note, or both)."""
    lock_open_cycle(cycle)
    _check_stage(cycle)
    spec = rules.indicator_spec(cycle.indicator)
    if not spec.manual:
        raise ApplicationError(_("This indicator is measured from the madrasah's own data: use Measure now."))
    if value is None or value == "":
        raise ApplicationError(_("Enter the measured value."), field="value")
    try:
        value = Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ApplicationError(_("Enter the measured value as a number."), field="value") from None
    if not value.is_finite() or value < 0 or value > spec.maximum:
        raise ApplicationError(
            _("The value must be between 0 and %(max)s.") % {"max": format_decimal_id(spec.maximum)}, field="value"
        )
    note = clean_text(note, field="note")
    if not note and not upload:
        raise ApplicationError(_("Give the evidence of the value: a file, a note, or both."), field="note")
    period = indicators.cycle_period(cycle)
    return _store_measurement(
        cycle,
        user,
        value=value,
        n=0,
        total=None,
        period=period,
        now=now or timezone.now(),
        note=note,
        upload=upload,
    )
