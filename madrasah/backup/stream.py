"""The encrypted stream of a backup (format in madrasah/backup/__init__.py): AES-256-GCM in chunks."""

from __future__ import annotations

import hmac
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from madrasah.backup.keys import KEY_BYTES, BackupError, BackupKey

MAGIC = b"MMBACKUP"
FORMAT_VERSION = 1
HEADER = struct.Struct(">8sBI8s16s")
TAG_BYTES = 16
DEFAULT_CHUNK = 1 << 20
MAX_CHUNK = 16 << 20  # a header asking for more is refused before any allocation
_HKDF_INFO = b"mutu-madrasah backup v1 aes-256-gcm"


def _chunk_cipher(key: BackupKey, salt: bytes) -> AESGCM:
    subkey = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=_HKDF_INFO).derive(key.secret)
    return AESGCM(subkey)


def _nonce(index: int, *, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only stream that encrypts into `out` chunk by chunk; `finish()` seals the last chunk."""

    def __init__(self, out, key: BackupKey, *, chunk_size: int = DEFAULT_CHUNK):
        if not 0 < chunk_size <= MAX_CHUNK:
            raise ValueError("chunk size out of range")
        self._out = out
        self._chunk_size = chunk_size
        salt = os.urandom(16)
        self._header = HEADER.pack(MAGIC, FORMAT_VERSION, chunk_size, key.key_id, salt)
        self._cipher = _chunk_cipher(key, salt)
        self._buffer = bytearray()
        self._index = 0
        self._finished = False
        out.write(self._header)

    def write(self, data) -> int:
        self._buffer += data
        # Keep at least one byte back until finish(): only then is it known which chunk is the last.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self) -> None:
        self._out.flush()

    def finish(self) -> None:
        if not self._finished:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._finished = True
            self._out.flush()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        self._out.write(self._cipher.encrypt(_nonce(self._index, last=last), plaintext, self._header))
        self._index += 1


def read_header(raw, key: BackupKey) -> tuple[bytes, int, bytes]:
    """Check the header against the key; return (header bytes, chunk size, salt)."""
    header = raw.read(HEADER.size)
    if len(header) < HEADER.size or header[:8] != MAGIC:
        raise BackupError("This file is not a Mutu Madrasah backup.")
    _magic, version, chunk_size, key_id, salt = HEADER.unpack(header)
    if version != FORMAT_VERSION:
        raise BackupError(f"This backup has format version {version}; this version of the app reads version 1.")
    if not hmac.compare_digest(key_id, key.key_id):
        raise BackupError(
            "This backup was made with a different key. Use the key the madrasah kept when it was made "
            "(BACKUP_KEY or BACKUP_KEY_FILE). Nothing was restored."
        )
    if not 0 < chunk_size <= MAX_CHUNK:
        raise BackupError("The backup is damaged (impossible chunk size). Nothing was restored.")
    return header, chunk_size, salt


class DecryptingReader:
    """A read-only stream over the plaintext of an encrypted backup; any tampering raises BackupError."""

    def __init__(self, raw, key: BackupKey):
        self._raw = raw
        self._header, self._chunk_size, salt = read_header(raw, key)
        self._cipher = _chunk_cipher(key, salt)
        self._sealed = self._chunk_size + TAG_BYTES
        self._next = raw.read(self._sealed)
        self._index = 0
        self._plain = b""
        self._offset = 0
        self._done = False

    def _advance(self) -> bool:
        if self._done:
            return False
        current = self._next
        self._next = self._raw.read(self._sealed) if len(current) == self._sealed else b""
        last = not self._next
        if len(current) < TAG_BYTES:
            raise BackupError("The backup is cut off (incomplete file). Nothing was restored.")
        try:
            self._plain = self._cipher.decrypt(_nonce(self._index, last=last), current, self._header)
        except InvalidTag as error:
            raise BackupError(
                f"The backup is damaged or was changed (part {self._index + 1} failed its check). Nothing was restored."
            ) from error
        self._offset = 0
        self._index += 1
        self._done = last
        return True

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            parts = [self._plain[self._offset :]]
            while self._advance():
                parts.append(self._plain)
            self._plain, self._offset = b"", 0
            return b"".join(parts)
        while self._offset >= len(self._plain):
            if not self._advance():
                return b""
        data = self._plain[self._offset : self._offset + size]
        self._offset += len(data)
        return data

    def finish(self) -> None:
        """Read and authenticate what is left, so that a cut-off or extended file is noticed."""
        while self._advance():
            pass
