"""`python -m tests.loadtest`: the users, the measured window and the report (see the package doc)."""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .browser import Browser, is_failure, log_in
from .database import drop_database, recreate_database
from .options import HOST, Settings, SetupError
from .plan import Account, assign_users
from .server import cpu_seconds, free_port, prepare, server_env, start_server, stop_server, tail, wait_for_health

BUDGETS = {
    "load_p50": (300.0, "ms"),
    "load_p95": (1000.0, "ms"),
    "load_errors": (0, "requests"),
}


@dataclass
class Hit:
    role: str
    page: str  # Page.name: one teacher's record and another's are the same page
    path: str
    status: int
    ms: float
    error: str = ""


@dataclass
class Run:
    hits: list[Hit] = field(default_factory=list)
    login_errors: list[str] = field(default_factory=list)
    login_ms: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    started: float = 0.0
    ended: float = 0.0
    cpu_start: tuple[float, float] | None = None  # gunicorn, PostgreSQL
    cpu_end: tuple[float, float] | None = None


def user_loop(account: Account, port: int, run: Run, ready: threading.Barrier, settings: Settings, index: int):
    rng = random.Random(index)
    time.sleep(index / settings.spawn_rate)  # people arrive one after another, not in the same instant
    browser = Browser(port)
    started = time.perf_counter()
    try:
        problem = log_in(browser, account)
    except Exception as error:  # noqa: BLE001 - whatever it is, it is this user's error, and the others wait
        problem = f"login of {account.role} failed: {error!r}"
    with run.lock:
        run.login_ms.append((time.perf_counter() - started) * 1000)
        if problem:
            run.login_errors.append(problem)
    ready.wait()  # every user is logged in: the measured window starts now (run.started)
    deadline = run.started + settings.duration
    if problem:
        return
    pages = account.pages
    first = rng.randrange(len(pages))  # users of one role do not click in lockstep
    step = 0
    # Until the window closes, and at least once round the role's pages: no page goes unchecked.
    while time.monotonic() < deadline or step < len(pages):
        page = pages[(first + step) % len(pages)]
        step += 1
        began = time.perf_counter()
        try:
            status, location, _ = browser.request("GET", page.path)
            error = f"answered {status}{f' to {location}' if location else ''}" if is_failure(status, location) else ""
        except Exception as exc:  # noqa: BLE001 - a timeout, a reset, a broken body: all count as errors
            status, error = 0, repr(exc)
        hit = Hit(account.role, page.name, page.path, status, (time.perf_counter() - began) * 1000, error)
        with run.lock:
            run.hits.append(hit)
        pause = min(rng.uniform(0, 2 * settings.think), deadline - time.monotonic())
        if pause > 0:  # a person reading the page; never past the end of the window
            time.sleep(pause)
    with run.lock:
        run.ended = max(run.ended, time.monotonic())


def drive(accounts: list[Account], port: int, settings: Settings, *, cpu) -> Run:
    """Runs one thread per user; `cpu()` is read when the window opens (all logged in) and at the end."""
    run = Run()

    def window_opens():
        run.started = time.monotonic()
        run.cpu_start = cpu()

    ready = threading.Barrier(len(accounts), action=window_opens)
    threads = [
        threading.Thread(target=user_loop, args=(account, port, run, ready, settings, i), daemon=True)
        for i, account in enumerate(accounts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.cpu_end = cpu()
    return run


def percentile(values: list[float], q: int) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(run: Run, accounts: list[Account]) -> int:
    """Prints the per-page lines and the bench figures; returns the exit status."""
    by_page: dict[tuple[str, str], list[Hit]] = defaultdict(list)
    for hit in run.hits:
        by_page[(hit.role, hit.page)].append(hit)
    for unvisited in {(a.role, p.name) for a in accounts for p in a.pages} - set(by_page):
        by_page[unvisited] = []
    for (role, page), hits in sorted(by_page.items()):
        times = [h.ms for h in hits]
        errors = sum(1 for h in hits if h.error)
        print(
            f"load: page {role} {page} = {len(hits)} requests, p50 {percentile(times, 50):.0f} ms, "
            f"p95 {percentile(times, 95):.0f} ms, errors {errors}"
        )
    failed = [h for h in run.hits if h.error]
    for problem in run.login_errors[:5]:
        print(f"load: error: {problem}")
    for hit in failed[:10]:
        print(f"load: error: {hit.role} {hit.path}: {hit.error}")
    times = [h.ms for h in run.hits]
    figures = {
        "load_p50": percentile(times, 50),
        "load_p95": percentile(times, 95),
        "load_errors": len(failed) + len(run.login_errors),
    }
    over = []
    for name, value in figures.items():
        budget, unit = BUDGETS[name]
        shown = f"{value:.2f}" if unit == "ms" else f"{value:g}"
        print(f"bench: {name} = {shown} {unit} (budget {budget:g})")
        if value > budget:
            over.append(name)
    print(f"bench: load_requests = {len(run.hits)} requests")
    window = max(run.ended - run.started, 0.001)
    login = statistics.median(run.login_ms) if run.login_ms else 0.0
    print(
        f"load: {len(run.hits)} requests in {window:.1f} s ({len(run.hits) / window:.1f} per second); "
        f"login (before the window) p50 {login:.0f} ms"
    )
    if run.cpu_start is not None and run.cpu_end is not None and run.hits:
        app, database = (end - start for start, end in zip(run.cpu_start, run.cpu_end, strict=True))
        print(
            f"load: CPU in the window: gunicorn {app:.1f} s ({app * 1000 / len(run.hits):.0f} ms a request), "
            f"PostgreSQL {database:.1f} s ({database * 1000 / len(run.hits):.0f} ms a request)"
        )
    return 1 if over else 0


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
        run = drive(accounts, port, settings, cpu=lambda: cpu_seconds(server, settings.database))
        status = report(run, accounts)
        if run.login_errors or any(h.error for h in run.hits):
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
