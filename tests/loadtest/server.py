"""The server under load: its environment, the database prepared in this process, gunicorn."""

from __future__ import annotations

import http.client
import io
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .browser import Browser
from .options import HOST, Settings, SetupError
from .plan import Account, build_plan

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(settings: Settings, *, port: int, data_dir: str) -> dict[str, str]:
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_ENV")
    return {
        **{k: v for k, v in os.environ.items() if k not in dropped},
        "DJANGO_SETTINGS_MODULE": "tests.loadtest.server_settings",
        "DJANGO_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}:{port}",
        # The driver plays the TLS proxy (X-Forwarded-Proto), so plain HTTP on loopback is fine.
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": settings.database_url(settings.database),
        "DATA_DIR": data_dir,
        "LOG_LEVEL": "WARNING",
    }


def prepare(settings: Settings, env: dict[str, str]) -> dict[str, list[Account]]:
    """Migrates and seeds the new database in this process, collects static files; returns the plan."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    quiet = io.StringIO()
    call_command("migrate", interactive=False, verbosity=0, stdout=quiet)
    call_command(
        "seed_demo",
        teachers=settings.teachers,
        semesters=settings.semesters,
        seed=1,
        allow_production=True,  # a throwaway database, dropped after the run
        verbosity=0,
        stdout=quiet,
    )
    call_command("collectstatic", interactive=False, verbosity=0, stdout=quiet)
    try:
        return build_plan(teachers_wanted=settings.users)
    finally:
        connections.close_all()


def start_server(settings: Settings, env: dict[str, str], *, port: int, log: Path) -> subprocess.Popen:
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    command = [
        gunicorn,
        "config.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(settings.workers),
        "--threads",
        str(settings.threads),
        "--worker-class",
        "gthread",
        "--no-control-socket",  # gunicorn 23+ would share one socket in $HOME with any other gunicorn
        "--graceful-timeout",
        "10",
    ]
    with log.open("wb") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_for_health(port: int, server: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    """/healthz answers once the app is loaded: 200, or 503 when only the (absent) worker is missing."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SetupError(f"gunicorn stopped (exit {server.returncode}):\n{tail(log)}")
        try:
            status, _, content = Browser(port).request("GET", "/healthz")
            body = json.loads(content or b"{}")
            if status == 200 or (status == 503 and body.get("database") == "ok"):
                return
            last = f"{status} {body}"
        except (OSError, http.client.HTTPException, ValueError) as error:
            last = repr(error)
        time.sleep(0.3)
    raise SetupError(f"gunicorn did not become healthy within {timeout:g} s ({last}):\n{tail(log)}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def cpu_seconds(server: subprocess.Popen, database: str) -> tuple[float, float] | None:
    """CPU time (user + system) so far of gunicorn (master and workers) and of PostgreSQL: the backends
    serving `database`, and the backends that have ended (the postmaster's children, of any database:
    a connection closed during the window keeps its time), from /proc (Linux, the database on this
    machine); None elsewhere. Figures a busy machine does not inflate, unlike the latency."""
    ticks = os.sysconf("SC_CLK_TCK")
    gunicorn = postgres = 0
    postmasters: set[int] = set()
    try:
        entries = [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # the process ended meanwhile
            continue
        used = int(fields[11]) + int(fields[12])  # utime, stime; fields[1] is the parent
        if server.pid in (int(entry.name), int(fields[1])):
            gunicorn += used
        elif command.startswith("postgres: ") and f" {database} " in command:
            postgres += used
            postmasters.add(int(fields[1]))
    for pid in postmasters:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        postgres += int(fields[13]) + int(fields[14])  # cutime, cstime: its children that have ended
    return gunicorn / ticks, postgres / ticks


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
