"""`pkg`: one teacher's PKG forms of an academic year — the summary (competency percentages and 1–4
scores, total, Nilai PKG, predikat) and the evidence sheets per competency (indicator scores, notes,
evidence) — with the teacher's, the assessor's and the Kepala's signatures. The content is the print
pages' own (`kompetensi.appraisal.selectors.printing.appraisal_print_context`), through the PDF base.

PKG results are private to the teacher, the assessor and the Kepala (docs/domain.md §7), so the Kepala reads
this document (and the teacher their own). An appraisal still in progress prints no scores: its
forms are printed once the assessor has submitted it, as on the print pages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kompetensi.appraisal.selectors.printing import appraisal_print_context
from kompetensi.models import Appraisal, AppraisalStage
from madrasah.models import Madrasah, Role, Staff

from ..rules import DocumentKind, PeriodKind, document
from ._shared import person_of

# The keys of the print pages' context that the PDF takes (`paper`, `madrasah` and `signed_on` are the
# office context's own).
PRINTED = ("appraisal", "sheets", "complete", "maximum", "nilai", "teacher", "assessor", "kepala", "bands", "pkkm")


def appraisal_of_year(*, madrasah: Madrasah, teacher: Staff, academic_year) -> Appraisal | None:
    return (
        Appraisal.objects.filter(madrasah=madrasah, teacher=teacher, period__academic_year=academic_year)
        .select_related("period__academic_year", "teacher", "assessor", "instrument_version__instrument", "madrasah")
        .first()
    )


def pkg_context(*, madrasah: Madrasah, period, teacher: Staff | None = None) -> dict:
    if teacher is None:
        raise ValueError("the PKG forms need a teacher")
    appraisal = appraisal_of_year(madrasah=madrasah, teacher=teacher, academic_year=period.academic_year)
    if appraisal is None:
        return {"empty": True, "in_progress": False, "person": person_of(teacher)}
    if appraisal.stage == AppraisalStage.IN_PROGRESS:
        return {"empty": True, "in_progress": True, "person": person_of(teacher)}
    printed = appraisal_print_context(appraisal)
    return {
        **{key: printed[key] for key in PRINTED},
        "appraisal_signed_on": printed["signed_on"],
        "person": person_of(teacher),
        "empty": False,
        "in_progress": False,
    }


PKG = document(
    DocumentKind(
        code="pkg",
        label=gettext_lazy("PKG forms"),
        period=PeriodKind.YEAR,
        template="laporan/pdf/pkg.html",
        context=pkg_context,
        per_teacher=True,
        readers=(Role.KEPALA,),
        numbered=False,
    )
)
