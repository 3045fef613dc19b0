"""Writes of the entrepreneurship log (PMA 58/2017: developing entrepreneurship is one of the Kepala's
formal duties; docs/domain.md §11: the madrasah's own income is one of the non-BOS funding sources).

An entry records what happened: a business unit, a date no later than today, what was done, and its
income and expense in Rupiah (never negative). Every service validates first and writes nothing on a
refusal; errors name the form field they belong to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah, User

from ..models import BusinessActivity
from .rules import MAX_RUPIAH

EARLIEST_DATE = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class BusinessData:
    date: dt.date | None
    unit: str
    description: str
    income: Decimal | None
    expense: Decimal | None


def _money(value: Decimal | None, *, field: str, negative_message: str) -> Decimal:
    if value is None:
        return Decimal(0)
    if not value.is_finite():
        raise ApplicationError(_("Enter an amount in Rupiah."), field=field)
    if value < 0:
        raise ApplicationError(negative_message, field=field)
    if value > MAX_RUPIAH:
        raise ApplicationError(_("The amount is too large."), field=field)
    return value.quantize(Decimal("0.01"))


def _clean(data: BusinessData) -> dict:
    """The validated values to store. Unit names keep one spelling per unit: surrounding and repeated
    spaces are removed, so "Koperasi  siswa " and "Koperasi siswa" are one unit in the totals."""
    unit = " ".join((data.unit or "").split())
    description = " ".join((data.description or "").split())
    if data.date is None:
        raise ApplicationError(_("Enter the date of the activity."), field="date")
    if data.date > timezone.localdate():
        raise ApplicationError(_("The date cannot be in the future: record what has happened."), field="date")
    if data.date < EARLIEST_DATE:
        raise ApplicationError(_("The date is too far in the past."), field="date")
    if not unit:
        raise ApplicationError(_("Enter the business unit."), field="unit")
    if not description:
        raise ApplicationError(_("Describe the activity."), field="description")
    return {
        "date": data.date,
        "unit": unit,
        "description": description,
        "income": _money(data.income, field="income", negative_message=_("Income cannot be negative.")),
        "expense": _money(data.expense, field="expense", negative_message=_("Expense cannot be negative.")),
    }


@transaction.atomic
def business_activity_create(*, madrasah: Madrasah, user: User, data: BusinessData) -> BusinessActivity:
    """Record one business activity of `madrasah`. Writes one row; nothing on a refusal. A retry
    records it twice."""
    values = _clean(data)
    return BusinessActivity.objects.create(madrasah=madrasah, recorded_by=user, **values)


@transaction.atomic
def business_activity_update(*, entry: BusinessActivity, user: User, data: BusinessData) -> BusinessActivity:
    """Change an entry (the recorder stays the one who first wrote it). Writes one row; nothing on a
    refusal. Safe to retry."""
    values = _clean(data)
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(values))
    return entry


@transaction.atomic
def business_activity_delete(*, entry: BusinessActivity, user: User) -> None:
    """Delete an entry. Safe to retry (deleting a deleted entry changes nothing)."""
    BusinessActivity.objects.filter(pk=entry.pk, madrasah_id=entry.madrasah_id).delete()
