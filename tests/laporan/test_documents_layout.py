"""Every document kind, built once from a small seeded demo, read page by page as a Kepala would before
signing it: no page holding only a signature block, one line or one table row; "Rata-rata" once per
table, after its last row; no identifier broken over two lines; every teacher's identifier labelled
(NIP, else NIGNP, else PegID). A second test checks the first page's paper and margins.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.test import override_settings
from pypdf import PdfReader
from weasyprint import HTML

from kompetensi.models import Appraisal, AppraisalStage, Observation
from laporan.documents.rules import MM, load_all
from laporan.documents.selectors import office_context, paper_of, period_of_month, period_of_semester, period_of_year
from laporan.documents.services.pdf import BASE_URL, RestrictedFetcher, render_html
from madrasah.identifiers import format_nip
from madrasah.models import Madrasah, Semester, Staff
from tests.factories.demo import seeded_demo
from tests.pdf_text import page_lines

from .document_helpers import DUMP, SIGNED_ON

# The documents are built once per worker (`documents`): every test of the module on the same one.
pytestmark = pytest.mark.xdist_group("documents-layout")

NUMBER = "B-2/Mts.13.28.03/PP.00.5/11/2026"
PX_PER_MM = 96 / 25.4
PT_PER_MM = 72 / 25.4
# The running footer of every page (pdf.css): "<title> · <number>" left, "Halaman x dari y" right.
PAGE_COUNTER = re.compile(r"Halaman \d+ dari \d+")
WORD = re.compile(r"[\w.,:/()-]+")
AVERAGE_ROW = re.compile(r"^Rata-rata (\d|–)")  # the row's label, then its first number
PDF_CSS = Path(settings.BASE_DIR, "laporan/templates/laporan/pdf/pdf.css")


@dataclass
class Built:
    code: str
    html: str
    pdf: bytes
    pages: list[list[str]]  # each page's non-empty lines, running footer left out
    paper: str
    landscape: bool
    first_page: dict  # WeasyPrint's first page box: width, height and margins in CSS px


def _lines(page: list[str], footer_title: str) -> list[str]:
    lines = []
    for line in page:
        line = PAGE_COUNTER.sub("", line).strip()
        if line and not line.startswith(footer_title):
            lines.append(line)
    return lines


def _demo() -> dict:
    seeded_demo(teachers=12, semesters=2, seed=1, today="2026-11-26", reset=True)
    madrasah = Madrasah.objects.get()
    # The semester with the most final results: its tables run over pages.
    semester = (
        Semester.objects.annotate(
            finals=Count(
                "supervision_programme__rows__observations",
                filter=Q(supervision_programme__rows__observations__state="final"),
            )
        )
        .select_related("academic_year")
        .order_by("-finals", "-start_date")
        .first()
    )
    observed = Observation.objects.filter(state="final", row__programme__semester=semester)
    month = observed.order_by("-observed_on").values_list("observed_on", flat=True).first() or SIGNED_ON
    # A teacher with a finished PKG of the year and a final supervision result: every per-teacher kind
    # prints its full content.
    appraised = (
        Appraisal.objects.filter(period__academic_year=semester.academic_year)
        .exclude(stage=AppraisalStage.IN_PROGRESS)
        .values_list("teacher", flat=True)
    )
    teacher = (
        Staff.objects.filter(observations__in=observed, pk__in=appraised).distinct().order_by("name").first()
        or Staff.objects.filter(observations__in=observed).distinct().order_by("name").first()
    )
    return {
        "madrasah": madrasah,
        "teacher": teacher,
        "periods": {
            "semester": period_of_semester(semester),
            "year": period_of_year(semester.academic_year),
            "month": period_of_month(month.year, month.month),
        },
    }


def _build(kind, demo) -> Built:
    """The kind's PDF as the build makes it (`services.pdf.html_to_pdf`: the same HTML, fetcher and
    WeasyPrint call), laid out once: the layout gives the first page's boxes, then the PDF."""
    madrasah = demo["madrasah"]
    period = demo["periods"][kind.period]
    paper = paper_of(madrasah=madrasah, kind=kind)
    office, media = office_context(
        madrasah=madrasah,
        kind=kind,
        period=period,
        number=NUMBER if kind.numbered else "",
        paper=paper,
        signed_on=SIGNED_ON,
        maker=kind.maker,
    )
    teacher = demo["teacher"] if kind.per_teacher else None
    context = {**office, **kind.context(madrasah=madrasah, period=period, teacher=teacher)}
    html = render_html(kind.template, context)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=RestrictedFetcher(media_names=media)).render()
    box = document.pages[0]._page_box
    first_page = {
        "width": box.margin_width(),
        "height": box.margin_height(),
        "top": box.margin_top,
        "right": box.margin_right,
        "bottom": box.margin_bottom,
        "left": box.margin_left,
        "content_x": box.children[0].position_x,
        "content_y": box.children[0].position_y,
    }
    pdf = document.write_pdf()
    if DUMP:
        Path(DUMP, f"{kind.code}.pdf").write_bytes(pdf)
    footer_title = str(context["title"])
    return Built(
        code=kind.code,
        html=html,
        pdf=pdf,
        pages=[_lines(page, footer_title) for page in page_lines(pdf)],
        paper=paper,
        landscape=kind.landscape,
        first_page=first_page,
    )


