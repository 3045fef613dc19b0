"""`laporan.documents.services.pdf`: pure rendering in the office format, and a fetcher that reads nothing but static
files and the madrasah's own files (a template asking for a remote URL is refused)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from laporan.documents import rules as document_rules
from laporan.documents.rules import document_kind
from laporan.documents.selectors import office_context, paper_of, period_of_semester
from laporan.documents.services import pdf
from madrasah.models import PaperSize, Staff
from tests.pdf_text import pdf_text

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d605b00000000049454e44ae426082"
)
MM_PER_POINT = 25.4 / 72


def page_mm(data: bytes) -> tuple[int, int]:
    box = PdfReader(BytesIO(data)).pages[0].mediabox
    return round(float(box.width) * MM_PER_POINT), round(float(box.height) * MM_PER_POINT)


def office(madrasah, *, code="semester", paper="", number="B-7/Mts.13.28.03/PP.00.4/11/2026"):
    kind = document_kind(code)
    semester = madrasah.semesters.select_related("academic_year").get()
    return office_context(
        madrasah=madrasah,
        kind=kind,
        period=period_of_semester(semester),
        number=number,
        paper=paper_of(madrasah=madrasah, kind=kind, chosen=paper),
        signed_on=dt.date(2026, 11, 26),
    )


def render_with(template_text: str, context: dict, tmp_path, settings, media_names=()) -> bytes:
    """A throwaway template extending the base, in a template folder of the test's own."""
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "probe.html").write_text(template_text)
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]
    return pdf.render_pdf("probe.html", context, media_names=media_names)


@pytest.fixture
def signed(madrasah, kepala, waka):
    Staff.objects.filter(pk=kepala.staff_id).update(
        name="Ahmad Fauzi", front_title="H.", back_title="S.Ag., M.Pd.I.", nip="197001011998031002"
    )
    Staff.objects.filter(pk=waka.staff_id).update(name="Siti Aminah", front_title="Hj.", back_title="S.Pd.")
    return madrasah


@pytest.mark.django_db
def test_the_office_format_has_letterhead_number_date_signatures_and_page_numbers(signed, tmp_path, settings):
    context, media = office(signed)
    data = render_with(
        '{% extends "laporan/pdf/base.html" %}{% block content %}<p>Nilai 82,50</p>{% endblock %}',
        context,
        tmp_path,
        settings,
        media,
    )
    text = pdf_text(data)
    assert "KEMENTERIAN AGAMA REPUBLIK INDONESIA" in text
    assert "KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN" in text
    assert "MTS NEGERI 3 PAMEKASAN" in text
    assert "Nomor: B-7/Mts.13.28.03/PP.00.4/11/2026" in text
    assert "Pamekasan, 26 November 2026" in text
    assert "Mengetahui," in text and "Kepala Madrasah," in text and "Waka Kurikulum," in text
    assert "H. Ahmad Fauzi, S.Ag., M.Pd.I." in text
    assert "NIP. 19700101 199803 1 002" in text
    assert "Halaman 1 dari 1" in text
    assert "82,50" in text


@pytest.mark.django_db
def test_f4_is_the_default_and_recaps_are_landscape(madrasah, tmp_path, settings):
    template = '{% extends "laporan/pdf/base.html" %}'
    context, media = office(madrasah, code="semester")
    assert page_mm(render_with(template, context, tmp_path, settings, media)) == (330, 215)
    context, media = office(madrasah, code="guru")
    assert page_mm(render_with(template, context, tmp_path, settings, media)) == (215, 330)
    context, media = office(madrasah, code="guru", paper=PaperSize.A4)
    assert page_mm(render_with(template, context, tmp_path, settings, media)) == (210, 297)


@pytest.mark.django_db
def test_page_numbers_count_every_page(madrasah, tmp_path, settings):
    context, media = office(madrasah, code="guru")
    many = "".join(f"<p>baris {n}</p>" for n in range(400))
    data = render_with(
        '{% extends "laporan/pdf/base.html" %}{% block content %}' + many + "{% endblock %}",
        context,
        tmp_path,
        settings,
        media,
    )
    pages = len(PdfReader(BytesIO(data)).pages)
    assert pages > 2
    assert f"Halaman {pages} dari {pages}" in pdf_text(data)


