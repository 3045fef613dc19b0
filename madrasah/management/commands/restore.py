"""Restore an encrypted backup made by `manage.py backup`.

    python manage.py restore FILE [--force] [--check]

Decrypts and checks the whole archive before touching anything; then replaces the database and the
files under MEDIA_ROOT. Refuses a database that already holds data unless --force (stop the web
server and the worker first). --check only verifies that the archive is complete and readable with
the configured key. Format: madrasah/backup.py.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from madrasah.backup import BackupError, configured_key, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the files from an encrypted backup archive."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .mmbak archive to restore.")
        parser.add_argument("--force", action="store_true", help="Replace a database that already holds data.")
        parser.add_argument("--check", action="store_true", help="Only decrypt and verify the archive.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, **options):
        if not options["file"]:
            raise CommandError("Name the backup file to restore.")
        try:
            result = restore_backup(
                Path(options["file"]),
                key=configured_key(),
                database=connections[options["database"]].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                force=options["force"],
                check_only=options["check"],
            )
        except BackupError as error:
            raise CommandError(error.message) from error
        if not result.restored:
            self.stdout.write(f"The backup of {result.created_at} is complete and readable ({result.files} files).")
            return
        self.stdout.write(
            f"Restored the backup of {result.created_at}: {result.engine} database and {result.files} files.\n"
            "Next: `python manage.py migrate` (when this version of the app is newer than the backup), "
            "then start the web server and the worker again."
        )
