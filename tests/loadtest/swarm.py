"""Locust run headless against the server under load: the plan written for `locustfile.py`, Locust's
CSV statistics read back, and the load generator's own CPU (its process CPU seconds ÷ wall time:
on a small machine the generator shares the cores with gunicorn and PostgreSQL, so its share says how
much of the machine the figures did not get)."""

from __future__ import annotations

import csv
import json
import math
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .options import HOST
from .plan import Account

ROOT = Path(__file__).resolve().parents[2]
LOCUST = Path(sys.executable).with_name("locust")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass
class PageStats:
    name: str  # "<role> <page>", or "Aggregated"
    requests: int
    failures: int
    p50: float
    p95: float


@dataclass
class Swarm:
    pages: list[PageStats]
    total: PageStats
    failures: list[str]  # Locust's failure lines: "<occurrences> × <name>: <error>"
    login_errors: list[str]
    window: float  # seconds of the measured window (after every user arrived)
    generator_cpu: float  # the load generator's CPU seconds
    wall: float  # its wall seconds
    cpu_start: object = None
    cpu_end: object = None
    unvisited: list[str] = field(default_factory=list)


def _stats(row: dict) -> PageStats:
    def number(key: str) -> float:
        value = row.get(key) or "0"
        return 0.0 if value == "N/A" else float(value)

    return PageStats(
        row["Name"], int(number("Request Count")), int(number("Failure Count")), number("50%"), number("95%")
    )


def swarm(
    accounts: list[Account],
    *,
    port: int,
    users: int,
    spawn_rate: float,
    duration: float,
    think: float,
    folder: Path,
    env: dict[str, str],
    cpu=None,
) -> Swarm:
    """Run Locust with `users` people (`accounts`, in arrival order) for the measured `duration` after
    all have arrived (`spawn_rate` a second). `cpu()`, when given, is read when the window opens and
    at its end (the server's CPU)."""
    plan = folder / "plan.json"
    plan.write_text(
        json.dumps(
            [
                {
                    "role": a.role,
                    "username": a.username,
                    "password": a.password,
                    "pages": [[p.name, p.path] for p in a.pages],
                }
                for a in accounts
            ]
        )
    )
    arriving = math.ceil(users / spawn_rate)
    login_errors = folder / "login-errors.json"
    prefix = folder / "locust"
    command = [
        str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--users", str(users), "--spawn-rate", str(spawn_rate),
        "--run-time", f"{arriving + math.ceil(duration) + 300}s", "--csv", str(prefix),
        "--host", f"http://{HOST}:{port}", "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30",
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    run_env = {
        **env,
        "LOAD_PLAN": str(plan),
        "THINK": str(think),
        "LOAD_DURATION": str(duration),
        "LOAD_LOGIN_ERRORS": str(login_errors),
    }
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    marks: dict[str, object] = {}
    opened = threading.Timer(arriving, lambda: marks.__setitem__("start", cpu() if cpu else None))
    started = time.monotonic()
    opened.start()
    result = subprocess.run(command, cwd=ROOT, env=run_env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.monotonic() - started
    opened.cancel()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_end = cpu() if cpu else None
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise RuntimeError(f"Locust wrote no statistics (exit {result.returncode}):\n{result.stderr[-3000:]}")
    with stats_file.open(newline="") as handle:
        rows = [_stats(row) for row in csv.DictReader(handle)]
    with Path(f"{prefix}_failures.csv").open(newline="") as handle:
        failures = [f"{row['Occurrences']} × {row['Name']}: {row['Error']}" for row in csv.DictReader(handle)]
    total = next(row for row in rows if row.name == "Aggregated")
    pages = [row for row in rows if row.name not in ("Aggregated", "login")]
    expected = {f"{a.role} {p.name}" for a in accounts for p in a.pages}
    return Swarm(
        pages=pages,
        total=total,
        failures=failures,
        login_errors=json.loads(login_errors.read_text()) if login_errors.exists() else ["Locust did not finish"],
        window=max(wall - arriving, 0.001),
        generator_cpu=used,
        wall=wall,
        cpu_start=marks.get("start"),
        cpu_end=cpu_end,
        unvisited=sorted(expected - {p.name for p in pages}),
    )
