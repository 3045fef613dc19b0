"""`python -m tests.loadtest`: the users, the measured window and the report (see the package doc)."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .database import drop_database, recreate_database
from .options import HOST, Settings, SetupError
from .plan import assign_users
from .server import cpu_seconds, free_port, prepare, server_env, start_server, stop_server, tail, wait_for_health
from .swarm import Swarm, swarm

BUDGETS = {
    "load_p50": (300.0, "ms"),
    "load_p95": (1000.0, "ms"),
    "load_errors": (0, "requests"),
}


def report(run: Swarm, users: int) -> int:
    """Prints the per-page lines and the bench figures; returns the exit status."""
    for page in sorted(run.pages, key=lambda p: p.name):
        print(
            f"load: page {page.name} = {page.requests} requests, p50 {page.p50:.0f} ms, "
            f"p95 {page.p95:.0f} ms, errors {page.failures}"
        )
    for name in run.unvisited:
        print(f"load: page {name} = 0 requests, p50 0 ms, p95 0 ms, errors 0")
    for problem in run.login_errors[:5]:
        print(f"load: error: login of {problem}")
    for line in run.failures[:10]:
        print(f"load: error: {line}")
    figures = {
        "load_p50": run.total.p50,
        "load_p95": run.total.p95,
        "load_errors": run.total.failures + len(run.login_errors),
    }
    over = []
    for name, value in figures.items():
        budget, unit = BUDGETS[name]
        shown = f"{value:.2f}" if unit == "ms" else f"{value:g}"
        print(f"bench: {name} = {shown} {unit} (budget {budget:g})")
        if value > budget:
            over.append(name)
    print(f"bench: load_requests = {run.total.requests} requests")
    print(f"bench: load_generator_cpu = {100 * run.generator_cpu / run.wall:.1f} %")
    print(
        f"load: {run.total.requests} requests in {run.window:.1f} s ({run.total.requests / run.window:.1f} per "
        f"second); Locust used {run.generator_cpu:.1f} CPU s in {run.wall:.1f} s"
    )
    if run.cpu_start is not None and run.cpu_end is not None and run.total.requests:
        app, database = (end - start for start, end in zip(run.cpu_start, run.cpu_end, strict=True))
        print(
            f"load: CPU in the window: gunicorn {app:.1f} s ({app * 1000 / run.total.requests:.0f} ms a request), "
            f"PostgreSQL {database:.1f} s ({database * 1000 / run.total.requests:.0f} ms a request)"
        )
    return 1 if over or run.unvisited else 0


def main() -> int:
    try:
        settings = Settings.from_env()
        recreate_database(settings)
    except SetupError as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    data_dir = tempfile.mkdtemp(prefix="mutu-load-")
    port = free_port()
    log = Path(data_dir) / "gunicorn.log"
    server = None
    try:
        env = server_env(settings, port=port, data_dir=data_dir)
        began = time.monotonic()
        plan = prepare(settings, env)
        print(f"load: database migrated and seeded in {time.monotonic() - began:.1f} s")
        accounts = assign_users(plan, settings.users)
        roles = Counter(a.role for a in accounts)
        print(
            f"load: {settings.users} users ({', '.join(f'{n} {r}' for r, n in roles.items())}) for "
            f"{settings.duration:g} s, think 0-{2 * settings.think:g} s, gunicorn {settings.workers} workers x "
            f"{settings.threads} threads on {HOST}:{port}, PostgreSQL database {settings.database}"
        )
        server = start_server(settings, env, port=port, log=log)
        began = time.monotonic()
        wait_for_health(port, server, log)
        print(f"load: gunicorn answered in {time.monotonic() - began:.1f} s")
        run = swarm(
            accounts,
            port=port,
            users=settings.users,
            spawn_rate=settings.spawn_rate,
            duration=settings.duration,
            think=settings.think,
            folder=Path(data_dir),
            env=env,
            cpu=lambda: cpu_seconds(server, settings.database),
        )
        status = report(run, settings.users)
        if run.login_errors or run.total.failures:
            print(f"load: server log:\n{tail(log)}")
        return status
    except SetupError as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    finally:
        if server is not None:
            stop_server(server)
        try:
            drop_database(settings)
        except SetupError as error:
            print(f"load: could not drop {settings.database}: {error}", file=sys.stderr)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
