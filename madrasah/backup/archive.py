"""Write and restore the archive: one tar of the database and MEDIA_ROOT through the encrypted stream."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.utils import timezone

from madrasah import private_files
from madrasah.backup.database import COPY_BUFFER, database_summary, dump_database, engine_of, restore_database
from madrasah.backup.keys import BackupError, BackupKey
from madrasah.backup.stream import DEFAULT_CHUNK, FORMAT_VERSION, DecryptingReader, EncryptingWriter, read_header

ARCHIVE_GLOB = "mutu-madrasah-*.mmbak"
STAGING_PREFIX = ".mutu-restore-"


class _HashingReader:
    def __init__(self, raw):
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> str | None:
    """Add one file, returning its SHA-256; None when it vanished meanwhile (a report being swapped)."""
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return None
    with handle:
        stat = os.fstat(handle.fileno())
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o600
        reader = _HashingReader(handle)
        tar.addfile(info, reader)
        return reader.sha256.hexdigest()


def _media_files(media_root: Path, exclude: list[Path]) -> list[tuple[str, Path]]:
    if not media_root.is_dir():
        return []
    files = []
    for dirpath, dirnames, filenames in os.walk(media_root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not (here == media_root and d.startswith(STAGING_PREFIX))
            and not any((here / d).resolve() == ex for ex in exclude)
        )
        for filename in sorted(filenames):
            path = here / filename
            if path.is_symlink() or not path.is_file():
                continue
            files.append((path.relative_to(media_root).as_posix(), path))
    return files


@dataclass
class BackupResult:
    path: Path
    engine: str
    files: int
    size: int


def _write_tar(writer: EncryptingWriter, *, engine: str, dump: Path, media_root: Path, exclude: list[Path]) -> int:
    """Stream the tar (backup.json, database, media, manifest.json) into `writer`;
    return how many media files went in. The plain database dump is deleted once it is in."""
    now = timezone.now()
    db_member = f"database/{dump.name}"
    info = {"format": FORMAT_VERSION, "created_at": now.isoformat(), "engine": engine, "database": db_member}
    media: dict[str, str] = {}
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        _add_bytes(tar, "backup.json", json.dumps(info).encode(), now.timestamp())
        db_sha256 = _add_file(tar, db_member, dump)
        dump.unlink()
        for relative, path in _media_files(media_root, exclude):
            digest = _add_file(tar, f"media/{relative}", path)
            if digest is not None:
                media[relative] = digest
        manifest = {"database": db_sha256, "media": media}
        _add_bytes(tar, "manifest.json", json.dumps(manifest).encode(), now.timestamp())
    return len(media)


def _archive_path(folder: Path) -> tuple[Path, int]:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 100):
        suffix = "" if attempt == 1 else f"-{attempt}"
        final = folder / f"mutu-madrasah-{stamp}{suffix}.mmbak"
        part = final.with_name(final.name + ".part")
        if final.exists():
            continue
        try:
            return final, os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
    raise BackupError(f"Cannot find a free file name in {folder}.")


def create_backup(
    *,
    key: BackupKey,
    database: dict,
    media_root: Path,
    folder: Path,
    chunk_size: int = DEFAULT_CHUNK,
) -> BackupResult:
    """Write one encrypted archive of the database and MEDIA_ROOT into `folder`.

    Changes nothing but `folder` (a `.part` file renamed when complete, so a half-written backup never
    looks finished). Safe to run while the app is in use and to retry.
    """
    media_root = Path(media_root)
    folder = private_files.private_dir(folder)
    engine = engine_of(database)
    final, fd = _archive_path(folder)
    part = final.with_name(final.name + ".part")
    try:
        with os.fdopen(fd, "wb") as out, tempfile.TemporaryDirectory(prefix="mutu-backup-") as scratch:
            _, dump = dump_database(database, Path(scratch))
            writer = EncryptingWriter(out, key, chunk_size=chunk_size)
            files = _write_tar(writer, engine=engine, dump=dump, media_root=media_root, exclude=[folder.resolve()])
            writer.finish()
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, final)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return BackupResult(path=final, engine=engine, files=files, size=final.stat().st_size)


def prune_backups(folder: Path, *, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives in `folder`; return what was deleted."""
    archives = sorted(Path(folder).glob(ARCHIVE_GLOB), key=lambda p: (p.stat().st_mtime, p.name))
    removed = archives[:-keep] if keep > 0 else []
    for path in removed:
        path.unlink()
    return removed


# --- Restore ---------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    created_at: str
    engine: str
    files: int
    restored: bool


def _member_path(name: str, prefix: str) -> PurePosixPath:
    relative = PurePosixPath(name[len(prefix) :])
    if not relative.parts or relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise BackupError(f"The backup holds an unsafe path ({name}). Nothing was restored.")
    return relative


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, target: Path) -> str:
    private_files.private_dir(target.parent)
    source = tar.extractfile(member)
    digest = hashlib.sha256()
    with private_files.open_private(target, exclusive=True) as out:
        while chunk := source.read(COPY_BUFFER):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _read_json(tar: tarfile.TarFile, member: tarfile.TarInfo) -> dict:
    if member.size > 64 << 20:
        raise BackupError("The backup is damaged (oversized index). Nothing was restored.")
    data = json.loads(tar.extractfile(member).read())
    if not isinstance(data, dict):
        raise ValueError("not an object")
    return data


@dataclass
class _Unpacked:
    info: dict
    database: Path
    media: Path
    files: int


