"""The two documents: the semester recap prints the dashboard's numbers (the same selectors, the same
text), says "belum ada data" for an empty semester, and comes as .xlsx too; the teacher record
prints the teacher's results, follow-ups and PKB on one page."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from laporan.dashboard.rules import dashboard_workbook, recap_tables
from laporan.dashboard.selectors import dashboard_data
from laporan.documents.rules import document_kind
from laporan.documents.services import reports as services
from madrasah.management.commands.seed_demo import DEMO_LOGINS
from madrasah.models import Madrasah, Semester, Staff, User
from tests.factories.demo import seeded_demo

from .report_helpers import pdf_text

NUMBER = re.compile(r"^-?[\d.]+(,\d+)?$")


@pytest.fixture
def demo(client):
    seeded_demo(teachers=12, semesters=2, seed=1, today="2026-11-26", reset=True)
    kepala = User.objects.get(username=next(x["username"] for x in DEMO_LOGINS if x["role"] == "Kepala Madrasah"))
    client.force_login(kepala)
    semester = (
        Semester.objects.filter(supervision_programme__rows__observations__state="final")
        .distinct()
        .select_related("academic_year")
        .order_by("-start_date")
        .first()
    )
    return client, Madrasah.objects.get(), semester


def screen_tables(html: str) -> dict[str, list[list[str]]]:
    """The dashboard's recap tables as the screen shows them (as tests/laporan/test_dashboard.py reads them)."""
    tables = {}
    for key, body in re.findall(r'data-testid="recap-table" data-key="([a-z_]+)">(.*?)</table>', html, re.S):
        tbody = body.split("<tbody>", 1)[1]
        rows = [
            re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
            for row in re.findall(r"<tr>(.*?)</tr>", tbody, re.S)
            if "colspan" not in row
        ]
        tables[key] = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in row] for row in rows]
    return tables


def segment(text: str, start: str, end: str | None) -> str:
    """The text between the heading `start` and the heading `end` (or the document's end)."""
    tail = text[text.index(start) :]
    return tail[: tail.index(end)] if end and end in tail else tail


def appears_in_order(needles: list[str], tokens: list[str]) -> bool:
    position = 0
    for needle in needles:
        try:
            position = tokens.index(needle, position) + 1
        except ValueError:
            return False
    return True