@pytest.mark.django_db
def test_the_uploaded_emblem_is_used_and_the_bundled_one_otherwise(madrasah, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _context, media = office(madrasah)
    assert media == []  # the bundled emblem, a static file
    madrasah.emblem.save("lambang.png", ContentFile(PNG))
    context, media = office(madrasah)
    assert media == [madrasah.emblem.name]
    assert context["emblem_url"].endswith(madrasah.emblem.name)
    data = render_with('{% extends "laporan/pdf/base.html" %}', context, tmp_path, settings, media)
    assert data.startswith(b"%PDF")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/x.png",
        "file:///etc/passwd",
        "/static/../../../../etc/passwd",
        "/media/../../etc/passwd",
    ],
)
@pytest.mark.django_db
def test_a_template_asking_for_a_remote_or_outside_url_is_refused(url, madrasah, tmp_path, settings):
    context, media = office(madrasah)
    template = '{% extends "laporan/pdf/base.html" %}{% block content %}<img src="' + url + '">{% endblock %}'
    with pytest.raises(pdf.ResourceRefused):
        render_with(template, context, tmp_path, settings, media)


@pytest.mark.django_db
def test_a_remote_url_in_the_css_is_refused_too(madrasah, tmp_path, settings):
    context, media = office(madrasah)
    template = (
        '{% extends "laporan/pdf/base.html" %}{% block extra_style %}'
        'body { background-image: url("https://example.com/x.png"); }{% endblock %}'
    )
    with pytest.raises(pdf.ResourceRefused):
        render_with(template, context, tmp_path, settings, media)


def test_media_files_are_read_only_when_named_for_the_document(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "emblems").mkdir()
    (tmp_path / "emblems" / "ours.png").write_bytes(PNG)
    (tmp_path / "emblems" / "theirs.png").write_bytes(PNG)
    fetcher = pdf.RestrictedFetcher(media_names=["emblems/ours.png"])
    assert fetcher.resolve(pdf.BASE_URL + "media/emblems/ours.png") == (tmp_path / "emblems" / "ours.png").resolve()
    assert fetcher.resolve((tmp_path / "emblems" / "ours.png").as_uri()).name == "ours.png"
    for url in (pdf.BASE_URL + "media/emblems/theirs.png", (tmp_path / "emblems" / "theirs.png").as_uri()):
        with pytest.raises(pdf.ResourceRefused):
            fetcher.resolve(url)


def test_a_symlink_out_of_the_media_folder_is_refused(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    (tmp_path / "media" / "link.png").symlink_to(secret)
    with pytest.raises(pdf.ResourceRefused):
        pdf.RestrictedFetcher(media_names=["link.png"]).resolve(pdf.BASE_URL + "media/link.png")


def test_static_files_are_found_by_the_finders():
    path = pdf.RestrictedFetcher().resolve(pdf.BASE_URL + "static/laporan/emblem-kemenag.svg")
    assert path.name == "emblem-kemenag.svg" and path.is_file()
    with pytest.raises(pdf.RenderError):
        pdf.RestrictedFetcher().resolve(pdf.BASE_URL + "static/laporan/missing.svg")


def test_the_page_counter_is_a_css_content_value():
    from django.utils import translation

    with translation.override("id"):
        assert document_rules.page_counter_css() == '"Halaman " counter(page) " dari " counter(pages) ""'
    with translation.override("en"):
        assert document_rules.page_counter_css() == '"Page " counter(page) " of " counter(pages) ""'


def test_paper_sizes():
    assert document_rules.page_size("F4", landscape=False) == "215mm 330mm"
    assert document_rules.page_size("F4", landscape=True) == "330mm 215mm"
    assert document_rules.page_size("A4", landscape=True) == "297mm 210mm"
    assert document_rules.page_size("", landscape=False) == "215mm 330mm"


def test_the_bundled_emblem_is_a_local_svg():
    svg = Path(pdf.RestrictedFetcher().resolve(pdf.BASE_URL + "static/laporan/emblem-kemenag.svg")).read_text()
    assert "<svg" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
