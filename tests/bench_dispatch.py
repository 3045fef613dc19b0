"""The end-of-semester dispatch of `make bench-district`, on real processes: a Redis the bench starts
itself, `celery worker` processes as the Procfile starts them, the bench's PostgreSQL database.

The dispatcher's requests are `laporan.schedules.services.reports_dispatch` (what the daily task
runs), called here with the dispatch day; each request goes through `report_enqueue` and the broker
to the report workers, which claim and build as in production.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.models import Count

ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")


def log(message: str) -> None:
    print(f"[bench-district {time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class BenchRedis:
    """redis-server on a free loopback port, append-only as docker-compose.yml runs it (`appendfsync
    everysec`, Redis's default), its files in a folder of its own. `restart()` stops it as a service
    manager does (SIGTERM: Redis writes what it holds) and starts it again on the same files."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="mutu-bench-redis-")
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.folder,
            "--appendonly", "yes", "--save", "", "--protected-mode", "yes",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.1)
        raise RuntimeError("the bench's redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


class Worker:
    """One `celery worker` process of a queue role, as the Procfile starts it, on this run's queues."""

    def __init__(self, *, role: str, name: str, env: dict[str, str], folder: Path, concurrency: int = 1):
        self.log_path = folder / f"{name}.log"
        pool = ["--pool", "solo"] if role == "default" else ["--concurrency", str(concurrency)]
        command = [
            str(CELERY), "-A", "config", "worker", "--queue-role", role, *pool, "-l", "info",
            "--without-gossip", "--without-mingle", "--hostname", f"{name}-{os.getpid()}@%h",
        ]  # fmt: skip
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603 - the Procfile's command
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while "ready." not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bench worker {name} did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@contextlib.contextmanager
def report_workers(count: int, *, env: dict[str, str], folder: Path, label: str):
    workers = []
    try:
        for n in range(count):
            workers.append(Worker(role="reports", name=f"{label}-{n + 1}", env=env, folder=folder))
        yield workers
    finally:
        for worker in workers:
            worker.stop()


@dataclass
class Heartbeats:
    """Sends the heartbeat task every `every` seconds (beat sends it every 60) to the default queue and
    measures its delay: from the send to the row the default-queue worker writes."""

    every: float = 10.0
    delays: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _loop(self) -> None:
        from django.db import connections
        from django.utils import timezone

        from madrasah.models import WorkerHeartbeat
        from madrasah.tasks import record_heartbeat

        try:
            while not self._stop.is_set():
                sent = timezone.now()
                record_heartbeat.apply_async()
                deadline = time.monotonic() + 300
                while time.monotonic() < deadline:
                    seen = WorkerHeartbeat.objects.filter(seen_at__gte=sent).values_list("seen_at", flat=True).first()
                    if seen is not None:
                        self.delays.append((seen - sent).total_seconds())
                        break
                    time.sleep(0.5)
                else:
                    self.delays.append(300.0)
                self._stop.wait(max(0.0, self.every - (timezone.now() - sent).total_seconds()))
        finally:
            connections.close_all()

    def __enter__(self) -> Heartbeats:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=320)


@dataclass
class Outcome:
    reports: int  # asked for by the dispatch
    done: int
    failed: int
    seconds: float  # from the dispatch's first request to the last report done
    built_twice: int  # claimed more than once, or with more than one revision
    errors: list[str]

    @property
    def per_minute(self) -> float:
        return self.done * 60 / self.seconds if self.seconds else 0.0


def dispatch(*, day, timeout: float = 900.0, during=None) -> Outcome:
    """Run the dispatcher for `day` and wait until every report it asked for is done or failed (or
    `timeout`). `during(progress)` is called about once a second with the share already done."""
    from laporan.models import Report, ReportStatus
    from laporan.schedules.services import reports_dispatch

    started = time.perf_counter()
    made = reports_dispatch(today=day)
    ids = [d.report_id for d in made if d.report_id]
    finished = (ReportStatus.DONE, ReportStatus.FAILED)
    deadline = time.monotonic() + timeout
    last_log = 0.0
    while True:
        settled = Report.objects.filter(pk__in=ids, status__in=finished).count()
        if settled == len(ids) or time.monotonic() > deadline:
            break
        if during is not None:
            during(settled / max(len(ids), 1))
        if time.monotonic() - last_log > 15:
            log(f"  {settled}/{len(ids)} reports built")
            last_log = time.monotonic()
        time.sleep(0.5)
    seconds = time.perf_counter() - started
    rows = Report.objects.filter(pk__in=ids).annotate(built=Count("revisions"))
    outcome = Outcome(
        reports=len(ids),
        done=rows.filter(status=ReportStatus.DONE).count(),
        failed=rows.filter(status=ReportStatus.FAILED).count(),
        seconds=seconds,
        built_twice=sum(1 for r in rows if r.attempts > 1 or r.built > 1),
        errors=sorted({r.error[:200] for r in rows if r.error})[:5],
    )
    connection.close()
    return outcome


def forget_dispatches() -> None:
    """Delete the scheduled reports and their dispatch rows, so that the next run asks again."""
    from laporan.models import Report, ReportDispatch

    ReportDispatch.objects.all().delete()
    Report.objects.filter(scheduled=True).delete()
