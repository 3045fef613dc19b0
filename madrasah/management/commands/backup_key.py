"""Create the madrasah's backup key and say how to keep it.

    python manage.py backup_key [--write PATH]

Prints a new random key (or writes it to PATH, readable by its owner only). Backups are encrypted
with it: whoever holds it can read them, and without it nobody can, the madrasah included.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from madrasah.backup import backup_dir, generate_key

ADVICE = """\
Keep this key with the madrasah, away from the backups:
  - write it down or print it and give it to the Kepala Madrasah (a safe or a sealed envelope),
    and/or store it in a password manager the madrasah controls;
  - on this server, set it in .env as BACKUP_KEY=<key>, or put it in a file readable only by the
    account that runs the backup and set BACKUP_KEY_FILE=<path> (never inside BACKUP_DIR: {backup_dir}).
Without this key no backup can be restored. A new key does not open backups made with an old one:
keep old keys as long as their backups."""


class Command(BaseCommand):
    help = "Generate a new backup encryption key and explain how the madrasah keeps it."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="PATH", help="Write the key to this new file (mode 600).")

    def handle(self, *args, **options):
        key = generate_key()
        folder = backup_dir().resolve()
        if options["write"]:
            path = Path(options["write"]).expanduser().resolve()
            if path.is_relative_to(folder):
                raise CommandError(f"Do not keep the key inside BACKUP_DIR ({folder}): choose another place.")
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError as error:
                raise CommandError(f"{path} already exists: a key is never overwritten.") from error
            except OSError as error:
                raise CommandError(f"Cannot create {path}: {error}.") from error
            with os.fdopen(descriptor, "w", encoding="ascii") as out:
                out.write(key + "\n")
            self.stdout.write(
                f"Wrote a new backup key to {path}. Set BACKUP_KEY_FILE={path}.\n"
                f"Print it once for the Kepala Madrasah's copy: cat {path}"
            )
        else:
            self.stdout.write(f"New backup key:\n\n    {key}\n")
        self.stdout.write(ADVICE.format(backup_dir=folder))
