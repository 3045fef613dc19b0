"""What the documents say (issue "Documents as official records", content fixes): the year's PDCA
cycles in an empty semester's recap, the digest's visits against visits, follow-ups cut at a word,
the blank sheets one PDF per teacher in one zip, the bundle's contents page without "(zip)"."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.urls import reverse

from kompetensi.models import FollowUp, Observation, ObservationState
from laporan.documents.kinds.blank_sheets import blank_sheets_assemble, sheet_files
from laporan.documents.rules import document_kind
from laporan.documents.selectors import office_context, paper_of
from laporan.documents.services.pdf import render_html
from laporan.models import Report
from mutu.models import IndicatorKind, Stage
from tests.factories import mutu as f
from tests.factories import supervision
from tests.factories.kompetensi import instrument_version
from tests.laporan.document_helpers import SIGNED_ON, build, month_period, page_texts, semester_period, year_period
from tests.laporan.document_world import NOW, supervised_semester, wib

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def html_of(code: str, *, madrasah, period, teacher=None) -> str:
    """The document's HTML as the build renders it (no PDF: for what the text says)."""
    kind = document_kind(code)
    office, _media = office_context(
        madrasah=madrasah,
        kind=kind,
        period=period,
        number="",
        paper=paper_of(madrasah=madrasah, kind=kind),
        signed_on=SIGNED_ON,
        maker=kind.maker,
    )
    return render_html(kind.template, {**office, **kind.context(madrasah=madrasah, period=period, teacher=teacher)})


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- an empty semester still shows the year's quality cycles ------------------------------------------


def year_cycle_measured(kepala, semester):
    cycle = f.cycle(
        owner=kepala,
        academic_year=semester.academic_year,
        indicator=IndicatorKind.FOLLOW_UPS_ON_TIME,
        target=90,
        stage=Stage.CHECK,
        title="Tindak lanjut selesai tepat waktu ≥ 90%",
    )
    f.measurement(cycle, by=kepala, value="36.84", n=19, period_semester="")
    return cycle


def test_an_empty_semester_recap_still_shows_the_years_cycle_and_its_value(madrasah, kepala):
    semester = supervision.active_semester(madrasah)
    year_cycle_measured(kepala, semester)
    context, text, _pages = build("semester", madrasah=madrasah, period=semester_period(semester))
    assert context["empty"] is True
    assert "Belum ada data" in text or "belum ada data" in text.lower()  # no result finalised: said so
    keys = [t["table"].key for t in context["tables"]]
    assert "pdca" in keys and "programme" not in keys  # the zeros stay hidden, the cycle does not
    assert "Siklus mutu (PDCA)" in text and "Tindak lanjut selesai tepat waktu" in text
    assert "36,84" in text and "Belum tercapai" in text


def test_the_dashboard_of_an_empty_semester_shows_the_years_cycle(login, madrasah, kepala):
    year_cycle_measured(kepala, supervision.active_semester(madrasah))
    page = login(kepala).get(reverse("laporan:dashboard")).content.decode()
    assert "Siklus mutu (PDCA)" in page and "36,84" in page


# --- the digest compares visits with visits -----------------------------------------------------------


def test_the_digest_counts_visits_planned_and_done_and_the_sheets_apart(madrasah, kepala, waka, guru, guru_lain):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    # Badrus's visit of 17 August fills a second instrument: one visit, two sheets.
    second = instrument_version(
        madrasah=madrasah, academic_year=world["semester"].academic_year, code="pelaksanaan-uji"
    )
    badrus = world["badrus"]
    badrus.row.instruments.add(second)
    Observation.objects.create(
        madrasah=madrasah,
        row=badrus.row,
        instrument_version=second,
        teacher=badrus.teacher,
        supervisor=badrus.supervisor,
        state=ObservationState.SUBMITTED,
        observed_on=dt.date(2026, 8, 17),
    )
    period = month_period(2026, 8)
    digest = document_kind("digest").context(madrasah=madrasah, period=period)["digest"]
    assert (digest.planned, digest.visits_done, len(digest.done)) == (3, 3, 4)
    text = text_of(html_of("digest", madrasah=madrasah, period=period))
    assert "Kunjungan supervisi yang dijadwalkan pada bulan ini 3" in text
    assert "Kunjungan supervisi yang terlaksana pada bulan ini 3" in text
    assert "Lembar instrumen yang diisi dalam kunjungan tersebut 4" in text


# --- cut texts end at a word, with an ellipsis -----------------------------------------------------------


def test_a_long_follow_up_is_cut_at_a_word_with_an_ellipsis_in_the_recap(madrasah, kepala, waka, guru, guru_lain):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    long = "Pendampingan penyusunan modul ajar berdiferensiasi " * 6
    FollowUp.objects.filter(pk=world["follow_up"].pk).update(description=long)
    context = document_kind("semester").context(madrasah=madrasah, period=semester_period(world["semester"]))
    [row] = context["follow_ups"]
    assert row["description"].endswith("…") and len(row["description"]) <= 160
    assert long.startswith(row["description"][:-1]) and long[len(row["description"]) - 1] == " "


# --- the blank sheets: one PDF per teacher in one zip, each numbered from its page 1 -----------------------


def test_the_blank_sheets_are_one_file_per_teacher_each_numbered_on_its_own(
    madrasah, kepala, waka, guru, guru_lain, media
):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    semester = world["semester"]
    # A second visit to Badrus: his file holds both sheets.
    supervision.programme_row(
        programme=world["programme"],
        teacher=guru,
        supervisor=waka,
        instruments=[world["version"]],
        planned_at=wib(2026, 10, 5, 8),
    )
    files = sheet_files(
        document_kind("lembar-kosong").context(madrasah=madrasah, period=semester_period(semester))["sheets"]
    )
    assert [(f.name.rsplit("-", 1)[0], len(f.sheets)) for f in files] == [
        ("Badrus-Salam", 2),
        ("Fikri-Haikal", 1),
        ("Nur-Hayati", 1),
        ("Zainal-Arifin", 1),
    ]
    report = Report(madrasah=madrasah, kind="lembar-kosong", period=semester_period(semester).key)
    archive = zipfile.ZipFile(io.BytesIO(blank_sheets_assemble(report=report)))
    assert archive.namelist() == [f.name for f in files]
    badrus = page_texts(archive.read(files[0].name))
    assert len(badrus) == 2 and "Halaman 1 dari 2" in badrus[0] and "Halaman 2 dari 2" in badrus[1]
    assert all("Badrus Salam" in page for page in badrus)
    hayati = page_texts(archive.read(files[2].name))
    assert len(hayati) == 1 and "Halaman 1 dari 1" in hayati[0] and "Nur Hayati" in hayati[0]
    assert "Badrus Salam" not in hayati[0]


def test_before_anything_is_planned_the_blank_sheets_are_one_file_per_instrument(madrasah):
    semester = supervision.active_semester(madrasah)
    supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    sheets = document_kind("lembar-kosong").context(madrasah=madrasah, period=semester_period(semester))["sheets"]
    assert [f.name for f in sheet_files(sheets)] == ["01-Instrumen-perencanaan-uji.pdf"]


# --- the bundle's contents page ------------------------------------------------------------------------


def test_the_bundles_contents_page_is_titled_without_the_file_format(madrasah, kepala, waka, guru, guru_lain):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    html = html_of("bundle", madrasah=madrasah, period=year_period(world["semester"].academic_year))
    assert "Daftar isi bundel bukti tahunan" in text_of(html)
    assert "zip" not in text_of(html).lower().replace(".zip", "")
