"""Official document numbers (docs/domain.md §12 "Documents the principal expects"; KMA 9/2016).

Shape: security code – sequence / unit code / archive classification code / month / year, e.g.
`B-123/Mts.13.28.03/PP.00.4/11/2026`. The sequence runs per madrasah and per calendar year.

Concurrency: the sequence row is locked (`select_for_update`, a row lock on PostgreSQL; SQLite takes
its write lock when the transaction begins, `transaction_mode = IMMEDIATE`) and incremented in the same
transaction that records the issued number; `DocumentNumber`'s unique constraint is the database's
last word, so two builders can never print the same number.

A report takes its number once (`report_number_take`, in the transaction that writes it on the row)
and keeps it: a retry after a failed build, or a rebuild, prints the same number. The number register
(`number_register`) lists every number of a year in sequence: issued (a document carrying it was
built), waiting for its report's retry, or "batal" — given up (its report is gone before a document was
built, or the sequence has no row for it) — so no number is ever silently skipped.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import DecreeNumbering, Madrasah

from ...models import DocumentNumber, DocumentSequence, Report

# Biasa, Rahasia, Sangat Rahasia: reports on teachers are ordinary official letters.
SECURITY_CODES = ("B", "R", "SR")
DEFAULT_SECURITY_CODE = "B"


def format_document_number(
    *, security_code: str, sequence: int, unit_code: str, classification_code: str, month: int, year: int
) -> str:
    """`B-123/Mts.13.28.03/PP.00.4/11/2026`: pure, no database."""
    if security_code not in SECURITY_CODES:
        raise ValueError(f"unknown security code {security_code!r}")
    if sequence < 1 or not 1 <= month <= 12:
        raise ValueError("sequence must be positive and month 1-12")
    return f"{security_code}-{sequence}/{unit_code.strip()}/{classification_code.strip()}/{month:02d}/{year}"


def format_decree_number(*, sequence: int, year: int) -> str:
    """`12 Tahun 2026`, printed "NOMOR 12 TAHUN 2026" in a decree's heading and "Nomor 12 Tahun 2026"
    when another decree refers to it (docs/domain.md, "Decrees and their amendments"): pure."""
    if sequence < 1:
        raise ValueError("sequence must be positive")
    return f"{sequence} Tahun {year}"


def document_number_issue(
    *,
    madrasah: Madrasah,
    kind: str,
    classification_code: str = "",
    security_code: str = DEFAULT_SECURITY_CODE,
    report: Report | None = None,
    on: dt.date | None = None,
    decree: bool = False,
) -> DocumentNumber:
    """Take the next number of `madrasah`'s sequence for the year of `on` (today) and record it.

    Writes one DocumentSequence increment and one DocumentNumber row, atomically. Not idempotent: every
    call issues a new number (callers keep the number on their document and ask only once). A decree
    (`decree=True`) is written in the madrasah's decree style (`Madrasah.decree_numbering`): the
    agenda number like a letter, or "12 Tahun 2026" — one sequence either way, so the agenda book
    (the register) has every outgoing document once.
    """
    unit_code = (madrasah.unit_code or "").strip()
    classification = (classification_code or madrasah.classification_code or "").strip()
    if not unit_code:
        raise ApplicationError(_("Fill in the unit code for document numbers in the madrasah profile first."))
    if not classification:
        raise ApplicationError(_("Fill in the archive classification code in the madrasah profile first."))
    on = on or timezone.localdate()
    DocumentSequence.objects.get_or_create(madrasah=madrasah, year=on.year)
    # Letters numbered by hand before the product came: its numbers of that year start after them.
    already_used = madrasah.numbering_first(on.year) - 1
    with transaction.atomic():
        sequence = DocumentSequence.objects.select_for_update().get(madrasah=madrasah, year=on.year)
        DocumentSequence.objects.filter(pk=sequence.pk).update(last=Greatest(F("last"), already_used) + 1)
        sequence.refresh_from_db(fields=["last"])
        if decree and madrasah.decree_numbering == DecreeNumbering.NUMBER_YEAR:
            number = format_decree_number(sequence=sequence.last, year=on.year)
        else:
            number = format_document_number(
                security_code=security_code,
                sequence=sequence.last,
                unit_code=unit_code,
                classification_code=classification,
                month=on.month,
                year=on.year,
            )
        return DocumentNumber.objects.create(
            madrasah=madrasah, year=on.year, sequence=sequence.last, number=number, kind=kind, report=report
        )


def report_number_take(*, report: Report, classification_code: str = "") -> str:
    """The number of `report`: the one it already carries, else the next of the sequence.

    The row is locked and the number issued and written on it in one transaction, so two builders of
    the same row (a redelivered message) never take two numbers. Safe to repeat: it returns the
    number the row has.
    """
    with transaction.atomic():
        current = Report.objects.select_for_update().values_list("number", flat=True).get(pk=report.pk)
        if current:
            return current
        issued = document_number_issue(
            madrasah=report.madrasah, kind=report.kind, classification_code=classification_code, report=report
        )
        Report.objects.filter(pk=report.pk).update(number=issued.number)
        return issued.number


def report_number_built(*, report: Report) -> None:
    """Record that a document carrying the report's number was built (the first time counts)."""
    if report.number:
        DocumentNumber.objects.filter(report=report, number=report.number, built_at__isnull=True).update(
            built_at=timezone.now()
        )
