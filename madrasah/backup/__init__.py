"""Encrypted backups of the database and the files (`manage.py backup`, `restore`, `backup_key`).

One backup is one file, `mutu-madrasah-YYYYMMDD-HHMMSS.mmbak` in BACKUP_DIR, encrypted with a key
the madrasah holds (BACKUP_KEY, or a file named by BACKUP_KEY_FILE; never kept beside the backups).
Without the key nobody can read a backup, the madrasah included: `backup_key` says how to keep it.

What is inside, once decrypted: a tar (PAX) with, in this order,
- `backup.json`: format version, creation time, database engine, the database member's name;
- `database/db.sqlite3.gz` (SQLite: a consistent copy made with SQLite's online backup API, safe
  while the app runs, gzip-compressed) or `database/db.pgdump` (PostgreSQL: `pg_dump
  --format=custom`, compressed by pg_dump);
- `media/<path>`: every regular file under MEDIA_ROOT (uploads and built documents), not compressed
  again: PDFs, JPEGs, xlsx and zips already are, and gzip would only slow the backup down;
- `manifest.json`: the SHA-256 of the database member and of every file, checked on restore.

Encrypted file format, version 1 (all integers big-endian):

    offset  size  field
    0       8     magic b"MMBACKUP"
    8       1     format version (1)
    9       4     chunk size C: plaintext bytes per chunk
    13      8     key id: HMAC-SHA256(key, "mutu-madrasah backup key id v1")[:8]
    21      16    salt (random per backup)
    37      ...   chunks: AES-256-GCM(plaintext chunk) followed by its 16-byte tag

The 32-byte key is never used directly: each backup encrypts with
HKDF-SHA256(key, salt, "mutu-madrasah backup v1 aes-256-gcm"), so random salts keep nonces unique
across backups. The nonce of chunk i is i as 11 bytes followed by one byte, 1 for the last chunk and
0 otherwise; the 37 header bytes are the associated data of every chunk. Every chunk but the last
holds exactly C plaintext bytes; the last holds 0..C. So a changed header, a changed, swapped,
dropped or appended chunk and a cut-off file all fail authentication, and the key id tells a wrong
key apart from a damaged file before anything is decrypted. Memory stays at about two chunks
(1 MiB each by default) whatever the size of the backup.

Restore decrypts and checks everything into a staging folder first (inside MEDIA_ROOT, so that the
swap is a rename on one filesystem, Docker volumes included); only a backup that passed every check
touches the database (SQLite: online backup API into the database file; PostgreSQL: `pg_restore
--clean --if-exists --no-owner --single-transaction`, all or nothing), then the files are swapped
in. A database that already holds a madrasah or a user is replaced only with `force=True`.

Modules: `keys` (the key and BackupError), `stream` (the encrypted chunks), `database` (dump and
restore per engine), `archive` (create_backup, restore_backup, prune_backups).
"""

from madrasah.backup.archive import (
    ARCHIVE_GLOB,
    BackupResult,
    RestoreResult,
    create_backup,
    prune_backups,
    restore_backup,
)
from madrasah.backup.database import database_summary
from madrasah.backup.keys import BackupError, BackupKey, backup_dir, configured_key, generate_key, parse_key
from madrasah.backup.stream import HEADER, TAG_BYTES, DecryptingReader, EncryptingWriter

__all__ = [
    "ARCHIVE_GLOB",
    "HEADER",
    "TAG_BYTES",
    "BackupError",
    "BackupKey",
    "BackupResult",
    "DecryptingReader",
    "EncryptingWriter",
    "RestoreResult",
    "backup_dir",
    "configured_key",
    "create_backup",
    "database_summary",
    "generate_key",
    "parse_key",
    "prune_backups",
    "restore_backup",
]
