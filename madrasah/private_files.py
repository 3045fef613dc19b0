"""The installation's own files are its owner's only: folders 0700, files 0600, whatever the umask.

The data folder holds the SQLite database, the secret key, the broker's messages, uploaded evidence
(PKG documents, certificates), built reports and backups: personal data under UU PDP that no other
account of a shared server or mini-PC may read. A mode given to `mkdir` or `open` is narrowed by the
process umask but never widened, and a umask of 000 (a service manager's default, a container's) would
leave them world-readable: so every place that creates such a file or folder goes through here, and
what already exists is narrowed when the installation starts (`private_tree`).

Collected static files are the exception: they are public by nature and a web server running as
another user may serve them (`STORAGES["staticfiles"]` keeps them 0644/0755).

Only the standard library is imported: settings use this module before Django is set up.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PUBLIC_DIR = 0o755
PUBLIC_FILE = 0o644


def _narrow(path: Path, mode: int) -> None:
    """Set `mode` when the path allows more; a path of another owner is left alone (its owner decides)."""
    try:
        info = path.lstat()
        if not stat.S_ISLNK(info.st_mode) and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass  # removed meanwhile (a broker message consumed, a temporary file swapped in)


def private_dir(path: Path | str) -> Path:
    """Create the folder (and missing parents) owner-only, or narrow it if it exists; return it."""
    path = Path(path)
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        # The umask can only narrow this mode; another process (the worker starting beside the web
        # server) may make the folder meanwhile.
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, PRIVATE_DIR)
    for folder in [path, *missing]:
        _narrow(folder, PRIVATE_DIR)
    return path


def private_file(path: Path | str) -> None:
    """Narrow an existing file to owner-only (nothing when it does not exist)."""
    _narrow(Path(path), PRIVATE_FILE)


def open_private(path: Path | str, *, exclusive: bool = False):
    """Open `path` for writing bytes, created owner-only (a leftover file is truncated and narrowed);
    `exclusive`: refuse an existing file (FileExistsError)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    descriptor = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
        return os.fdopen(descriptor, "wb")
    except BaseException:
        os.close(descriptor)
        raise


def private_tree(root: Path | str, *, skip: Path | str | None = None) -> None:
    """Narrow a folder and everything under it (files 0600, folders 0700): what an older version or a
    restore left readable. Symbolic links are not followed; `skip` (collected static files, should
    they be kept inside) is left as it is."""
    root = Path(root)
    skip = Path(skip).resolve() if skip else None
    if not root.is_dir() or root.resolve() == skip:
        return
    _narrow(root, PRIVATE_DIR)
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if Path(folder, name).resolve() != skip]
        for name in folders:
            _narrow(Path(folder, name), PRIVATE_DIR)
        for name in files:
            _narrow(Path(folder, name), PRIVATE_FILE)


def sqlite_files(name: str) -> list[Path]:
    """The database file of a SQLite `NAME` and its WAL companions (none for an in-memory database)."""
    if not name or name == ":memory:" or str(name).startswith("file:"):
        return []
    path = Path(name)
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
