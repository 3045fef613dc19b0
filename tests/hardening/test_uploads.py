"""Hostile uploads on every upload field (issue 12): the content decides, not the name; size and
decompression bombs are refused before they cost memory; whatever the name, the file is stored under a
random name inside MEDIA_ROOT and served back only through the protected view.

Upload fields: observation evidence, PKG evidence, follow-up progress, the PKB log, a cycle activity's
progress, a manual indicator's measurement; the staff import (.xlsx) is in test_uploads_import.py.
"""

from __future__ import annotations

import html
import io
import re
import struct
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext, override

from tests.test_permission_matrix import world  # noqa: F401  (the fixture)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MB = 1024 * 1024


def _png(width: int, height: int) -> bytes:
    """A PNG declaring `width` × `height` pixels, with one tiny compressed row: a few dozen bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 4)) + chunk(b"IEND", b"")
    )


def _real_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass(frozen=True)
class UploadField:
    """One upload field: where it posts, who posts, the other fields of a valid post, and where the
    stored file ends up (model, file and original-name attributes, protected download view)."""

    label: str
    url: str
    persona: str
    args: Callable[[SimpleNamespace], list]
    field: str
    data: Callable[[SimpleNamespace], dict]
    model: str  # app_label.Model
    file_attr: str
    name_attr: str
    prefix: str
    download: str
    owner: Callable[[SimpleNamespace], dict] = field(default=lambda w: {})

    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)


def _appraisal_section(w) -> int:
    return w.appraisal.instrument_version.sections.order_by("order").first().pk


UPLOAD_FIELDS = [
    UploadField(
        "observation evidence",
        "kompetensi:observation-evidence-upload",
        "waka",
        lambda w: [w.submitted.pk],
        "file",
        lambda w: {},
        "kompetensi.Evidence",
        "file",
        "original_name",
        "evidence",
        "kompetensi:evidence-download",
    ),
    UploadField(
        "PKG evidence",
        "kompetensi:appraisal-evidence-add",
        "kepala",
        lambda w: [w.appraisal.pk],
        "file",
        lambda w: {"section": _appraisal_section(w), "note": "Dokumen RPP"},
        "kompetensi.AppraisalEvidence",
        "file",
        "original_name",
        "pkg",
        "kompetensi:appraisal-evidence-download",
    ),
    UploadField(
        "follow-up progress",
        "kompetensi:follow-up-progress",
        "guru",
        lambda w: [w.follow_up.pk],
        "file",
        lambda w: {"note": "Modul ajar sudah diperbaiki."},
        "kompetensi.Evidence",
        "file",
        "original_name",
        "evidence",
        "kompetensi:evidence-download",
    ),
    UploadField(
        "PKB certificate",
        "kompetensi:pkb-create",
        "guru",
        lambda w: [],
        "evidence",
        lambda w: {
            "kind": "diklat",
            "title": "Diklat Asesmen",
            "organiser": "BDK Surabaya",
            "start_date": "2026-08-10",
            "end_date": "2026-08-12",
            "jp": "24",
            "minutes_per_jp": "45",
        },
        "kompetensi.PkbActivity",
        "evidence",
        "evidence_name",
        "pkb",
        "kompetensi:pkb-evidence",
    ),
    UploadField(
        "activity progress",
        "mutu:activity-progress",
        "kepala",
        lambda w: [w.activity.pk],
        "evidence",
        lambda w: {"note": "Pendampingan kedua selesai."},
        "mutu.ActivityProgress",
        "evidence",
        "evidence_name",
        "mutu/evidence",
        "mutu:progress-evidence",
    ),
    UploadField(
        "manual measurement",
        "mutu:cycle-measure",
        "kepala",
        lambda w: [w.measurement.cycle_id],
        "evidence",
        lambda w: {"value": "45", "note": "Absensi wifi"},
        "mutu.Measurement",
        "evidence",
        "evidence_name",
        "mutu/measurements",
        "mutu:measurement-evidence",
    ),
]
IDS = [u.label for u in UPLOAD_FIELDS]


def _media_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _shown(response) -> str:
    """What the user reads after the post: the page (unescaped) and the flash messages."""
    text = [str(m) for m in get_messages(response.wsgi_request)]
    if response.get("Content-Type", "").startswith("text/html"):
        text.append(html.unescape(response.content.decode(errors="replace")))
    return "\n".join(text)


def _post(client, w, upload_field: UploadField, content: bytes, name: str):
    client.force_login(getattr(w, upload_field.persona).user)
    data = {**upload_field.data(w), upload_field.field: SimpleUploadedFile(name, content)}
    return client.post(reverse(upload_field.url, args=upload_field.args(w)), data)


def _refused_with(client, w, upload_field, settings, content: bytes, name: str, message: str) -> None:
    model = upload_field.model_class()
    before_rows = set(model.objects.values_list("pk", flat=True))
    before_files = _media_files(Path(settings.MEDIA_ROOT))
    response = _post(client, w, upload_field, content, name)
    assert response.status_code < 500
    assert set(model.objects.values_list("pk", flat=True)) == before_rows, "a refused upload left a row"
    assert _media_files(Path(settings.MEDIA_ROOT)) == before_files, "a refused upload left a file"
    with override("id"):
        expected = gettext(message)
    if "%(format)s" in expected:
        expected = expected % {"format": "PNG"}
    assert expected in _shown(response)


DISGUISES = {
    "a Windows program named .pdf": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "modul.pdf"),
    "an HTML page named .jpg": (b"<html><body><script>alert(1)</script></body></html>", "foto.jpg"),
    "an SVG with script named .png": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "foto.png"),
    "a shell script named .pdf": (b"#!/bin/sh\nrm -rf /\n", "rpp.pdf"),
    "a zip named .pdf": (b"PK\x03\x04" + b"\x00" * 100, "rpp.pdf"),
}
NOT_A_DOCUMENT = (
    "This file is not a PDF, JPEG or PNG. Only documents and photos are accepted; programs and "
    "scripts are refused, even when renamed."
)
DAMAGED_PNG = "The image is damaged or not really a %(format)s."
TOO_LARGE = "The file is larger than 5 MB. Send a smaller file or a photo."
TOO_MANY_PIXELS = "The image has too many pixels. Send a smaller photo."


@pytest.mark.parametrize("upload_field", UPLOAD_FIELDS, ids=IDS)
def test_a_file_whose_content_is_not_its_name_is_refused(upload_field, world, client, settings):  # noqa: F811
    for content, name in DISGUISES.values():
        _refused_with(client, world, upload_field, settings, content, name, NOT_A_DOCUMENT)
    damaged = _real_png()[:30]  # the signature and half a header
    _refused_with(client, world, upload_field, settings, damaged, "foto.png", DAMAGED_PNG)


@pytest.mark.parametrize("upload_field", UPLOAD_FIELDS, ids=IDS)
def test_a_file_over_five_megabytes_or_a_decompression_bomb_is_refused(upload_field, world, client, settings):  # noqa: F811
    content = PDF + b"0" * (5 * MB + 1 - len(PDF))
    _refused_with(client, world, upload_field, settings, content, "modul.pdf", TOO_LARGE)
    bomb = _png(100_000, 100_000)  # 10 gigapixels (30 GB decoded) in under 100 bytes
    assert len(bomb) < 100
    tracemalloc.start()
    try:
        _refused_with(client, world, upload_field, settings, bomb, "foto.png", TOO_MANY_PIXELS)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * MB, f"refusing the bomb took {peak / MB:.0f} MB"


PATH_TRICKS = [
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\x.pdf",
    "/etc/passwd.pdf",
    "C:\\Users\\guru\\modul.pdf",
    "modul\x00.pdf",
    "nama\x1b[31m.pdf",
    "a" * 300 + ".pdf",
    "مدرسة 🕌 \u202efdp.exe",
    ".htaccess",
    "modul.pdf.php",
]
STORED = {
    "evidence": re.compile(r"^evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$"),
    "pkg": re.compile(r"^pkg/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$"),
    "pkb": re.compile(r"^pkb/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$"),
    "mutu/evidence": re.compile(r"^mutu/evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$"),
    "mutu/measurements": re.compile(r"^mutu/measurements/\d{4}/\d{2}/[0-9a-f]{32}\.pdf$"),
}


@pytest.mark.parametrize("upload_field", UPLOAD_FIELDS, ids=IDS)
def test_a_name_with_path_tricks_is_stored_under_a_random_name_and_served_only_by_the_protected_view(
    upload_field,
    world,  # noqa: F811
    client,
    settings,
    tmp_path,
):
    media = Path(settings.MEDIA_ROOT).resolve()
    model = upload_field.model_class()
    outside_before = {p for p in tmp_path.rglob("*") if not p.resolve().is_relative_to(media)}
    for name in PATH_TRICKS:
        before = set(model.objects.values_list("pk", flat=True))
        response = _post(client, world, upload_field, PDF, name)
        assert response.status_code in (200, 302), (name, response.status_code)
        new = model.objects.exclude(pk__in=before)
        assert new.count() == 1, f"{name!r}: the PDF was not stored ({_shown(response)[:300]})"
        row = new.get()
        stored = getattr(row, upload_field.file_attr)
        assert STORED[upload_field.prefix].match(stored.name), (name, stored.name)
        path = Path(stored.path).resolve()
        assert path.is_relative_to(media) and path.read_bytes() == PDF
        kept = getattr(row, upload_field.name_attr)
        assert len(kept) <= 200 and not re.search(r"[\x00-\x1f\x7f/\\]", kept), (name, kept)
        # Served back through the protected view, as an attachment under a clean name ...
        download = reverse(upload_field.download, args=[row.pk])
        served = client.get(download)
        assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
        disposition = served["Content-Disposition"]
        assert "/" not in disposition.split("filename", 1)[1] and "\\" not in disposition and "\x00" not in disposition
        assert served["X-Content-Type-Options"] == "nosniff"
        # ... and never at a media URL.
        assert client.get(settings.MEDIA_URL + stored.name).status_code == 404
        # ... nor to a member who may not see the record.
        client.force_login(world.outsider.user)
        assert client.get(download).status_code == 404
        aimed_at = (media / name.replace("\\", "/").replace("\x00", "")).resolve()
        assert aimed_at.is_relative_to(media) or not aimed_at.exists(), f"{name!r} reached {aimed_at}"
    outside_after = {p for p in tmp_path.rglob("*") if not p.resolve().is_relative_to(media)}
    assert outside_after == outside_before, "a file was written outside MEDIA_ROOT"
