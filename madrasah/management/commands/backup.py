"""Write one encrypted backup of the database and the files (uploads, built documents).

    python manage.py backup [--dir PATH] [--keep N]

Prints the path of the new archive (and nothing else at the default verbosity), so that a cron job
can copy it elsewhere. Needs the madrasah's key (BACKUP_KEY or BACKUP_KEY_FILE; see `backup_key`).
Safe while the app runs. Format and restore: madrasah/backup.py.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from madrasah.backup import BackupError, backup_dir, configured_key, create_backup, prune_backups


class Command(BaseCommand):
    help = "Write an encrypted backup (database and files) into BACKUP_DIR and print its path."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="Folder for the archive (default: BACKUP_DIR).")
        parser.add_argument(
            "--keep", type=int, default=0, help="Afterwards keep only the newest N archives in the folder (0: all)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, **options):
        if options["keep"] < 0:
            raise CommandError("--keep must be 0 (keep everything) or more.")
        folder = Path(options["dir"]) if options["dir"] else backup_dir()
        try:
            key = configured_key()
            result = create_backup(
                key=key,
                database=connections[options["database"]].settings_dict,
                media_root=Path(settings.MEDIA_ROOT),
                folder=folder,
            )
            removed = prune_backups(folder, keep=options["keep"])
        except BackupError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(result.path))
        if options["verbosity"] > 1:
            self.stderr.write(
                f"{result.engine} database and {result.files} files, {result.size / 1e6:.1f} MB; "
                f"{len(removed)} older archives removed."
            )
