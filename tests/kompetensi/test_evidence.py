"""Evidence uploads on an observation: judged by content (not by name), at most 5 MB, stored under
random names, served only through the protected view to those who may see the record."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse
from PIL import Image

from kompetensi.models import Evidence
from kompetensi.supervision.services import evidence, transitions
from madrasah.errors import ApplicationError
from madrasah.files import evidence_original_name

from .test_workflow import submitted_observation, texts

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def submitted(madrasah, kepala, waka, guru, media):
    return submitted_observation(madrasah, kepala, waka, guru)


def image_bytes(fmt: str, size=(64, 48), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode == "RGB" else 0).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(client, observation, name: str, content: bytes, content_type: str = "application/octet-stream"):
    return client.post(
        reverse("kompetensi:observation-evidence-upload", args=[observation.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def download(client, evidence):
    return client.get(reverse("kompetensi:evidence-download", args=[evidence.pk]))


def body(response) -> bytes:
    # Closing fires request_finished, whose close_old_connections would close the test's database
    # connection mid-test: keep it disconnected meanwhile, as the test client does during a request.
    try:
        return b"".join(response.streaming_content)
    finally:
        request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            request_finished.connect(close_old_connections)


# --- refused ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500),  # a Windows program renamed
        ("foto.jpg", b"#!/bin/sh\nrm -rf /\n"),  # a script renamed
        ("modul.png", b"<?php system($_GET['c']); ?>"),
        ("modul.pdf", b"<html><script>alert(1)</script></html>"),
        ("elf.jpeg", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
    ],
)
def test_a_renamed_program_or_script_is_refused(login, submitted, guru, media, name, content):
    response = upload(login(guru), submitted, name, content, "application/pdf")
    assert response.status_code == 302
    [message] = texts(response)
    assert "bukan PDF, JPEG atau PNG" in message and "ditolak" in message
    assert not Evidence.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_file_over_5_mb_is_refused(login, submitted, waka):
    big = PDF + b"0" * (5 * 1024 * 1024)
    response = upload(login(waka), submitted, "modul.pdf", big, "application/pdf")
    assert "5 MB" in texts(response)[0]
    assert not Evidence.objects.exists()


def test_an_empty_file_is_refused(login, submitted, waka):
    upload(login(waka), submitted, "kosong.pdf", b"", "application/pdf")
    assert not Evidence.objects.exists()


def test_a_damaged_image_is_refused(login, submitted, waka):
    response = upload(login(waka), submitted, "rusak.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 50, "image/png")
    assert texts(response) and "rusak" in texts(response)[0]
    assert not Evidence.objects.exists()


def test_a_decompression_bomb_is_refused(submitted, waka):
    # 10 000 × 10 000 one-bit pixels: a few kilobytes on disk, 100 million pixels once opened.
    bomb = image_bytes("PNG", size=(10_000, 10_000), mode="1")
    assert len(bomb) < 100_000
    with pytest.raises(ApplicationError, match="piksel|pixels"):
        evidence.observation_evidence_add(
            observation=submitted, user=waka.user, upload=SimpleUploadedFile("bom.png", bomb, content_type="image/png")
        )
    assert not Evidence.objects.exists()


def test_evidence_is_not_added_to_a_final_result(submitted, guru, kepala, waka):
    transitions.observation_acknowledge(observation=submitted, user=guru.user)
    transitions.observation_finalise(observation=submitted, user=kepala.user)
    with pytest.raises(ApplicationError):
        evidence.observation_evidence_add(
            observation=submitted,
            user=waka.user,
            upload=SimpleUploadedFile("m.pdf", PDF, content_type="application/pdf"),
        )


@pytest.mark.parametrize(("persona", "status"), [("kepala", 403), ("pengawas", 403), ("guru_lain", 404)])
def test_only_the_supervisor_and_the_teacher_upload(request, login, submitted, persona, status):
    response = upload(login(request.getfixturevalue(persona)), submitted, "m.pdf", PDF, "application/pdf")
    assert response.status_code == status
    assert not Evidence.objects.exists()


# --- accepted and served --------------------------------------------------------------------------------


def test_a_png_is_stored_under_a_random_name_and_served_to_those_who_may_see_it(
    login, submitted, guru, waka, kepala, pengawas, guru_lain, outsider, media
):
    png = image_bytes("PNG")
    response = upload(login(guru), submitted, "C:\\fakepath\\foto kelas VIII.png", png, "image/png")
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "foto kelas VIII.png"
    assert evidence.content_type == "image/png" and evidence.size == len(png)
    assert evidence.uploaded_by == guru.user and evidence.observation == submitted
    assert re.fullmatch(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.png", evidence.file.name)
    assert submitted.events.filter(action="evidence_added", note="foto kelas VIII.png").exists()

    for person in (guru, waka, kepala, pengawas):
        served = download(login(person), evidence)
        assert served.status_code == 200, person
        assert served["Content-Type"] == "image/png"
        assert served["X-Content-Type-Options"] == "nosniff"
        assert body(served) == png
    for person in (guru_lain, outsider):
        assert download(login(person), evidence).status_code == 404


def test_a_pdf_is_accepted_and_downloadable(login, submitted, waka, guru):
    upload(login(waka), submitted, "modul ajar.pdf", PDF, "application/pdf")
    evidence = Evidence.objects.get()
    assert evidence.file.name.endswith(".pdf") and evidence.content_type == "application/pdf"
    served = download(login(guru), evidence)
    assert served.status_code == 200 and served["Content-Type"] == "application/pdf"
    assert "modul ajar.pdf" in served["Content-Disposition"]
    assert body(served) == PDF


def test_the_stored_extension_follows_the_content_not_the_name(login, submitted, waka):
    jpeg = image_bytes("JPEG")
    upload(login(waka), submitted, "foto.png", jpeg, "image/png")
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/jpeg" and evidence.file.name.endswith(".jpg")


def test_another_teachers_evidence_url_is_404(login, submitted, waka, guru_lain):
    upload(login(waka), submitted, "modul.pdf", PDF, "application/pdf")
    evidence = Evidence.objects.get()
    assert download(login(guru_lain), evidence).status_code == 404


def test_the_teacher_sees_no_evidence_of_a_draft(login, madrasah, kepala, waka, guru, media):
    from .test_workflow import scored_observation, supervised_row

    draft = scored_observation(row=supervised_row(madrasah, kepala, waka, guru), supervisor=waka)
    upload(login(waka), draft, "modul.pdf", PDF, "application/pdf")
    assert download(login(guru), Evidence.objects.get()).status_code == 404


def test_original_names_keep_no_path():
    assert evidence_original_name("../../etc/passwd") == "passwd"
    assert evidence_original_name("C:\\Users\\guru\\modul.pdf") == "modul.pdf"
    assert evidence_original_name("a\x00b\n.pdf") == "ab.pdf"
    assert evidence_original_name("") == "berkas"
    long = evidence_original_name("x" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