@pytest.fixture(scope="session")
def documents(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """Every kind (the bundle: its contents page) built once per test process from the demo, in a
    transaction rolled back before the first test; with the demo's staff, whose identifiers the pages
    print. What it returns holds no database state, so other modules' tests may run in between."""
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("layout-media")))
    with django_db_blocker.unblock(), media, transaction.atomic():
        demo = _demo()
        built = {code: _build(kind, demo) for code, kind in sorted(load_all().items())}
        staff = list(Staff.objects.filter(madrasah=demo["madrasah"]))
        transaction.set_rollback(True)
    return {"kinds": built, "staff": staff}


# --- reading the HTML each page was laid out from ------------------------------------------------------


def _text(fragment: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))


def _words(text: str) -> set[str]:
    return set(WORD.findall(text))


def _tables(html: str, css_class: str) -> list[str]:
    pattern = r'(?s)<table class="[^"]*\b' + re.escape(css_class) + r'\b[^"]*"[^>]*>(.*?)</table>'
    return re.findall(pattern, html)


def signature_words(html: str) -> set[str]:
    """Every word of the closing blocks (signatures, the decree's "Ditetapkan di")."""
    return _words(" ".join(_text(t) for t in _tables(html, "signatures") + _tables(html, "enacted")))


def header_words(html: str) -> set[str]:
    return _words(" ".join(_text(t) for t in re.findall(r"(?s)<thead>(.*?)</thead>", html)))


def body_rows(html: str) -> list[set[str]]:
    """The words of each data row (a row of a <tbody> of a ruled table)."""
    rows = []
    for table in _tables(html, "data"):
        for body in re.findall(r"(?s)<tbody>(.*?)</tbody>", table):
            rows += [_words(_text(row)) for row in re.findall(r"(?s)<tr[^>]*>(.*?)</tr>", body)]
    return [row for row in rows if row]


def page_fault(lines: list[str], html: str) -> str:
    """What makes a page unfit for office paper, or "" (see the module docstring)."""
    if not lines:
        return "an empty page"
    if len(lines) == 1:
        return f"a page of one line: {lines[0]!r}"
    signature = signature_words(html)
    content = [line for line in lines if not _words(line) <= signature]
    if not content:
        return "a page holding only a signature block"
    headers = header_words(html)
    rows = [line for line in content if not _words(line) <= headers]
    if rows and any(all(_words(line) <= row for line in rows) for row in body_rows(html)) and len(rows) == len(content):
        only = [line for line in content if line in rows]
        return f"a page holding one table row: {only!r}"
    return ""


def test_no_page_holds_only_a_signature_a_single_line_or_a_single_row(documents):
    faults = {}
    for code, built in documents["kinds"].items():
        for number, lines in enumerate(built.pages, start=1):
            fault = page_fault(lines, built.html)
            if fault:
                faults[f"{code} p{number}/{len(built.pages)}"] = fault
    assert faults == {}


