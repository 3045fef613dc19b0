"""Excel export of the funding view in RKAM terms: one row per cycle activity under its RKAM activity,
subtotals per RKAM activity, totals per funding source, the share depending on BOS and the business
income of the period. Every number is the one the page shows (both read `funding_summary`).

Amounts are written as numbers (whole Rupiah as integers) with a Rupiah number format, so the
workbook sums and filters like any spreadsheet.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from madrasah.workbooks import workbook_bytes, workbook_text

from ..models import ActivityStatus
from .selectors import NO_RKAM, FundingSummary

BOLD = Font(bold=True)
RUPIAH_FORMAT = '"Rp" #,##0'
RUPIAH_CENTS_FORMAT = '"Rp" #,##0.00'
PERCENT_FORMAT = "0.00"


def money_cell_value(value: Decimal) -> int | float:
    """Whole Rupiah as an int, else a float with two decimals (what the cell holds)."""
    return int(value) if value == value.to_integral_value() else float(value.quantize(Decimal("0.01")))


def _money(cell, value: Decimal, *, bold: bool = False) -> None:
    cell.value = money_cell_value(value)
    cell.number_format = RUPIAH_FORMAT if isinstance(cell.value, int) else RUPIAH_CENTS_FORMAT
    if bold:
        cell.font = BOLD


def _row(sheet, row: int, values: list, *, bold: bool = False) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        if isinstance(value, Decimal):
            _money(cell, value, bold=bold)
        else:
            # Labels of choices are lazy translations: openpyxl writes only plain values.
            cell.value = workbook_text(value if isinstance(value, str | int | float | dt.date | None) else str(value))
            if bold:
                cell.font = BOLD


def funding_workbook(*, summary: FundingSummary) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "RKAM"
    heading = _("Funding of quality cycles — %(madrasah)s — %(period)s") % {
        "madrasah": summary.madrasah.name,
        "period": summary.period.label,
    }
    _row(sheet, 1, [heading], bold=True)
    _row(sheet, 2, [_("Cancelled activities are left out of the planned totals; what was spent on them counts.")])

    row = 4
    _row(
        sheet,
        row,
        [
            _("RKAM activity"),
            _("Quality cycle"),
            _("Activity"),
            _("From"),
            _("Until"),
            _("Funding source"),
            _("Status"),
            _("Planned (Rp)"),
            _("Spent (Rp)"),
        ],
        bold=True,
    )
    for group in summary.rkam_groups:
        name = group.name if group.name != NO_RKAM else _("(no RKAM activity)")
        for activity in group.activities:
            row += 1
            status = activity.get_status_display()
            if activity.status == ActivityStatus.CANCELLED:
                status = _("%(status)s (not counted as planned)") % {"status": status}
            _row(
                sheet,
                row,
                [
                    name,
                    activity.cycle.title,
                    activity.what,
                    activity.start_date,
                    activity.end_date,
                    activity.get_funding_source_display(),
                    status,
                    activity.planned_cost,
                    activity.spent,
                ],
            )
            for column in (4, 5):
                sheet.cell(row=row, column=column).number_format = "DD/MM/YYYY"
        row += 1
        _row(sheet, row, [_("Subtotal: %(rkam)s") % {"rkam": name}, "", "", "", "", "", "", group.planned, group.spent])
        sheet.cell(row=row, column=1).font = BOLD
    if not summary.rkam_groups:
        row += 1
        _row(sheet, row, [_("no data yet")])

    row += 2
    _row(sheet, row, [_("Totals per funding source")], bold=True)
    row += 1
    _row(sheet, row, [_("Funding source"), _("Planned (Rp)"), _("Spent (Rp)")], bold=True)
    for source in summary.sources:
        row += 1
        _row(sheet, row, [source.label, source.planned, source.spent])
    row += 1
    _row(sheet, row, [_("Total"), summary.planned_total, summary.spent_total], bold=True)
    row += 1
    _row(sheet, row, [_("Share depending on BOS (percent)")], bold=True)
    share = sheet.cell(row=row, column=2)
    if summary.bos_share is None:
        share.value = str(_("no data yet"))
    else:
        share.value = float(summary.bos_share)
        share.number_format = PERCENT_FORMAT

    row += 2
    business = summary.business
    _row(sheet, row, [_("Business unit: income of the period and what cycles use")], bold=True)
    row += 1
    _row(sheet, row, [_("Income from the entrepreneurship log"), business.income])
    row += 1
    _row(sheet, row, [_("Expense from the entrepreneurship log"), business.expense])
    row += 1
    _row(sheet, row, [_("Net income"), business.net], bold=True)
    row += 1
    _row(sheet, row, [_("Planned from the business unit"), summary.business_source.planned])
    row += 1
    _row(sheet, row, [_("Spent from the business unit"), summary.business_source.spent])

    for column, width in enumerate((34, 30, 34, 12, 12, 24, 26, 18, 18), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A5"
    return workbook_bytes(workbook)
