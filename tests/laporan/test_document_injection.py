"""CSS injection into the PDFs (issue 16, item 5): no text of the madrasah's reaches a style sheet.
Every document kind is built through the report build path with CSS escapes, `url()`, form feeds,
backslashes, quotes and `</style>` in every field that reaches a document (the madrasah profile and its
document number codes, the people's names and titles, the instrument, the team decree); each builds,
prints its number on every page, and shows the hostile text only as the text it is."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
import time_machine

from kompetensi.models import Instrument, SupervisionTeam
from laporan.documents.rules import PeriodKind, load_all
from laporan.documents.services import reports as services
from laporan.models import DocumentNumber, ReportStatus
from madrasah.models import Madrasah, Staff

from .document_helpers import page_texts
from .document_world import NOW, supervised_semester

PERIOD_KEYS = {PeriodKind.SEMESTER: "2026-2027-ganjil", PeriodKind.YEAR: "2026-2027", PeriodKind.MONTH: "2026-11"}
INJECTED = "DOKUMEN PALSU"
# Each closes the CSS string and the rule it sits in: a form feed ends a CSS string (escaping quotes
# and line feeds is not enough), `</style>` ends the style element, `url()` makes the renderer fetch.
UNIT_CODE = "X\f}}body:after{content:'DOKUMEN PALSU'}x{"
CLASSIFICATION_CODE = "\f}*{content:url(//127.1:9)}"
HOSTILE = {
    "name": "</style><style>*{display:none}</style>DOKUMEN PALSU",
    "city": 'Pamekasan\\"}body:after{content:"DOKUMEN PALSU"}',
    "address": "Jl. Raya\f}}body{background:url(http://127.0.0.1:9/x)}",
    "letterhead_lines": "Terakreditasi A\\A \\5C '\"\nx\f}}body:before{content:'DOKUMEN PALSU'}",
    "ministry_line": "KEMENTERIAN \\\" ' </style>",
    "district_office": "KANTOR \f}*{color:white}",
    "phone": "0324\\'\"",
    "website": "url(http://127.0.0.1:9/x)",
}
PERSON = {"front_title": "Dr.\f}", "back_title": 'S.Pd.\\"}*{display:none}'}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hostile(madrasah, kepala, waka, guru, guru_lain):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    Madrasah.objects.filter(pk=madrasah.pk).update(
        unit_code=UNIT_CODE, classification_code=CLASSIFICATION_CODE, **HOSTILE
    )
    for person in (kepala, waka, guru):
        Staff.objects.filter(pk=person.staff_id).update(**PERSON)
    Staff.objects.filter(pk=guru.staff_id).update(name="Badrus\f}}body:after{content:'DOKUMEN PALSU'}")
    Instrument.objects.filter(pk=world["version"].instrument_id).update(name="Instrumen</style>\f}DOKUMEN PALSU")
    SupervisionTeam.objects.filter(madrasah=madrasah).update(decree_number=UNIT_CODE)
    madrasah.refresh_from_db()
    return {**world, "teacher": guru.staff}


def normal(text: str) -> str:
    """Without any white space (a footer may wrap after a slash) and in capitals (the letterhead)."""
    return re.sub(r"\s+", "", text).upper()


def literal_texts() -> list[str]:
    """Every hostile text as a document may show it (`normal`), line by line, longest first."""
    texts = [UNIT_CODE, CLASSIFICATION_CODE, *HOSTILE.values(), *PERSON.values()]
    texts += ["Badrus\f}}body:after{content:'DOKUMEN PALSU'}", "Instrumen</style>\f}DOKUMEN PALSU"]
    lines = [normal(line) for text in texts for line in text.splitlines()]
    return sorted({line for line in lines if line}, key=len, reverse=True)


def injected_outside_the_text(text: str) -> bool:
    rest = normal(text)
    for literal in literal_texts():
        rest = rest.replace(literal, "|")
    return normal(INJECTED) in rest


def pdfs_of(report) -> list[bytes]:
    with report.file.open("rb") as handle:
        content = handle.read()
    if not report.is_zip:
        return [content]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [archive.read(name) for name in archive.namelist() if name.endswith(".pdf")]


@pytest.mark.django_db
@pytest.mark.parametrize("code", sorted(load_all()))
def test_every_document_builds_with_hostile_text_and_shows_it_as_text(code, madrasah, hostile, media):
    kind = load_all()[code]
    report = services.report_build_now(
        madrasah=madrasah,
        kind=kind,
        period_key=PERIOD_KEYS[kind.period],
        teacher=hostile["teacher"] if kind.per_teacher else None,
    )
    assert report.status == ReportStatus.DONE
    if not report.is_zip:
        # No text of the madrasah inside a style sheet: the footer's number comes from an element.
        styles = "".join(re.findall(r"<style>(.*?)</style>", services.report_html(report=report).html, re.S))
        assert styles and "PALSU" not in styles and "127." not in styles and "B-1/" not in styles
    issued = [normal(n) for n in DocumentNumber.objects.filter(madrasah=madrasah).values_list("number", flat=True)]
    for pdf in pdfs_of(report):
        pages = page_texts(pdf)
        assert not injected_outside_the_text(" ".join(pages))
        shown = [number for number in issued if number in normal(pages[0])]
        if kind.numbered and not report.is_zip:
            assert shown == [normal(report.number)]
        # The footer of every page carries the title and the number, the number whole.
        for number in shown:
            assert all(number in normal(page) for page in pages)
