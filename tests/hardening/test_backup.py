"""Backup and restore (madrasah.backup, `manage.py backup` / `restore` / `backup_key`).

A backup of a seeded madrasah, restored into an empty database after the original was wiped, brings
back every row (supervisions, scores, history, PKG, PKB, quality cycles, reports) and every file,
byte for byte. A wrong key, a changed archive, or a database that already holds data restores
nothing. Runs on SQLite (a new database file) and on PostgreSQL (a new database created here).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, models
from django.db.utils import load_backend

from madrasah.backup import BackupError, database_summary, generate_key, parse_key, restore_backup
from madrasah.models import Madrasah
from madrasah.services import madrasah_deactivate

pytestmark = pytest.mark.django_db(transaction=True)

APPS = ("madrasah", "kompetensi", "mutu", "laporan")
# A 1x1 PNG, so the emblem is a real image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def key(settings):
    text = generate_key()
    settings.BACKUP_KEY = text
    settings.BACKUP_KEY_FILE = ""
    return parse_key(text)


@pytest.fixture
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.BACKUP_DIR = tmp_path / "backups"
    return SimpleNamespace(media=tmp_path / "media", backups=tmp_path / "backups")


@pytest.fixture
def empty_database(tmp_path):
    """Settings of a new, empty database of the same engine, also reachable as the alias `restored`."""
    default = connections["default"].settings_dict
    postgres = default["ENGINE"].endswith("postgresql")
    if postgres:
        import psycopg
        from psycopg import sql

        name = f"{default['NAME']}_restore"
        params = {k: v for k, v in {"host": default["HOST"], "port": default["PORT"]}.items() if v}
        params.update({k: v for k, v in {"user": default["USER"], "password": default["PASSWORD"]}.items() if v})

        def admin(statement: str) -> None:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
                conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

        admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        admin("CREATE DATABASE {}")
        target = {**default, "NAME": name}
    else:
        target = {**default, "NAME": str(tmp_path / "restored.sqlite3")}
    # A connection made here, outside settings.DATABASES, is one Django's test case lets the test use.
    connections["restored"] = load_backend(target["ENGINE"]).DatabaseWrapper(target, "restored")
    yield target
    connections["restored"].close()
    del connections["restored"]
    if postgres:
        admin("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in APPS and model._meta.managed and not model._meta.proxy
    ]


def _rows(alias: str) -> dict[str, list[tuple]]:
    return {m._meta.label: list(m.objects.using(alias).order_by("pk").values_list()) for m in _models()}


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _file_names(alias: str) -> list[str]:
    names = []
    for model in _models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names += [n for n in model.objects.using(alias).values_list(field.attname, flat=True) if n]
    return names


def _attach_files() -> None:
    """Real uploads and built documents on the seeded rows: emblem, supervision evidence, PKG
    document, PKB certificate, quality-cycle evidence and a built report (PDF and workbook)."""
    from kompetensi.models import AppraisalEvidence, Evidence, Observation, PkbActivity
    from laporan.models import Report, ReportStatus
    from madrasah.models import Madrasah
    from mutu.models import ActivityProgress, Measurement

    madrasah = Madrasah.objects.get()
    madrasah.emblem.save("lambang.png", ContentFile(PNG))
    observation = Observation.objects.filter(state="final").first()
    pdf = b"%PDF-1.4 modul ajar " + os.urandom(3 * 1024 * 1024)  # spans several encrypted chunks
    Evidence.objects.create(
        madrasah=madrasah,
        observation=observation,
        file=ContentFile(pdf, name="modul-ajar.pdf"),
        original_name="Modul ajar kelas VII.pdf",
        content_type="application/pdf",
        size=len(pdf),
        uploaded_by=observation.supervisor,
    )
    evidence = AppraisalEvidence.objects.first()
    evidence.file.save("rpp.pdf", ContentFile(b"%PDF-1.4 RPP " + os.urandom(2000)))
    pkb = PkbActivity.objects.first()
    pkb.evidence.save("sertifikat.pdf", ContentFile(b"%PDF-1.4 sertifikat " + os.urandom(2000)))
    progress = ActivityProgress.objects.first()
    progress.evidence.save("foto.jpg", ContentFile(b"\xff\xd8\xff\xe0 foto " + os.urandom(2000)))
    measurement = Measurement.objects.first()
    measurement.evidence.save("hasil.pdf", ContentFile(b"%PDF-1.4 hasil " + os.urandom(2000)))
    report = Report.objects.create(
        madrasah=madrasah, kind="semester", period="2026-2027-ganjil", status=ReportStatus.DONE, number="B-1/2026"
    )
    report.file.save("laporan.pdf", ContentFile(b"%PDF-1.4 laporan semester " + os.urandom(5000)), save=False)
    report.spreadsheet.save("rekap.xlsx", ContentFile(b"PK\x03\x04 rekap " + os.urandom(5000)), save=False)
    report.size = report.file.size
    report.save()


def _backup() -> Path:
    out = io.StringIO()
    call_command("backup", stdout=out)
    return Path(out.getvalue().strip())


def test_a_restore_into_an_empty_database_brings_back_every_row_and_file(key, folders, empty_database):
    call_command("seed_demo", teachers=5, semesters=2, stdout=io.StringIO())
    _attach_files()
    # A madrasah taken off the installation is backed up like any other, and comes back inactive.
    madrasah_deactivate(madrasah=Madrasah.objects.get(), actor=None)
    rows = _rows("default")
    files = _files(folders.media)
    for label in (
        "kompetensi.Observation",
        "kompetensi.ObservationScore",
        "kompetensi.ObservationEvent",
        "kompetensi.FollowUp",
        "kompetensi.Appraisal",
        "kompetensi.AppraisalScore",
        "kompetensi.AppraisalEvent",
        "kompetensi.PkbActivity",
        "mutu.Cycle",
        "mutu.CycleEvent",
        "mutu.Measurement",
        "laporan.Report",
    ):
        assert rows[label], f"the seeded world has no {label}"
    assert len(files) == 8

    archive = _backup()
    assert archive.parent == folders.backups
    assert archive.name.startswith("mutu-madrasah-") and archive.suffix == ".mmbak"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    encrypted = archive.read_bytes()
    assert b"SQLite format 3" not in encrypted and b"PGDMP" not in encrypted
    assert b"Pamekasan" not in encrypted and PNG not in encrypted

    call_command("flush", interactive=False)
    shutil.rmtree(folders.media)
    assert not _rows("default")["kompetensi.Observation"]

    result = restore_backup(archive, key=key, database=empty_database, media_root=folders.media)

    assert result.restored and result.files == 8
    assert _rows("restored") == rows
    assert Madrasah.objects.using("restored").get().is_active is False
    assert _files(folders.media) == files
    restored_names = _file_names("restored")
    assert len(restored_names) == 8
    for name in restored_names:
        assert (folders.media / name).read_bytes() == files[name]
    assert not [p for p in folders.media.iterdir() if p.name.startswith(".mutu-restore-")]


def test_a_wrong_key_or_a_changed_archive_restores_nothing(key, folders, settings, madrasah, empty_database, tmp_path):
    madrasah.emblem.save("lambang.png", ContentFile(PNG))
    archive = _backup()
    media = tmp_path / "other-media"
    media.mkdir()
    (media / "marker.txt").write_text("tetap")
    data = archive.read_bytes()

    settings.BACKUP_KEY = generate_key()
    with pytest.raises(CommandError, match="different key"):
        call_command("restore", str(archive))
    with pytest.raises(BackupError, match="different key"):
        restore_backup(archive, key=parse_key(settings.BACKUP_KEY), database=empty_database, media_root=media)

    changed = tmp_path / "changed.mmbak"
    middle = len(data) // 2
    changed.write_bytes(data[:middle] + bytes([data[middle] ^ 1]) + data[middle + 1 :])
    with pytest.raises(BackupError, match="damaged or was changed"):
        restore_backup(changed, key=key, database=empty_database, media_root=media)

    cut = tmp_path / "cut.mmbak"
    cut.write_bytes(data[:-200])
    with pytest.raises(BackupError, match="damaged|cut off"):
        restore_backup(cut, key=key, database=empty_database, media_root=media)

    not_a_backup = tmp_path / "foto.jpg"
    not_a_backup.write_bytes(PNG)
    with pytest.raises(BackupError, match="not a Mutu Madrasah backup"):
        restore_backup(not_a_backup, key=key, database=empty_database, media_root=media)

    assert database_summary(empty_database) == {"madrasah": 0, "users": 0}
    assert sorted(p.name for p in media.iterdir()) == ["marker.txt"]
    # The untouched archive still restores with the right key.
    restore_backup(archive, key=key, database=empty_database, media_root=media)
    assert database_summary(empty_database)["madrasah"] == 1
    assert _files(media) == _files(folders.media)


def test_restore_refuses_a_database_with_data_unless_forced(key, folders, madrasah, kepala, guru):
    from madrasah.models import Madrasah
    from tests.factories.madrasah import MadrasahFactory

    madrasah.emblem.save("lambang.png", ContentFile(PNG))
    files = _files(folders.media)
    rows = _rows("default")
    archive = _backup()
    MadrasahFactory(name="MTs Swasta Baru", nsm="121235280099", npsn="20589999")
    (folders.media / "emblems" / "lain.png").write_bytes(PNG + b"lain")

    with pytest.raises(CommandError, match="already holds data.*--force"):
        call_command("restore", str(archive))
    assert Madrasah.objects.filter(name="MTs Swasta Baru").exists()
    assert (folders.media / "emblems" / "lain.png").exists()

    out = io.StringIO()
    call_command("restore", str(archive), "--force", stdout=out)

    assert "Restored the backup" in out.getvalue()
    assert _rows("default") == rows
    assert not Madrasah.objects.filter(name="MTs Swasta Baru").exists()
    assert _files(folders.media) == files


def test_backup_refuses_to_run_without_a_key(folders, settings, madrasah):
    settings.BACKUP_KEY = ""
    settings.BACKUP_KEY_FILE = ""
    with pytest.raises(CommandError, match="No backup key is configured.*backup_key"):
        call_command("backup")
    assert not list(folders.backups.glob("*"))


def test_a_key_kept_beside_the_backups_is_refused(folders, settings, madrasah):
    with pytest.raises(CommandError, match="inside BACKUP_DIR"):
        call_command("backup_key", "--write", str(folders.backups / "backup.key"), stdout=io.StringIO())
    folders.backups.mkdir()
    key_file = folders.backups / "backup.key"
    key_file.write_text(generate_key())
    settings.BACKUP_KEY = ""
    settings.BACKUP_KEY_FILE = str(key_file)
    with pytest.raises(CommandError, match="inside BACKUP_DIR"):
        call_command("backup")
    assert [p.name for p in folders.backups.iterdir()] == ["backup.key"]


def test_a_key_written_by_backup_key_makes_backups_that_check_out(folders, settings, madrasah, tmp_path):
    key_file = tmp_path / "kunci" / "backup.key"
    key_file.parent.mkdir()
    out = io.StringIO()
    call_command("backup_key", "--write", str(key_file), stdout=out)
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert "Kepala Madrasah" in out.getvalue() and "BACKUP_KEY_FILE" in out.getvalue()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_key", "--write", str(key_file), stdout=io.StringIO())

    settings.BACKUP_KEY = ""
    settings.BACKUP_KEY_FILE = str(key_file)
    first = _backup()
    second = _backup()
    third = _backup()
    assert len({first, second, third}) == 3
    checked = io.StringIO()
    call_command("restore", str(third), "--check", stdout=checked)
    assert "complete and readable" in checked.getvalue()

    call_command("backup", "--keep", "2", stdout=io.StringIO())
    assert len(list(folders.backups.glob("*.mmbak"))) == 2
    assert not first.exists()
