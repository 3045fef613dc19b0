"""Dump and restore the database: SQLite through its online backup API, PostgreSQL through
pg_dump / pg_restore (the password in PGPASSWORD, never on the command line)."""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump and psql, run with argument lists
from contextlib import closing
from pathlib import Path

import psycopg
from django.db import connections

from madrasah import private_files
from madrasah.backup.keys import BackupError

COPY_BUFFER = 1 << 20


def engine_of(database: dict) -> str:
    engine = database.get("ENGINE", "")
    if engine.endswith("sqlite3"):
        name = str(database.get("NAME", ""))
        if not name or name == ":memory:" or name.startswith("file:"):
            raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_command(program: str, database: dict) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore; the password goes in PGPASSWORD, never argv."""
    args = [program, "--no-password"]
    if database.get("HOST"):
        args.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        args.append(f"--port={database['PORT']}")
    if database.get("USER"):
        args.append(f"--username={database['USER']}")
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    options = database.get("OPTIONS") or {}
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(option):
            env[f"PG{option.upper()}"] = str(options[option])
    return args, env


def _run(args: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    except FileNotFoundError as error:
        raise BackupError(
            f"{args[0]} is missing: install PostgreSQL's client programs (Debian: postgresql-client), "
            "of the server's major version or newer."
        ) from error
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-5:]
        raise BackupError(f"{what} failed: " + " / ".join(detail))


def dump_database(database: dict, folder: Path) -> tuple[str, Path]:
    engine = engine_of(database)
    if engine == "sqlite":
        source_path = Path(database["NAME"])
        if not source_path.is_file():
            raise BackupError(f"The database file {source_path} does not exist.")
        target = folder / "db.sqlite3"
        source = sqlite3.connect(source_path, timeout=30)
        copy = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while the app keeps writing
            # (a plain file copy of a WAL database can miss committed pages or tear them).
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
        finally:
            copy.close()
            source.close()
        compressed = target.with_name(target.name + ".gz")
        with target.open("rb") as plain, gzip.open(compressed, "wb", compresslevel=6) as out:
            shutil.copyfileobj(plain, out, COPY_BUFFER)
        target.unlink()
        return engine, compressed
    target = folder / "db.pgdump"
    args, env = _pg_command("pg_dump", database)
    _run([*args, "--format=custom", f"--file={target}", f"--dbname={database['NAME']}"], env, "pg_dump")
    return engine, target


def database_summary(database: dict) -> dict[str, int]:
    """How many madrasah and users the database holds (zeros when it has no tables yet)."""
    # Imported here: `madrasah.backup` also serves plain Python without Django set up (`generate_key`).
    from madrasah.models import Madrasah, User

    tables = {"madrasah": Madrasah._meta.db_table, "users": User._meta.db_table}
    if engine_of(database) == "sqlite":
        path = Path(database["NAME"])
        if not path.exists():
            return dict.fromkeys(tables, 0)
        with closing(sqlite3.connect(path, timeout=30)) as conn:
            present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return {
                label: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] if table in present else 0  # noqa: S608  # nosec B608
                for label, table in tables.items()
            }
    params = {
        "dbname": database["NAME"],
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
    }
    params.update({k: v for k, v in (database.get("OPTIONS") or {}).items() if k.startswith("ssl")})
    try:
        conn = psycopg.connect(**{k: v for k, v in params.items() if v is not None}, autocommit=True)
    except psycopg.OperationalError as error:
        raise BackupError(
            f"Cannot connect to the database {database['NAME']}: {error}. Create it first (an empty database)."
        ) from error
    with conn:
        summary = {}
        for label, table in tables.items():
            exists = conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0]
            summary[label] = conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] if exists else 0  # noqa: S608  # nosec B608
        return summary


def restore_database(engine: str, dump: Path, database: dict) -> None:
    # Our own pooled connections would hold locks (PostgreSQL) or a stale view (SQLite).
    connections.close_all()
    if engine == "sqlite":
        target = Path(database["NAME"])
        private_files.private_dir(target.parent)
        source = sqlite3.connect(dump)
        destination = sqlite3.connect(target, timeout=30)
        try:
            # Page by page under one lock: readers see the old database or the new, never a mix.
            source.backup(destination)
        except sqlite3.Error as error:
            raise BackupError(f"Restoring the SQLite database failed: {error}.") from error
        finally:
            destination.close()
            source.close()
        for path in private_files.sqlite_files(str(target)):  # a new file is made as the umask allows
            private_files.private_file(path)
        return
    args, env = _pg_command("pg_restore", database)
    _run(
        [
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={database['NAME']}",
            str(dump),
        ],
        env,
        "pg_restore",
    )
