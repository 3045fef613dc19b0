"""Every official document kind is registered with its period, paper and orientation, and a period
without data gives a document that says so ("belum ada data") instead of an error."""

from __future__ import annotations

from io import BytesIO

import pytest
import time_machine
from pypdf import PdfReader

from laporan.documents.rules import PeriodKind, document_kind, load_all
from laporan.documents.services.reports import report_build_now
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory
from tests.laporan.document_helpers import build, month_period, semester_period, year_period
from tests.laporan.document_world import NOW

# code: (period, per teacher, landscape, numbered)
KINDS = {
    "sk-tim": (PeriodKind.YEAR, False, False, False),
    "program": (PeriodKind.SEMESTER, False, False, False),
    "jadwal": (PeriodKind.SEMESTER, False, True, False),
    "pemberitahuan": (PeriodKind.SEMESTER, False, False, True),
    "lembar-kosong": (PeriodKind.SEMESTER, False, False, False),
    "lembar-isi": (PeriodKind.SEMESTER, True, False, False),
    "analisis": (PeriodKind.SEMESTER, False, True, False),
    "laporan-supervisi": (PeriodKind.SEMESTER, False, False, True),
    "iht": (PeriodKind.YEAR, False, False, False),
    "digest": (PeriodKind.MONTH, False, False, False),
    "pkb": (PeriodKind.YEAR, False, True, False),
    "pkg": (PeriodKind.YEAR, True, False, False),
    "pdca": (PeriodKind.YEAR, False, True, False),
}


def test_every_kind_is_registered_as_planned():
    registered = load_all()
    for code, (period, per_teacher, landscape, numbered) in KINDS.items():
        kind = registered[code]
        assert (kind.period, kind.per_teacher, kind.landscape, kind.numbered) == (
            period,
            per_teacher,
            landscape,
            numbered,
        ), code
    assert registered["pemberitahuan"].paper == "A4"  # a letter
    assert {code for code in KINDS if registered[code].paper} == {"pemberitahuan"}  # the others: F4 default
    assert registered["pkb"].xlsx is not None


@pytest.mark.parametrize("code", sorted(KINDS))
def test_a_period_without_data_says_so(code, madrasah):
    """The personas' madrasah with its empty active semester (no team, programme, results, PKB …)."""
    semester = madrasah.semesters.select_related("academic_year").get(is_active=True)
    kind = document_kind(code)
    period = {
        PeriodKind.SEMESTER: semester_period(semester),
        PeriodKind.YEAR: year_period(semester.academic_year),
        PeriodKind.MONTH: month_period(2026, 10),
    }[kind.period]
    teacher = StaffFactory(madrasah=madrasah, name="Guru Tanpa Data") if kind.per_teacher else None
    with time_machine.travel(NOW, tick=False):
        context, text, _pages = build(code, madrasah=madrasah, period=period, teacher=teacher)
    assert context["empty"] is True
    assert "belum ada data" in text.lower()


def test_the_notice_built_as_a_report_is_an_a4_letter_with_the_next_number(madrasah, kepala, waka, guru, media):
    supervision.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    with time_machine.travel(NOW, tick=False):
        report = report_build_now(
            madrasah=madrasah, kind=document_kind("pemberitahuan"), period_key="2026-2027-ganjil", user=kepala.user
        )
    assert report.number == "B-1/Mts.13.28.03/PP.00.4/11/2026"
    reader = PdfReader(BytesIO((media / report.file.name).read_bytes()))
    first = reader.pages[0]
    assert (round(float(first.mediabox.width) * 25.4 / 72), round(float(first.mediabox.height) * 25.4 / 72)) == (
        210,
        297,
    )
    assert report.number in first.extract_text()