def test_averages_come_once_per_table_after_its_last_row(documents):
    checked = 0
    for code, built in documents["kinds"].items():
        lines = [line for page in built.pages for line in page]
        averages = [i for i, line in enumerate(lines) if AVERAGE_ROW.match(line)]
        tables = [
            t for t in _tables(built.html, "data") if re.search(r"<th[^>]*>Rata-rata</th>", t.split("<tbody>")[-1])
        ]
        assert len(averages) == len(tables), (code, [lines[i] for i in averages])
        for table, at in zip(tables, averages, strict=True):
            rows = re.findall(r"(?s)<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1])
            assert "Rata-rata" in rows[-1], f"{code}: the average is the table's last row"
            last_name = _text(re.findall(r"(?s)<td[^>]*>(.*?)</td>", rows[-2])[1]).split()[0]
            assert any(last_name in line for line in lines[:at]), (code, last_name)
            checked += 1
    assert checked, "the demo's analysis prints averages"


def _identifiers(staff: list[Staff]) -> list[str]:
    found = []
    for person in staff:
        found += [format_nip(person.nip), person.nignp, person.peg_id, person.nuptk]
    return [value for value in found if value]


def test_no_identifier_or_number_is_broken_over_two_lines(documents):
    whole = [*_identifiers(documents["staff"]), NUMBER]
    seen = 0
    for code, built in documents["kinds"].items():
        for lines in built.pages:
            for line in lines:
                for value in whole:
                    head = value[:8]
                    for match in re.finditer(re.escape(head), line):
                        assert line[match.start() : match.start() + len(value)] == value, (code, value, line)
                        seen += 1
    assert seen > 50


def test_each_teacher_is_known_by_nip_else_nignp_else_pegid_labelled(documents):
    labelled = {}
    for person in documents["staff"]:
        identifier = person.identifier
        if identifier.label != "NIP":
            labelled[identifier.value] = identifier.label
    assert labelled, "the demo has teachers without a NIP"
    shown = 0
    for code, built in documents["kinds"].items():
        text = "\n".join(line for page in built.pages for line in page)
        assert "NIP. -" not in text, f"{code}: everyone in the demo has an identifier"
        for line in text.splitlines():
            for value, label in labelled.items():
                if value in line:
                    before = line[: line.index(value)].rstrip(" .:")
                    assert before.endswith(label), (code, label, line)
                    shown += 1
    assert shown


def test_the_recap_charts_are_the_dashboards(documents):
    html = documents["kinds"]["semester"].html
    charts = dict(re.findall(r'(?s)<svg[^>]*aria-labelledby="(chart-[a-z-]+)-title"[^>]*>(.*?)</svg>', html))
    for key in ("chart-programme", "chart-follow-ups"):
        ticks = re.findall(r'class="tick">([^<]*)</text>', charts[key])
        assert ticks and all(t.isdigit() for t in ticks), (key, ticks)
    if "chart-pkg" in charts:
        assert re.findall(r'class="tick">([^<]*)</text>', charts["chart-pkg"]) == ["1", "2", "3", "4"]


def _page_margins() -> list[float]:
    """The @page margins of pdf.css, in mm (top, right, bottom, left)."""
    rule = re.search(r"(?s)@page \{.*?margin: ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm ([\d.]+)mm;", PDF_CSS.read_text())
    return [float(x) for x in rule.groups()]


def test_the_first_page_has_its_paper_and_margins(documents):
    top, right, bottom, left = _page_margins()
    for code, built in documents["kinds"].items():
        width, height = (float(x.removesuffix("mm")) for x in MM[built.paper])
        if built.landscape:
            width, height = height, width
        box = PdfReader(BytesIO(built.pdf)).pages[0].mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(
            (width * PT_PER_MM, height * PT_PER_MM), abs=0.5
        ), code
        page = built.first_page
        assert (page["width"], page["height"]) == pytest.approx((width * PX_PER_MM, height * PX_PER_MM), abs=0.5), code
        margins = [page["top"], page["right"], page["bottom"], page["left"]]
        assert margins == pytest.approx([m * PX_PER_MM for m in (top, right, bottom, left)], abs=0.5), code
        assert (page["content_x"], page["content_y"]) == pytest.approx((left * PX_PER_MM, top * PX_PER_MM), abs=0.5), (
            code
        )
