"""`pkb`: the professional development recap of an academic year (rekap PKB), every active teacher's
verified JP per kind and in total against their target — at least 20 JP for civil servants (PNS; PP
11/2017 as amended by PP 17/2020), at most 24 JP for PPPK — and the entries still waiting for
verification. The rows are the PKB recap page's (`kompetensi.pkb.pkb_recap_rows`); the totals are
summed in SQL over the same query. Landscape, and as .xlsx.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from kompetensi.models import PkbActivity, PkbKind, PkbStatus
from kompetensi.pkb.rules import PNS_MINIMUM_JP, PPPK_CAP_JP, academic_year_bounds
from kompetensi.pkb.selectors import pkb_recap, pkb_recap_rows
from madrasah.identifiers import IDENTIFIER_HEADING, identifier_cell_text
from madrasah.models import EmploymentStatus, Madrasah, Staff
from madrasah.workbooks import workbook_bytes, workbook_text

from ...dashboard.rules import write_table
from ..rules import DocumentKind, PeriodKind, document


@dataclass(frozen=True)
class PkbTotals:
    teachers: int
    total_jp: int
    waiting: int
    pns: int
    pns_reached: int
    pppk: int
    pppk_over_cap: int


def pkb_totals_of_year(*, madrasah: Madrasah, year: int) -> PkbTotals:
    pns = Q(employment_status__in=EmploymentStatus.civil_servant())
    pppk = Q(employment_status__in=EmploymentStatus.pppk())
    recap = pkb_recap(madrasah=madrasah, year=year)
    found = recap.aggregate(
        teachers=Count("pk"),
        total=Sum("jp_total"),
        pns=Count("pk", filter=pns),
        pns_reached=Count("pk", filter=pns & Q(jp_total__gte=PNS_MINIMUM_JP)),
        pppk=Count("pk", filter=pppk),
        pppk_over=Count("pk", filter=pppk & Q(jp_total__gt=PPPK_CAP_JP)),
    )
    # Counted on its own: Django drops an annotation that only an outer Sum() reads from the subquery
    # it aggregates over (SQLite then sums a string literal, PostgreSQL fails).
    start, end = academic_year_bounds(year)
    waiting = PkbActivity.objects.filter(
        teacher__in=Staff.objects.teachers().active().filter(madrasah=madrasah),  # pkb_recap's teachers
        status=PkbStatus.SUBMITTED,
        start_date__range=(start, end),
    ).count()
    return PkbTotals(
        teachers=found["teachers"],
        total_jp=found["total"] or 0,
        waiting=waiting,
        pns=found["pns"],
        pns_reached=found["pns_reached"],
        pppk=found["pppk"],
        pppk_over_cap=found["pppk_over"],
    )


def pkb_context(*, madrasah: Madrasah, period, teacher=None) -> dict:
    year = period.academic_year.start_year
    totals = pkb_totals_of_year(madrasah=madrasah, year=year)
    empty = not totals.total_jp and not totals.waiting
    return {
        "year_name": period.academic_year.name,
        "kinds": [str(label) for label in PkbKind.labels],
        "rows": []
        if empty
        else [
            {**row, "target": target_text(row), "state": state_text(row)}
            for row in pkb_recap_rows(madrasah=madrasah, year=year)
        ],
        "totals": totals,
        "minimum": PNS_MINIMUM_JP,
        "cap": PPPK_CAP_JP,
        "empty": empty,
    }


def target_text(row: dict) -> str:
    if row["minimum"]:
        return f"≥ {row['minimum']}"
    if row["cap"]:
        return f"≤ {row['cap']}"
    return ""


def state_text(row: dict) -> str:
    if row["below_minimum"]:
        return _("Below the minimum")
    if row["over_cap"]:
        return _("Above the cap")
    if row["minimum"]:
        return _("Reached")
    return ""


def pkb_xlsx(*, context: dict, madrasah: Madrasah | None = None, **_kwargs) -> bytes:
    """The recap as a workbook: one sheet, numbers as numbers, the same rows as the PDF."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("PKB recap")[:31]
    heading = _("Professional development (PKB) recap") + f" {context['year_name']}"
    if madrasah is not None:
        heading = f"{madrasah.name} — {heading}"
    sheet.cell(row=1, column=1, value=workbook_text(heading)).font = Font(bold=True)
    header = ["No", _("Name"), IDENTIFIER_HEADING, _("Employment status"), *context["kinds"]]
    header += [_("Total JP"), _("Target JP"), _("Remarks"), _("Waiting for verification")]
    rows = [
        [
            index,
            row["staff"].full_name,
            identifier_cell_text(row["staff"].identifier),
            row["staff"].get_employment_status_display(),
        ]
        + [*row["kinds"], row["total"], row["target"], row["state"], row["waiting"]]
        for index, row in enumerate(context["rows"], start=1)
    ]
    write_table(sheet, header=header, rows=rows, first_row=3)
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 24
    return workbook_bytes(workbook)


PKB = document(
    DocumentKind(
        code="pkb",
        label=gettext_lazy("Professional development (PKB) recap"),
        period=PeriodKind.YEAR,
        template="laporan/pdf/pkb.html",
        context=pkb_context,
        landscape=True,
        numbered=False,
        xlsx=pkb_xlsx,
    )
)
