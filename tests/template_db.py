"""A migrated test database, made once and copied by every later test process.

Migrating an empty database costs each pytest process (each xdist worker, each test run alone) about
ten seconds. The first process that needs the database migrates it as usual and keeps a copy, the
template; the others copy the template: a file copy on SQLite, `CREATE DATABASE … TEMPLATE …` on
PostgreSQL, in under a second. The template's name carries a digest of everything the migrations run
(migrations, the reference data and seeds they call, the installed packages), so a change to any of
them makes a new template, and the old ones are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connections

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCT = ("config", "madrasah", "kompetensi", "mutu", "laporan")
PREFIX = "test_template_"


def digest() -> str:
    """What a migrated database depends on: the product's code (its migrations import it), the
    installed packages' migrations, and the database engine."""
    hashed = hashlib.sha256(settings.DATABASES["default"]["ENGINE"].encode())
    files = sorted(
        (str(path.relative_to(BASE_DIR)), path) for app in PRODUCT for path in (BASE_DIR / app).rglob("*.py")
    )
    files += sorted(
        (f"{config.label}/{path.name}", path)
        for config in apps.get_app_configs()
        if not config.path.startswith(str(BASE_DIR))
        for path in Path(config.path, "migrations").glob("*.py")
    )
    for name, path in files:
        hashed.update(name.encode())
        hashed.update(path.read_bytes())
    return hashed.hexdigest()[:16]


@contextlib.contextmanager
def _locked():
    """One process at a time makes or copies the template (the xdist workers start together)."""
    Path(settings.DATA_DIR).mkdir(parents=True, exist_ok=True)
    with open(Path(settings.DATA_DIR) / "test-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class _SQLite:
    def __init__(self, connection, key: str):
        self.folder = Path(settings.DATA_DIR)
        self.template = self.folder / f"{PREFIX}{key}.sqlite3"

    def exists(self) -> bool:
        return self.template.exists()

    def copy_to(self, name: str) -> None:
        for companion in ("-wal", "-shm"):  # of an earlier database of the same name
            Path(name + companion).unlink(missing_ok=True)
        shutil.copyfile(self.template, name)

    def keep(self, name: str) -> None:
        """A consistent copy (the backup API reads what is still in the WAL too), renamed into place."""
        partial = self.template.with_suffix(f".{os.getpid()}.part")
        with contextlib.closing(sqlite3.connect(name)) as source, contextlib.closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
        partial.replace(self.template)
        for old in self.folder.glob(f"{PREFIX}*.sqlite3"):
            if old != self.template:
                old.unlink(missing_ok=True)


class _PostgreSQL:
    """Templates on a server other checkouts may share: each checkout's carry its own prefix, and it
    removes only its own old ones."""

    def __init__(self, connection, key: str):
        self.connection = connection
        self.prefix = f"{PREFIX}{hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]}_"
        self.template = f"{self.prefix}{key}"

    def _admin(self, statement: str, *names: str) -> None:
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(statement.format(*map(self.connection.ops.quote_name, names)))

    def exists(self) -> bool:
        with self.connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.template])
            return cursor.fetchone() is not None

    def copy_to(self, name: str) -> None:
        self._admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
        self._admin("CREATE DATABASE {} TEMPLATE {}", name, self.template)

    def keep(self, name: str) -> None:
        self._admin("CREATE DATABASE {} TEMPLATE {}", self.template, name)
        with self.connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                [self.prefix.replace("_", r"\_") + "%", self.template],
            )
            old = [row[0] for row in cursor.fetchall()]
        for name in old:
            with contextlib.suppress(Exception):  # in use by another run: that run removes it
                self._admin("DROP DATABASE IF EXISTS {}", name)


def use_template(alias: str = "default") -> None:
    """Makes the test database of `alias` come from the template (made by this process if missing)."""
    connection = connections[alias]
    engine = connection.settings_dict["ENGINE"]
    kind = {"django.db.backends.sqlite3": _SQLite, "django.db.backends.postgresql": _PostgreSQL}.get(engine)
    if kind is None:
        return
    creation = connection.creation
    migrate_and_create = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        template = kind(connection, digest())
        with _locked():
            if not template.exists():
                name = migrate_and_create(verbosity, autoclobber, serialize, keepdb)
                connection.close()
                template.keep(name)
                return name
            name = creation._get_test_db_name()
            template.copy_to(name)
        # What create_test_db does once the migrations have run.
        connection.close()
        settings.DATABASES[alias]["NAME"] = name
        connection.settings_dict["NAME"] = name
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        call_command("createcachetable", database=alias)
        connection.ensure_connection()
        return name

    creation.create_test_db = create_test_db
