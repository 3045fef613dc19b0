"""Pages travel gzipped to a browser that accepts it; downloads never are, nor may a proxy do it."""

from __future__ import annotations

import gzip
import io

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from madrasah.compression import CompressionMiddleware

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def kepala_client(client, kepala):
    client.force_login(kepala.user)
    return client


def test_a_page_is_gzipped_when_the_browser_accepts_it(kepala_client):
    response = kepala_client.get("/beranda/kepala/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert b"<html" in gzip.decompress(response.content)


def test_a_page_is_sent_plain_to_a_client_that_does_not_accept_gzip(kepala_client):
    response = kepala_client.get("/beranda/kepala/")
    assert not response.has_header("Content-Encoding")
    assert b"<html" in response.content


def test_the_excel_download_is_neither_compressed_nor_left_to_a_proxy_to_compress(kepala_client):
    response = kepala_client.get("/laporan/dasbor/ekspor/", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "no-transform" in response["Cache-Control"]
    assert response.content[:2] == b"PK"  # the workbook as written: a ZIP container


@pytest.mark.parametrize(
    "make",
    [
        lambda: HttpResponse(b"%PDF-1.7" + b"x" * 500, content_type="application/pdf"),
        lambda: HttpResponse(b"PK" + b"x" * 500, content_type="application/zip"),
        lambda: FileResponse(io.BytesIO(b"x" * 500), as_attachment=True, filename="rekap.pdf"),
        lambda: _attachment(HttpResponse(b"a,b\n" * 200, content_type="text/csv")),
    ],
    ids=["pdf", "zip", "file-response", "text-attachment"],
)
def test_downloads_are_sent_as_they_are_with_no_transform(make):
    request = RequestFactory().get("/unduh/", **GZIP)
    response = CompressionMiddleware(lambda r: make())(request)
    assert not response.has_header("Content-Encoding")
    assert "no-transform" in response["Cache-Control"]


def test_a_page_showing_one_time_passwords_is_never_compressed(client, operator, guru):
    client.force_login(operator.user)
    response = client.post("/akun/slip/", {"membership": [guru.pk], "confirm": "1"}, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert "no-transform" in response["Cache-Control"]


def _attachment(response):
    response["Content-Disposition"] = 'attachment; filename="daftar.csv"'
    return response
