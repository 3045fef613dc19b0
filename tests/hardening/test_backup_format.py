"""The encrypted stream of a backup (madrasah.backup): what goes in comes out whatever its length, and
every way of changing the file (a byte, the header, a dropped, swapped or added chunk, a cut) is
refused. Small chunks here, so that a few bytes span many of them."""

import io

import pytest

from madrasah.backup import (
    HEADER,
    TAG_BYTES,
    BackupError,
    DecryptingReader,
    EncryptingWriter,
    generate_key,
    parse_key,
)

CHUNK = 64
SEALED = CHUNK + TAG_BYTES


def _encrypt(plaintext: bytes, key, *, pieces: int = 7) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, key, chunk_size=CHUNK)
    step = max(1, len(plaintext) // pieces)
    for start in range(0, len(plaintext), step):  # writes of uneven size, as gzip makes them
        writer.write(plaintext[start : start + step])
    writer.finish()
    return out.getvalue()


def _decrypt(data: bytes, key, *, read_size: int = 50) -> bytes:
    reader = DecryptingReader(io.BytesIO(data), key)
    parts = []
    while part := reader.read(read_size):
        parts.append(part)
    reader.finish()
    return b"".join(parts)


@pytest.fixture
def key():
    return parse_key(generate_key())


@pytest.mark.parametrize("length", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5])
def test_what_is_encrypted_comes_back_whatever_its_length(key, length):
    plaintext = bytes(range(256)) * (length // 256 + 1)
    plaintext = plaintext[:length]
    data = _encrypt(plaintext, key)
    chunks = max(1, -(-length // CHUNK))
    assert len(data) == HEADER.size + length + chunks * TAG_BYTES
    assert _decrypt(data, key) == plaintext
    assert DecryptingReader(io.BytesIO(data), key).read() == plaintext


def test_the_same_content_never_encrypts_the_same_way_twice(key):
    plaintext = b"nilai supervisi " * 20
    first, second = _encrypt(plaintext, key), _encrypt(plaintext, key)
    assert first[HEADER.size :] != second[HEADER.size :]
    assert plaintext[:16] not in first


def test_another_key_is_told_apart_before_decrypting(key):
    data = _encrypt(b"x" * 500, key)
    with pytest.raises(BackupError, match="different key"):
        DecryptingReader(io.BytesIO(data), parse_key(generate_key()))


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda d: d[: HEADER.size + 3] + bytes([d[HEADER.size + 3] ^ 0x80]) + d[HEADER.size + 4 :], id="byte"
        ),
        pytest.param(lambda d: d[:30] + bytes([d[30] ^ 1]) + d[31:], id="salt-in-header"),
        pytest.param(lambda d: d[: HEADER.size + SEALED] + d[HEADER.size + 2 * SEALED :], id="dropped-chunk"),
        pytest.param(
            lambda d: (
                d[: HEADER.size]
                + d[HEADER.size + SEALED : HEADER.size + 2 * SEALED]
                + d[HEADER.size : HEADER.size + SEALED]
                + d[HEADER.size + 2 * SEALED :]
            ),
            id="swapped-chunks",
        ),
        pytest.param(lambda d: d[: HEADER.size + 2 * SEALED], id="cut-at-a-chunk-boundary"),
        pytest.param(lambda d: d[:-1], id="cut-in-a-chunk"),
        pytest.param(lambda d: d + d[HEADER.size : HEADER.size + SEALED], id="appended-chunk"),
    ],
)
def test_any_change_to_the_file_is_refused(key, change):
    data = _encrypt(bytes(range(256)) * 2, key)  # 512 bytes: 8 chunks
    with pytest.raises(BackupError, match="damaged|changed|cut off"):
        _decrypt(change(data), key)


def test_a_file_that_is_no_backup_or_an_unknown_version_is_refused(key):
    with pytest.raises(BackupError, match="not a Mutu Madrasah backup"):
        DecryptingReader(io.BytesIO(b"PK\x03\x04 a zip file"), key)
    data = bytearray(_encrypt(b"abc", key))
    data[8] = 2
    with pytest.raises(BackupError, match="format version 2"):
        DecryptingReader(io.BytesIO(bytes(data)), key)


@pytest.mark.parametrize(
    "text", ["", "short", "A" * 44, generate_key()[:-2]], ids=["empty", "short", "not-base64-key", "truncated"]
)
def test_a_malformed_key_is_refused_with_a_clear_message(text):
    with pytest.raises(BackupError, match="not valid"):
        parse_key(text)
