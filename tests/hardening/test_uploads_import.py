"""Hostile staff imports (.xlsx, issue 12): zip bombs, honest or lying about their size, are refused
without being unpacked; a file that is no workbook, or over 5 MB, is refused with its reason; nothing
is written. (Apart from test_uploads.py, whose module-wide world must not meet these fixtures.)"""

from __future__ import annotations

import io
import resource
import struct
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext, override

from .test_uploads import MB, PDF, _shown


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_bomb(unpacked: int) -> bytes:
    """A workbook-looking zip whose sheet is `unpacked` bytes of zeros: a few hundred KB on the wire."""
    return _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"0" * unpacked,
        }
    )


def _lying_zip(unpacked: int, declared: int) -> bytes:
    """The same bomb with its headers patched to declare a small size: the sizes cannot be trusted."""
    data = _xlsx_bomb(unpacked)
    real = struct.pack("<I", unpacked)
    assert data.count(real) == 2  # the local header and the central directory
    return data.replace(real, struct.pack("<I", declared))


def _import(client, operator, content: bytes, name: str = "pegawai.xlsx"):
    client.force_login(operator.user)
    return client.post(reverse("madrasah:staff-import"), {"file": SimpleUploadedFile(name, content)})


def _staff_rows():
    from madrasah.models import Staff

    return Staff.objects.count()


def _peak_while(run) -> tuple[object, int, int]:
    """(result, peak Python allocation, growth of the process's peak resident size) while `run` runs."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        result = run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
    return result, peak, rss_growth


def test_an_xlsx_zip_bomb_is_refused_without_unpacking_it(operator, client):
    bomb = _xlsx_bomb(120 * MB)
    assert len(bomb) < MB  # 120 MB of zeros on the wire in well under 1 MB
    staff = _staff_rows()
    response, peak, rss_growth = _peak_while(lambda: _import(client, operator, bomb))
    assert response.status_code == 200 and _staff_rows() == staff
    with override("id"):
        expected = gettext("The file unpacks to more than 50 MB, far more than a staff list needs: it was not read.")
    assert expected in _shown(response)
    assert peak < 30 * MB, f"refusing the bomb took {peak / MB:.0f} MB"
    assert rss_growth < 100 * MB


def test_an_xlsx_zip_bomb_that_lies_about_its_size_is_refused_without_unpacking_it(operator, client):
    bomb = _lying_zip(80 * MB, 1_000)
    staff = _staff_rows()
    response, peak, rss_growth = _peak_while(lambda: _import(client, operator, bomb))
    assert response.status_code == 200 and _staff_rows() == staff
    assert "is-invalid" in response.content.decode() or "invalid-feedback" in response.content.decode()
    assert peak < 30 * MB, f"refusing the bomb took {peak / MB:.0f} MB"
    assert rss_growth < 100 * MB


@pytest.mark.parametrize(
    "content,name",
    [
        (b"MZ\x90\x00" + b"\x00" * 200, "pegawai.xlsx"),
        (b"<html><script>alert(1)</script></html>", "pegawai.xlsx"),
        (b"nama,nip\nBudi,197001011998031002\n", "pegawai.xlsx"),
        (PDF, "pegawai.xlsx"),
        (b"", "pegawai.xlsx"),
        (b"PK\x03\x04" + b"\x00" * 300, "pegawai.xlsx"),
        (_zip({"word/document.xml": b"<w/>"}), "pegawai.xlsx"),
    ],
    ids=["program", "html", "csv", "pdf", "empty", "broken-zip", "docx-like-zip"],
)
def test_an_import_that_is_not_a_workbook_is_refused_with_its_reason(content, name, operator, client):
    staff = _staff_rows()
    response = _import(client, operator, content, name)
    assert response.status_code == 200 and _staff_rows() == staff
    body = response.content.decode()
    assert "is-invalid" in body or "invalid-feedback" in body
    assert "<script>alert(1)</script>" not in body


def test_an_import_over_five_megabytes_is_refused(operator, client):
    staff = _staff_rows()
    response = _import(client, operator, b"PK\x03\x04" + b"\x00" * (5 * MB))
    assert response.status_code == 200 and _staff_rows() == staff
    with override("id"):
        expected = gettext(
            "The file is larger than 5 MB. Remove other sheets and pictures, or split the list into several files."
        )
    assert expected in _shown(response)