def build(madrasah, kind: str, period: str, teacher=None) -> bytes:
    report = services.report_build_now(madrasah=madrasah, kind=document_kind(kind), period_key=period, teacher=teacher)
    with report.file.open("rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_the_recap_prints_the_numbers_of_the_dashboard(demo, media):
    client, madrasah, semester = demo
    html = client.get(reverse("laporan:dashboard"), {"semester": semester.slug}).content.decode()
    screen = screen_tables(html)
    assert screen["instruments"], "the demo semester has results"
    text = pdf_text(build(madrasah, "semester", semester.slug))

    data = dashboard_data(madrasah=madrasah, semester=semester)
    titles = [t.title for t in recap_tables(data)]
    compared = 0
    for index, table in enumerate(recap_tables(data)):
        if table.key not in screen:
            continue
        heading = f"{index + 1}. {table.title}"
        following = f"{index + 2}. {titles[index + 1]}" if index + 1 < len(titles) else "Hasil per guru"
        tokens = segment(text, heading, following).split()
        numbers = [cell for row in screen[table.key] for cell in row if NUMBER.match(cell)]
        assert appears_in_order(numbers, tokens), (table.key, numbers, tokens)
        compared += len(numbers)
    assert compared > 10


@pytest.mark.django_db
def test_each_teachers_result_in_the_recap_is_their_record(demo, media):
    _client, madrasah, semester = demo
    text = pdf_text(build(madrasah, "semester", semester.slug))
    teacher = Staff.objects.filter(observations__state="final", observations__row__programme__semester=semester).first()
    record = pdf_text(build(madrasah, "guru", semester.slug, teacher=teacher))
    assert teacher.full_name in text and teacher.full_name in record
    scores = re.findall(r"\b\d{1,3},\d{2}\b", segment(record, "1. Hasil supervisi", "2. Tindak lanjut"))
    assert scores
    recap_row = segment(text, teacher.full_name, "Tindak lanjut semester ini")
    assert scores[0] in recap_row


@pytest.mark.django_db
def test_the_recap_workbook_has_the_dashboards_sheets_and_the_teachers(demo, media):
    _client, madrasah, semester = demo
    report = services.report_build_now(madrasah=madrasah, kind=document_kind("semester"), period_key=semester.slug)
    with report.spreadsheet.open("rb") as handle:
        ours = load_workbook(io.BytesIO(handle.read()))
    theirs = load_workbook(io.BytesIO(dashboard_workbook(data=dashboard_data(madrasah=madrasah, semester=semester))))
    for name in theirs.sheetnames:
        assert [list(r) for r in ours[name].iter_rows(values_only=True)] == [
            list(r) for r in theirs[name].iter_rows(values_only=True)
        ]
    assert ours.sheetnames[-1] == "Guru"
    assert ours["Guru"].max_row == 1 + Staff.objects.teachers().active().count()


@pytest.mark.django_db
def test_an_empty_semester_prints_a_clear_no_data_document(madrasah, kepala, waka, media):
    data = build(madrasah, "semester", "2026-2027-ganjil")
    text = pdf_text(data)
    assert "Belum ada data" in text
    assert "REKAP SUPERVISI SEMESTER" in text and "Halaman 1 dari 1" in text


@pytest.mark.django_db
def test_the_teacher_record_fits_one_page(demo, media):
    from pypdf import PdfReader

    _client, madrasah, semester = demo
    teacher = Staff.objects.filter(observations__state="final", observations__row__programme__semester=semester).first()
    data = build(madrasah, "guru", semester.slug, teacher=teacher)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = pdf_text(data)
    for heading in ("1. Hasil supervisi", "2. Tindak lanjut", "3. Pengembangan keprofesian berkelanjutan (PKB)"):
        assert heading in text
    assert "REKAM JEJAK GURU" in text and "Mengetahui," in text


@pytest.mark.django_db
def test_the_build_report_command_prints_the_file(madrasah, media):
    out = io.StringIO()
    call_command("build_report", kind="semester", period="2026-2027-ganjil", stdout=out)
    paths = out.getvalue().split()
    assert paths[0].endswith(".pdf") and paths[1].endswith(".xlsx")
    assert paths[0].startswith(str(media))


@pytest.mark.django_db
def test_the_command_finds_the_teacher_by_nip_with_spaces(madrasah, guru, media):
    from madrasah.identifiers import format_nip

    out = io.StringIO()
    call_command(
        "build_report",
        kind="guru",
        period="2026-2027-ganjil",
        madrasah=madrasah.nsm,
        teacher=format_nip(guru.staff.nip),
        stdout=out,
    )
    assert out.getvalue().strip().endswith(".pdf")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "rapor", "period": "2026-2027-ganjil"}, "Jenis dokumen “rapor” tidak dikenal"),
        ({"kind": "semester", "period": "2026-2027-genap"}, "Periode “2026-2027-genap” tidak ada"),
        ({"kind": "semester", "period": "semester-ini"}, "Tulis semester seperti 2025-2026-genap"),
        ({"kind": "guru", "period": "2026-2027-ganjil"}, "sebutkan --teacher NIP"),
        ({"kind": "guru", "period": "2026-2027-ganjil", "teacher": "123"}, "Tidak ada guru"),
        ({"kind": "semester", "period": "2026-2027-ganjil", "madrasah": "999"}, "Tidak ada madrasah"),
    ],
)
@pytest.mark.django_db
def test_the_command_refuses_bad_input_clearly(madrasah, options, message, media):
    from django.core.management.base import CommandError

    from laporan.models import Report

    with pytest.raises(CommandError, match=message):
        call_command("build_report", stdout=io.StringIO(), **options)
    assert not Report.objects.exists()
