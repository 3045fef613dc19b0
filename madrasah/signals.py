from pathlib import Path

from celery.signals import worker_ready
from django.conf import settings
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from . import private_files
from .backup import backup_dir
from .services import heartbeat_record


@worker_ready.connect
def record_heartbeat_on_start(sender=None, **kwargs):
    heartbeat_record(worker=getattr(sender, "hostname", "worker"))


@receiver(connection_created)
def keep_sqlite_private(sender, connection, **kwargs):
    """SQLite creates its database (and the WAL files, which copy its mode) as the umask allows:
    narrow them to the owner on every new connection (a few stat calls)."""
    if connection.vendor == "sqlite":
        for path in private_files.sqlite_files(connection.settings_dict["NAME"]):
            private_files.private_file(path)


@receiver(post_migrate)
def narrow_data_files(sender, **kwargs):
    """`migrate` runs at every start (`make run`, the compose `migrate` service): narrow what an older
    version, a restore or a copy by hand left readable in the data folder, uploads and backups."""
    if sender.name != "madrasah":
        return
    static_root = Path(settings.STATIC_ROOT) if settings.STATIC_ROOT else None
    for root in {Path(settings.DATA_DIR), Path(settings.MEDIA_ROOT), backup_dir()}:
        private_files.private_tree(root, skip=static_root)
