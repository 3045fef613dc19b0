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
    outcome = folder / "result.json"
    prefix = folder / "locust"
    command = [
        str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--users", str(users), "--spawn-rate", str(spawn_rate),
        # A bound only: the run ends when the last person has finished (locustfile.py).
        "--run-time", f"{arriving + math.ceil(duration) + 300}s", "--csv", str(prefix),
        "--host", f"http://{HOST}:{port}", "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30",
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    run_env = {**env, "LOAD_PLAN": str(plan), "THINK": str(think), "LOAD_DURATION": str(duration)}
    run_env["LOAD_RESULT"] = str(outcome)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    cpu_start = None
    with (folder / "locust.log").open("w+") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=run_env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        while process.poll() is None:
            if cpu_start is None and outcome.with_suffix(".open").exists():
                cpu_start = cpu() if cpu else None
            time.sleep(0.2)
        log.seek(0)
        output = log.read()
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_end = cpu() if cpu else None
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    stats_file = Path(f"{prefix}_stats.csv")
    if not stats_file.exists():
        raise RuntimeError(f"Locust wrote no statistics (exit {process.returncode}):\n{output[-3000:]}")
    with stats_file.open(newline="") as handle:
        rows = [_stats(row) for row in csv.DictReader(handle)]
    with Path(f"{prefix}_failures.csv").open(newline="") as handle:
        failures = [f"{row['Occurrences']} × {row['Name']}: {row['Error']}" for row in csv.DictReader(handle)]
    total = next(row for row in rows if row.name == "Aggregated")
    pages = [row for row in rows if row.name not in ("Aggregated", "login")]
    expected = {f"{a.role} {p.name}" for a in accounts for p in a.pages}
    result = json.loads(outcome.read_text()) if outcome.exists() else {"login_errors": ["Locust did not finish"]}
    return Swarm(
        pages=pages,
        total=total,
        failures=failures,
        login_errors=result["login_errors"],
        window=max(result.get("window", 0.0), 0.001),
        generator_cpu=used,
        wall=wall,
        cpu_start=cpu_start,
        cpu_end=cpu_end,
        unvisited=sorted(expected - {p.name for p in pages}),
    )
