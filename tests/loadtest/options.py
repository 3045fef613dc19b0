"""The load test's options, from the environment (bad values stop it with a clear message)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

HOST = "127.0.0.1"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


class SetupError(Exception):
    """The load test could not be prepared (database, seed, server): exit 2 with its message."""


def _env_number(name: str, default: float, *, minimum: float, integer: bool = True) -> int | float:
    raw = os.environ.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        raise SetupError(f"{name} must be a {'whole ' if integer else ''}number, not {raw!r}.") from None
    if value < minimum:
        raise SetupError(f"{name} must be at least {minimum:g}, not {raw!r}.")
    return value


@dataclass
class Settings:
    users: int
    duration: float
    think: float
    teachers: int
    semesters: int
    workers: int
    threads: int
    spawn_rate: float
    database: str
    server_url: str

    @classmethod
    def from_env(cls) -> Settings:
        database = os.environ.get("LOAD_DB", "mutu_madrasah_load")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", database):
            raise SetupError(f"LOAD_DB must be a plain lower-case database name, not {database!r}.")
        url = os.environ.get("DATABASE_URL", "")
        server_url = url if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql", "psql") else DEFAULT_SERVER
        host = urlsplit(server_url).hostname or ""
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise SetupError(f"The load test runs on the loopback interface only; DATABASE_URL names {host!r}.")
        return cls(
            users=int(_env_number("USERS", 20, minimum=1)),
            duration=_env_number("DURATION", 30.0, minimum=1, integer=False),
            think=_env_number("THINK", 1.0, minimum=0, integer=False),
            teachers=int(_env_number("TEACHERS", 40, minimum=3)),
            semesters=int(_env_number("SEMESTERS", 2, minimum=2)),
            workers=int(_env_number("WORKERS", 4, minimum=1)),
            threads=int(_env_number("THREADS", 4, minimum=1)),
            spawn_rate=_env_number("SPAWN_RATE", 4.0, minimum=0.1, integer=False),
            database=database,
            server_url=server_url,
        )

    def database_url(self, name: str) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
