"""The installation's files are its owner's only (issue 16, item 10): the data folder, the SQLite
database, uploads, built reports, backups and keys are 0700 folders and 0600 files even under a
permissive umask (000, a service manager's or a container's default); collected static files stay
readable by a web server running as another user."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from laporan.documents.services.reports import report_request
from madrasah.backup import generate_key, parse_key, restore_backup
from tests.hardening.test_backup import empty_database  # noqa: F401  (the fixture)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def private_below(root: Path, path: Path) -> list[str]:
    """What is not owner-only on the way from `root` (included) down to `path`."""
    wrong = []
    current = path
    while True:
        expected = 0o700 if current.is_dir() else 0o600
        if mode(current) != expected:
            wrong.append(f"{current.relative_to(root.parent)}: {oct(mode(current))}")
        if current == root:
            return wrong
        current = current.parent


@pytest.fixture
def permissive_umask():
    previous = os.umask(0)
    yield
    os.umask(previous)


# Run by `start`: the embedded default's settings, a first write, then the modes of everything in the
# data folder while the database is open (SQLite removes its WAL files when the last connection closes).
STARTUP = """
import json, os, sys
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS t (x)")
    cursor.execute("INSERT INTO t VALUES (1)")
data = sys.argv[1]
modes = {}
for folder, folders, files in os.walk(data):
    for name in folders + files:
        path = os.path.join(folder, name)
        modes[os.path.relpath(path, data)] = os.stat(path).st_mode & 0o777
print(json.dumps(modes))
"""


def start(data: Path) -> dict[str, int]:
    """A process of the embedded default on `data` under umask 000; the modes it saw, by path."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_ENV="embedded", DATA_DIR=str(data))
    done = subprocess.run(  # noqa: S603  (our own interpreter, a fixed script)
        [sys.executable, "-c", STARTUP, str(data)],
        cwd=django_settings.BASE_DIR,
        env=env,
        check=True,
        umask=0,
        timeout=120,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


DROPPED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "MEDIA_ROOT", "BACKUP_DIR", "BROKER_DIR")


def test_a_new_installation_keeps_its_data_folder_database_and_secret_key_to_its_owner(tmp_path):
    data = tmp_path / "data"
    seen = start(data)
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm", "secret_key"):
        assert seen[name] == 0o600, (name, oct(seen[name]))
    for folder in ("broker", "broker/queue", "broker/processed", "broker/control"):
        assert seen[folder] == 0o700, (folder, oct(seen[folder]))
    assert mode(data) == 0o700
    assert mode(data / "db.sqlite3") == 0o600


def test_an_older_installation_s_readable_database_and_folder_are_narrowed_when_it_starts(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "db.sqlite3").touch()
    (data / "db.sqlite3").chmod(0o644)
    start(data)
    assert mode(data) == 0o700
    assert mode(data / "db.sqlite3") == 0o600


def test_migrate_narrows_files_an_older_version_or_a_copy_left_readable(settings, tmp_path):
    data = tmp_path / "data"
    upload = data / "media" / "kompetensi" / "bukti" / "old.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(PDF)
    static = data / "static" / "css" / "app.css"
    static.parent.mkdir(parents=True)
    static.write_text("body{}")
    for path in (upload, static):
        path.chmod(0o644)
        for folder in path.relative_to(data).parents:
            (data / folder).chmod(0o755)
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = str(data / "media")
    settings.BACKUP_DIR = data / "backups"
    settings.STATIC_ROOT = str(data / "static")

    call_command("migrate", verbosity=0)

    assert private_below(data, upload) == []
    assert mode(static) == 0o644 and mode(static.parent) == 0o755  # collected static: public


def test_an_uploaded_file_is_private(login, madrasah, kepala, waka, guru, settings, tmp_path, permissive_umask):
    from kompetensi.models import Evidence
    from tests.kompetensi.test_workflow import submitted_observation

    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    observation = submitted_observation(madrasah, kepala, waka, guru)
    response = login(guru).post(
        reverse("kompetensi:observation-evidence-upload", args=[observation.pk]),
        {"file": SimpleUploadedFile("modul.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    stored = media / Evidence.objects.get().file.name
    assert stored.read_bytes() == PDF
    assert private_below(media, stored) == []


def test_a_built_report_is_private(kepala, settings, tmp_path, monkeypatch, permissive_umask):
    from laporan.documents.rules import document_kind
    from laporan.tasks import build_report

    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    monkeypatch.setattr(build_report, "apply_async", lambda *args, **kwargs: None)
    report, _joined = report_request(
        membership=kepala, kind=document_kind("semester"), period_key="2026-2027-ganjil", user=kepala.user
    )
    assert build_report.apply(args=[report.pk], task_id="task-modes").get() == "done"
    report.refresh_from_db()
    for name in (report.file.name, report.spreadsheet.name):
        assert private_below(media, media / name) == []


@pytest.mark.django_db(transaction=True)
def test_a_backup_and_what_a_restore_puts_back_are_private(
    madrasah,
    settings,
    tmp_path,
    empty_database,  # noqa: F811
    permissive_umask,
):
    key = generate_key()
    settings.BACKUP_KEY, settings.BACKUP_KEY_FILE = key, ""
    media = tmp_path / "media"
    settings.MEDIA_ROOT = str(media)
    settings.BACKUP_DIR = tmp_path / "backups"
    madrasah.emblem.save("lambang.png", ContentFile(PDF))  # any bytes: only the modes are looked at
    out = io.StringIO()
    call_command("backup", stdout=out)
    archive = Path(out.getvalue().strip())
    assert mode(settings.BACKUP_DIR) == 0o700
    assert mode(archive) == 0o600

    restored = tmp_path / "restored-media"
    result = restore_backup(archive, key=parse_key(key), database=empty_database, media_root=restored)
    assert result.restored and result.files == 1
    [emblem] = [p for p in restored.rglob("*") if p.is_file()]
    assert private_below(restored, emblem) == []
    if empty_database["ENGINE"].endswith("sqlite3"):
        assert mode(Path(empty_database["NAME"])) == 0o600


def test_a_key_file_written_by_backup_key_is_private(tmp_path, settings, permissive_umask):
    settings.BACKUP_DIR = tmp_path / "backups"
    path = tmp_path / "kunci" / "backup.key"
    path.parent.mkdir()
    call_command("backup_key", write=str(path), stdout=io.StringIO())
    assert mode(path) == 0o600


def test_collected_static_files_stay_readable_by_a_web_server(settings, tmp_path):
    """Even under a umask that would hide them (077): they are public, and the upload modes (0600)
    must not reach them."""
    from config import settings as configured

    assert configured.STORAGES["staticfiles"]["OPTIONS"] == settings.STORAGES["staticfiles"]["OPTIONS"]
    settings.STATIC_ROOT = str(tmp_path / "static")
    previous = os.umask(0o077)
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    finally:
        os.umask(previous)
    collected = list(Path(settings.STATIC_ROOT).rglob("*"))
    assert any(p.name == "htmx.min.js" for p in collected)
    hidden = [
        f"{p.relative_to(tmp_path)}: {oct(mode(p))}"
        for p in collected
        if mode(p) & (0o055 if p.is_dir() else 0o044) != (0o055 if p.is_dir() else 0o044)
    ]
    assert hidden == []