def _unpack_members(tar: tarfile.TarFile, staging: Path) -> tuple[dict | None, dict | None, Path | None, str, dict]:
    info = manifest = database_path = None
    database_sha256 = ""
    media: dict[str, str] = {}
    for member in tar:
        name = member.name
        if member.isdir():
            continue
        if not member.isfile():
            raise BackupError(f"The backup holds a link or device ({name}). Nothing was restored.")
        if name == "backup.json" and info is None:
            info = _read_json(tar, member)
        elif name == "manifest.json" and manifest is None:
            manifest = _read_json(tar, member)
        elif name.startswith("database/") and database_path is None and info is not None:
            if name != info.get("database"):
                raise BackupError("The backup's database part does not match its index. Nothing was restored.")
            database_path = staging / "database" / _member_path(name, "database/").name
            database_sha256 = _extract(tar, member, database_path)
        elif name.startswith("media/"):
            relative = _member_path(name, "media/").as_posix()
            if relative in media:
                raise BackupError(f"The backup holds {name} twice. Nothing was restored.")
            media[relative] = _extract(tar, member, staging / "media" / relative)
        else:
            raise BackupError(f"The backup holds an unexpected part ({name}). Nothing was restored.")
    return info, manifest, database_path, database_sha256, media


def _unpack(archive: Path, key: BackupKey, staging: Path) -> _Unpacked:
    """Decrypt and unpack into `staging`, checking every byte; raise BackupError on any doubt."""
    (staging / "media").mkdir()
    with archive.open("rb") as raw:
        reader = DecryptingReader(raw, key)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                info, manifest, database_path, database_sha256, media = _unpack_members(tar, staging)
            reader.finish()
        except (tarfile.TarError, EOFError, OSError, ValueError, KeyError) as error:
            raise BackupError(f"The backup is damaged ({error}). Nothing was restored.") from error
    if info is None or manifest is None or database_path is None:
        raise BackupError("The backup is incomplete (a part is missing). Nothing was restored.")
    if info.get("format") != FORMAT_VERSION:
        raise BackupError("The backup's index has an unknown format. Nothing was restored.")
    if manifest.get("database") != database_sha256 or manifest.get("media") != media:
        raise BackupError("The backup's contents do not match its checksums. Nothing was restored.")
    if info.get("engine") == "sqlite":
        database_path = _sqlite_from_gzip(database_path)
    return _Unpacked(info=info, database=database_path, media=staging / "media", files=len(media))


def _sqlite_from_gzip(compressed: Path) -> Path:
    target = compressed.with_suffix("")
    try:
        with gzip.open(compressed, "rb") as source, target.open("xb") as out:
            shutil.copyfileobj(source, out, COPY_BUFFER)
    except (OSError, EOFError, zlib.error) as error:
        raise BackupError(f"The backed-up SQLite database is damaged ({error}). Nothing was restored.") from error
    compressed.unlink()
    with closing(sqlite3.connect(target)) as conn:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("The backed-up SQLite database is corrupt. Nothing was restored.")
    return target


def _swap_media(new: Path, media_root: Path, trash: Path) -> None:
    """Put the restored files in place of the current ones, child by child (renames on one
    filesystem: MEDIA_ROOT may be a mount point that cannot itself be renamed)."""
    trash.mkdir()
    moved: list[str] = []
    try:
        for child in sorted(media_root.iterdir()):
            if child.name.startswith(STAGING_PREFIX):
                continue
            os.replace(child, trash / child.name)
            moved.append(child.name)
        for child in sorted(new.iterdir()):
            os.replace(child, media_root / child.name)
    except OSError as error:
        for name in moved:  # put the previous files back as they were
            current = media_root / name
            if current.is_dir():
                shutil.rmtree(current)
            elif current.exists():
                current.unlink()
            os.replace(trash / name, current)
        raise BackupError(f"The database was restored but swapping the files failed: {error}.") from error


def restore_backup(
    archive: Path,
    *,
    key: BackupKey,
    database: dict,
    media_root: Path,
    force: bool = False,
    check_only: bool = False,
) -> RestoreResult:
    """Restore the database, then the files under `media_root`, from one encrypted archive.

    Refuses (BackupError, nothing changed) a wrong key, a damaged or changed archive, a backup of the
    other database engine, and a database that already holds data unless `force`. With `check_only`
    the archive is fully decrypted and checked, and nothing is restored. Stop the web server and the
    worker first: the database is replaced under them.
    """
    archive = Path(archive)
    media_root = Path(media_root)
    try:
        with archive.open("rb") as raw:
            read_header(raw, key)
    except FileNotFoundError as error:
        raise BackupError(f"There is no backup file {archive}.") from error
    engine = engine_of(database)
    if not check_only and not force:
        summary = database_summary(database)
        if any(summary.values()):
            raise BackupError(
                f"The database already holds data ({summary['madrasah']} madrasah, {summary['users']} users). "
                "A restore replaces all of it: stop the web server and the worker, then run again with --force."
            )
    private_files.private_dir(media_root)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    try:
        unpacked = _unpack(archive, key, staging)
        if unpacked.info.get("engine") != engine:
            raise BackupError(
                f"This is a backup of a {unpacked.info.get('engine')} database; this installation uses {engine}."
            )
        if not check_only:
            restore_database(engine, unpacked.database, database)
            _swap_media(unpacked.media, media_root, staging / "previous")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RestoreResult(
        created_at=str(unpacked.info.get("created_at", "")),
        engine=engine,
        files=unpacked.files,
        restored=not check_only,
    )
