"""Official document numbers (docs/domain.md §12 "Documents the principal expects"; KMA 9/2016).

Shape: security code – sequence / unit code / archive classification code / month / year, e.g.
`B-123/Mts.13.28.03/PP.00.4/11/2026`. The sequence runs per madrasah and per calendar year.

Concurrency: the sequence row is locked (`select_for_update`, a row lock on PostgreSQL; SQLite takes
its write lock when the transaction begins, `transaction_mode = IMMEDIATE`) and incremented in the same
transaction that records the issued number; `DocumentNumber`'s unique constraint is the database's
last word, so two builders can never print the same number.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from madrasah.errors import ApplicationError
from madrasah.models import Madrasah

from .models import DocumentNumber, DocumentSequence, Report

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


def document_number_issue(
    *,
    madrasah: Madrasah,
    kind: str,
    classification_code: str = "",
    security_code: str = DEFAULT_SECURITY_CODE,
    report: Report | None = None,
    on: dt.date | None = None,
) -> DocumentNumber:
    """Take the next number of `madrasah`'s sequence for the year of `on` (today) and record it.

    Writes one DocumentSequence increment and one DocumentNumber row, atomically. Not idempotent: every
    call issues a new number (callers keep the number on their document and ask only once).
    """
    unit_code = (madrasah.unit_code or "").strip()
    classification = (classification_code or madrasah.classification_code or "").strip()
    if not unit_code:
        raise ApplicationError(_("Fill in the unit code for document numbers in the madrasah profile first."))
    if not classification:
        raise ApplicationError(_("Fill in the archive classification code in the madrasah profile first."))
    on = on or timezone.localdate()
    DocumentSequence.objects.get_or_create(madrasah=madrasah, year=on.year)
    with transaction.atomic():
        sequence = DocumentSequence.objects.select_for_update().get(madrasah=madrasah, year=on.year)
        DocumentSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
        sequence.refresh_from_db(fields=["last"])
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
