"""Protected file serving: headers, 404s for empty, missing or escaping paths, random upload names."""

import os
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from django.http import Http404
from django.utils import timezone

from madrasah.files import RandomUploadPath, content_type_for, protected_file_response, upload_to_random
from madrasah.models import Madrasah

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def fieldfile(name: str) -> FieldFile:
    return FieldFile(instance=None, field=Madrasah._meta.get_field("emblem"), name=name)


def body(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def test_serves_the_file_as_a_private_attachment(media):
    name = default_storage.save("emblems/x.png", ContentFile(PNG))
    assert (media / name).exists()
    response = protected_file_response(fieldfile(name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="x.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == PNG


def test_inline_and_a_chosen_name(media):
    name = default_storage.save("docs/a1b2.pdf", ContentFile(b"%PDF-1.4 test"))
    response = protected_file_response(fieldfile(name), filename="Laporan Supervisi Ibu Siti", inline=True)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="Laporan Supervisi Ibu Siti.pdf"'
    body(response)


def test_non_ascii_and_unsafe_names_are_made_header_safe(media):
    name = default_storage.save("docs/b.pdf", ContentFile(b"%PDF"))
    response = protected_file_response(fieldfile(name), filename='Rapor "Aminah"\r\n/../é.pdf')
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert "\n" not in disposition and "/" not in disposition.split("''", 1)[1]
    assert disposition.endswith(".pdf")
    body(response)


@pytest.mark.parametrize(
    "stored, expected",
    [
        ("files/a.PDF", "application/pdf"),
        ("files/a.jpg", "image/jpeg"),
        ("files/a.jpeg", "image/jpeg"),
        ("files/a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("files/a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("files/a.html", "application/octet-stream"),
        ("files/a.svg", "application/octet-stream"),
        ("files/noext", "application/octet-stream"),
    ],
)
def test_content_type_allow_list(stored, expected):
    assert content_type_for(stored) == expected


def test_types_outside_the_allow_list_are_never_inline(media):
    name = default_storage.save("files/page.html", ContentFile(b"<script>alert(1)</script>"))
    response = protected_file_response(fieldfile(name), inline=True)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body(response)


def test_empty_field_is_404(media):
    with pytest.raises(Http404):
        protected_file_response(fieldfile(""))
    with pytest.raises(Http404):
        protected_file_response(fieldfile(None))


def test_missing_file_is_404(media):
    with pytest.raises(Http404):
        protected_file_response(fieldfile("emblems/gone.png"))


def test_a_directory_is_404(media):
    (media / "emblems").mkdir()
    with pytest.raises(Http404):
        protected_file_response(fieldfile("emblems"))


@pytest.mark.parametrize("name", ["../secret.txt", "emblems/../../secret.txt", "/etc/passwd"])
def test_traversal_is_404(media, name):
    (media.parent / "secret.txt").write_text("do not serve")
    with pytest.raises(Http404):
        protected_file_response(fieldfile(name))


def test_symlink_leading_out_of_media_root_is_404(media):
    secret = media.parent / "secret.txt"
    secret.write_text("do not serve")
    (media / "emblems").mkdir()
    os.symlink(secret, media / "emblems" / "link.png")
    with pytest.raises(Http404):
        protected_file_response(fieldfile("emblems/link.png"))


def test_upload_to_random_drops_the_user_name():
    upload_to = upload_to_random("evidence")
    name = upload_to(None, "../../etc/passwd.PDF")
    today = timezone.localdate()
    assert re.fullmatch(rf"evidence/{today:%Y}/{today:%m}/[0-9a-f]{{32}}\.pdf", name), name
    assert ".." not in name
    assert "passwd" not in name
    assert upload_to(None, "a.pdf") != upload_to(None, "a.pdf")


@pytest.mark.parametrize(
    "uploaded, extension",
    [
        ("Foto.JPG", ".jpg"),
        ("data.xlsx", ".xlsx"),
        ("x.php", ""),
        ("noext", ""),
        ("a.pdf.exe", ""),
        ("..\\..\\a.docx", ".docx"),
    ],
)
def test_upload_to_random_keeps_only_allowed_extensions(uploaded, extension):
    name = upload_to_random("docs")(None, uploaded)
    stem = name.rsplit("/", 1)[1]
    assert stem == stem[:32] + extension
    assert re.fullmatch(r"[0-9a-f]{32}", stem[:32])


def test_upload_to_random_is_serializable_for_migrations():
    from django.db.migrations.writer import MigrationWriter

    upload_to = upload_to_random("evidence")
    assert upload_to == RandomUploadPath("evidence/")
    path, args, kwargs = upload_to.deconstruct()
    assert (path, args) == ("madrasah.files.RandomUploadPath", ("evidence",))
    serialized, _imports = MigrationWriter.serialize(upload_to)
    assert serialized == "madrasah.files.RandomUploadPath('evidence')"


@pytest.mark.parametrize("prefix", ["", "/", "..", "a/../../b"])
def test_upload_to_random_refuses_unsafe_prefixes(prefix):
    with pytest.raises(ValueError):
        upload_to_random(prefix)
