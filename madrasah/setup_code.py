"""The setup code: who may prepare a blank installation ("Siapkan madrasah", /siapkan/).

A blank installation has no account to log in with, so whoever reaches its address first could make
themselves its administrator. The code proves that the person at the browser also sees the start
command's output (`make run DEMO=0`, the web service's journal) or may run `manage.py setup_code`
on the machine. It is typed into a form, never put in an address (addresses end up in the browser's
history and in the access log).

It lives in one JSON file in DATA_DIR, owner-only (0600), not in the database: it must exist before
the first account does, and a restored or replaced database must not revive an old code. The file
keeps the code, when it was made and used, and the recent failed attempts; a lock file serialises
the read-modify-write of the web's processes and threads.

Rules: at least 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups
of four; what people type is compared ignoring case, spaces and dashes, in constant time; void after
24 hours and after its single use; after 5 failed attempts within 15 minutes every attempt, even
the right code, is refused for 15 minutes.

Nothing here asks the database whether setup is still needed, except `setup_needed`: callers check
it first (the wizard refuses once a madrasah or an installation administrator exists).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from madrasah.models import Madrasah, User

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
GROUPS = 3
GROUP_LENGTH = 4
VALID_FOR = dt.timedelta(hours=24)
MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCKOUT = dt.timedelta(minutes=15)
SETUP_PATH = "/siapkan/"

FILE_NAME = "setup-code.json"
LOCK_NAME = "setup-code.lock"
# Written by the real-use start (`make run DEMO=0`, the web service): seed_demo never fills this folder.
REAL_USE_MARKER = "real-use"

_IGNORED = re.compile(r"[\s\-–—]+")


def _data_dir() -> Path:
    return Path(settings.DATA_DIR)


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    descriptor = os.open(_data_dir() / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _read() -> dict | None:
    try:
        return json.loads((_data_dir() / FILE_NAME).read_text())
    except FileNotFoundError:
        return None
    except ValueError:
        return None  # a damaged file counts as no code: a new one is issued


def _write(state: dict) -> None:
    """Write to a temporary name (0600 from its creation) and swap, so no reader sees half a file."""
    path = _data_dir() / FILE_NAME
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as out:
        os.fchmod(out.fileno(), 0o600)
        json.dump(state, out, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _valid(state: dict | None, now: dt.datetime) -> bool:
    if not state or not state.get("code") or state.get("used_at"):
        return False
    return now < _time(state["created_at"]) + VALID_FOR


def normalise(typed: str) -> str:
    """What people type, as stored: upper case, without spaces and dashes ("k7pm 3qxt-9whd" → "K7PM3QXT9WHD")."""
    return _IGNORED.sub("", typed or "").upper()


def display(code: str) -> str:
    """The stored code in groups of four for reading aloud and typing: "K7PM-3QXT-9WHD"."""
    return "-".join(code[i : i + GROUP_LENGTH] for i in range(0, len(code), GROUP_LENGTH))


def setup_code_issue(*, force: bool = False) -> str:
    """The current valid code (as displayed), or a new one when none is valid (never made, used, older
    than 24 hours) or `force`. A new code replaces the old one and starts with no failed attempts;
    an active lockout is kept (a new code is no way around the rate limit). Writes the file only."""
    with _locked():
        state = _read()
        now = timezone.now()
        if not force and _valid(state, now):
            return display(state["code"])
        code = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LENGTH))
        locked_until = (state or {}).get("locked_until")
        _write(
            {
                "code": code,
                "created_at": now.isoformat(),
                "used_at": None,
                "failed_attempts": [],
                "locked_until": locked_until if locked_until and _time(locked_until) > now else None,
            }
        )
        return display(code)


def setup_code_current() -> str | None:
    """The valid unused code (as displayed), or None."""
    state = _read()
    return display(state["code"]) if _valid(state, timezone.now()) else None


def setup_code_expires_at() -> dt.datetime | None:
    """When the valid unused code stops being valid, or None when there is none."""
    state = _read()
    return _time(state["created_at"]) + VALID_FOR if _valid(state, timezone.now()) else None


def setup_code_locked_until() -> dt.datetime | None:
    """The end of the lockout after too many failed attempts, or None when attempts are allowed."""
    state = _read()
    until = _time((state or {}).get("locked_until"))
    return until if until and until > timezone.now() else None


def setup_code_verify(code: str) -> bool:
    """True when `code` is the valid unused code. Compared in constant time after `normalise`. A
    wrong code is a failed attempt; the 5th within 15 minutes locks every attempt out for 15 minutes
    (refused without comparing). Does not use the code up: call `setup_code_consume` once the setup
    is written, or `setup_code_redeem` to check and use it in one step."""
    with _locked():
        return _check(code, consume=False)


def setup_code_redeem(code: str) -> bool:
    """`setup_code_verify` and `setup_code_consume` under one lock: of two requests with the right
    code at the same moment only one gets True."""
    with _locked():
        return _check(code, consume=True)


def setup_code_consume() -> None:
    """Mark the code used: it never verifies again (single use). Safe to repeat."""
    with _locked():
        state = _read()
        if state and not state.get("used_at"):
            state["used_at"] = timezone.now().isoformat()
            _write(state)


def _check(code: str, *, consume: bool) -> bool:
    state = _read()
    now = timezone.now()
    if state is None:
        return False
    locked_until = _time(state.get("locked_until"))
    if locked_until and now < locked_until:
        return False
    state["locked_until"] = None
    recent = [t for t in state.get("failed_attempts", []) if now - _time(t) < FAILURE_WINDOW]
    # Compare before looking at validity, so a used or expired code costs the same time as a live one.
    matches = hmac.compare_digest(normalise(code).encode(), str(state.get("code", "")).encode())
    ok = matches and _valid(state, now)
    if ok:
        recent = []
        if consume:
            state["used_at"] = now.isoformat()
    else:
        recent.append(now.isoformat())
        if len(recent) >= MAX_FAILURES:
            state["locked_until"] = (now + LOCKOUT).isoformat()
            recent = []
    state["failed_attempts"] = recent
    _write(state)
    return ok


def setup_needed() -> bool:
    """True while the installation has no madrasah and no installation administrator (an active
    superuser in no madrasah): only then does the setup code open the wizard."""
    if Madrasah.objects.exists():
        return False
    return not User.objects.filter(is_superuser=True, is_active=True).exclude(memberships__is_active=True).exists()


def real_use_mark() -> None:
    """Mark DATA_DIR as a real madrasah's folder: `seed_demo` refuses to write demo data into it."""
    marker = _data_dir() / REAL_USE_MARKER
    if not marker.exists():
        descriptor = os.open(marker, os.O_WRONLY | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write("This folder holds a real madrasah's data: the demo is never seeded here.\n")


def is_real_use() -> bool:
    return (_data_dir() / REAL_USE_MARKER).exists()
