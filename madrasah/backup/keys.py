"""The madrasah's backup key: made by `backup_key`, read from BACKUP_KEY or BACKUP_KEY_FILE."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from madrasah.errors import ApplicationError

KEY_BYTES = 32
_KEY_ID_LABEL = b"mutu-madrasah backup key id v1"


class BackupError(ApplicationError):
    """Anything that stops a backup or a restore; the message says what to do."""


# --- Key -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupKey:
    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> bytes:
        return hmac.new(self.secret, _KEY_ID_LABEL, hashlib.sha256).digest()[:8]


def generate_key() -> str:
    """A new random key as text (URL-safe base64 of 32 bytes), for BACKUP_KEY or a key file."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_key(text: str) -> BackupKey:
    text = text.strip()
    try:
        secret = base64.urlsafe_b64decode(text.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        secret = b""
    if len(secret) != KEY_BYTES:
        raise BackupError("The backup key is not valid: expected 44 characters as printed by `manage.py backup_key`.")
    return BackupKey(secret)


def backup_dir() -> Path:
    configured = getattr(settings, "BACKUP_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "backups"


def configured_key() -> BackupKey:
    """The key from BACKUP_KEY or BACKUP_KEY_FILE (exactly one of them), refusing a key file kept
    inside BACKUP_DIR: a key beside the backups protects nothing."""
    text = getattr(settings, "BACKUP_KEY", "") or ""
    key_file = getattr(settings, "BACKUP_KEY_FILE", "") or ""
    if text and key_file:
        raise BackupError("Set BACKUP_KEY or BACKUP_KEY_FILE, not both.")
    if key_file:
        path = Path(key_file).expanduser().resolve()
        if path.is_relative_to(backup_dir().resolve()):
            raise BackupError(
                f"The backup key file {path} is inside BACKUP_DIR: keep the key away from the backups "
                "(another disk, or with the Kepala Madrasah)."
            )
        try:
            text = path.read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise BackupError(f"Cannot read the backup key file {path}: {error}.") from error
    if not text:
        raise BackupError(
            "No backup key is configured. Run `python manage.py backup_key`, keep the key it prints "
            "with the madrasah, and set BACKUP_KEY (or BACKUP_KEY_FILE) before making a backup."
        )
    return parse_key(text)
