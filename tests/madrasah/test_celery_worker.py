"""A real Celery worker, in its own process, against the configured broker and the *test* database.

Isolation, so parallel test processes (pytest-xdist) and a running `make run` never share work:
- the worker gets the test database explicitly (DATABASE_URL built from the live connection, whose
  NAME is the test database, with xdist's _gwN suffix) — never the development database;
- its own queue name and worker name (unique per run);
- Redis: its own database number (1 + xdist index); filesystem transport: its own broker folder
  (tmp_path), and tmp_path as working directory, where kombu keeps its exchange tables.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery
from django.db import connection

from madrasah.models import WorkerHeartbeat

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
DEADLINE = 60.0
TASK = "madrasah.tasks.record_heartbeat"


def xdist_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    match = re.fullmatch(r"gw(\d+)", worker)
    return int(match.group(1)) if match else 0


def worker_database_url() -> str:
    """The URL of the database this test process uses now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        assert name != ":memory:" and "mode=memory" not in name, "a worker process cannot see an in-memory database"
        return f"sqlite:///{Path(name).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        user = quote(db.get("USER") or "", safe="")
        password = quote(db.get("PASSWORD") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = db.get("HOST") or ""
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{quote(db['NAME'], safe='')}"
    pytest.fail(f"No worker database URL for the {db['ENGINE']} backend")


def isolated_broker_url(configured: str) -> str:
    """The configured broker, with Redis moved to a database number of this test process."""
    parts = urlsplit(configured)
    if parts.scheme in ("redis", "rediss"):
        return urlunsplit(parts._replace(path=f"/{1 + xdist_index()}"))
    return configured


def start_worker(
    tmp_path: Path,
    *,
    broker_url: str | None = None,
    queue: str | None = None,
    pool: str = "solo",
    env: dict[str, str] | None = None,
) -> RunningWorker:
    """Start `celery worker` in its own process (and session): on `queue` (a new one of its own unless
    given: a second worker on the same queue takes over the first one's messages), against
    `broker_url` (the configured broker, isolated as above, unless given), with `pool` (`solo`: the
    task runs in the worker process; `prefork`: in one pool child) and extra `env`."""
    from config.celery import app as configured_app

    broker_url = broker_url or isolated_broker_url(configured_app.conf.broker_url)
    suffix = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{uuid.uuid4().hex[:8]}"
    queue = queue or f"test-{suffix}"
    hostname = f"test-{suffix}@{os.uname().nodename}"
    broker_dir = tmp_path / "broker"
    for sub in ("queue", "processed"):
        (broker_dir / sub).mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / f"worker-{suffix}.log"

    worker_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url if broker_url.startswith(("redis://", "rediss://")) else "",
        "BROKER_DIR": str(broker_dir),
        "CELERY_QUEUE": queue,
        "CELERY_REPORTS_QUEUE": queue,  # the documents too: this worker takes whatever the test sends
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    worker_env.pop("CELERY_BROKER_WRITE_URL", None)
    command = [
        str(CELERY), "-A", "config", "worker", "--pool", pool, "--concurrency", "1", "-l", "info",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-Q", queue, "-n", hostname,
    ]  # fmt: skip

    sender = Celery("mutu-madrasah-test-sender", broker=broker_url, set_as_current=False)
    sender.conf.update(
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options=(
            {
                "data_folder_in": str(broker_dir / "queue"),
                "data_folder_out": str(broker_dir / "queue"),
                "processed_folder": str(broker_dir / "processed"),
                "store_processed": False,
                # kombu's default is "control" relative to the working directory: the worker's is tmp_path.
                "control_folder": str(tmp_path / "control"),
            }
            if broker_url.startswith("filesystem://")
            else {}
        ),
    )

    with log_path.open("wb") as log_file:
        # cwd=tmp_path: the filesystem transport writes its exchange tables to ./control.
        process = subprocess.Popen(
            command, cwd=tmp_path, env=worker_env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    return RunningWorker(
        process=process,
        hostname=hostname,
        queue=queue,
        sender=sender,
        log_path=log_path,
        database_url=worker_env["DATABASE_URL"],
        broker_url=broker_url,
    )


def stop_workers(workers: list[RunningWorker]) -> None:
    for worker in workers:
        worker.stop()
        worker.sender.close()
    for broker_url, queue in {(w.broker_url, w.queue) for w in workers}:
        _forget_redis_queue(broker_url, queue)
    for worker in workers:
        # Shown by pytest for a failed test.
        where = f"broker: {_masked(worker.broker_url)}; queue: {worker.queue}"
        print(f"worker database: {_masked(worker.database_url)}; {where}")
        print(f"--- celery worker log ({worker.log_path}) ---\n{worker.log()}")


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start `celery worker` on a queue of its own; yields a RunningWorker, stopped at teardown."""
    worker = start_worker(tmp_path)
    try:
        yield worker
    finally:
        stop_workers([worker])


@pytest.fixture
def celery_workers(transactional_db, tmp_path):
    """`start(**options)` starts a worker (`start_worker`'s options) whenever the test wants one, or a
    second one; all are stopped at teardown."""
    started: list[RunningWorker] = []

    def start(**options) -> RunningWorker:
        worker = start_worker(tmp_path, **options)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        stop_workers(started)


def _masked(url: str) -> str:
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def _forget_redis_queue(broker_url: str, queue: str) -> None:
    if not broker_url.startswith(("redis://", "rediss://")):
        return
    import redis

    client = redis.Redis.from_url(broker_url)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()


def _group_running(group: int) -> bool:
    """Whether a process of the process group still runs (a zombie has finished)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _parent, process_group = stat.read_text().rpartition(")")[2].split()[:3]
        except (OSError, ValueError):
            continue
        if process_group == str(group) and state not in ("Z", "X"):
            return True
    return False


class RunningWorker:
    def __init__(self, *, process, hostname, queue, sender, log_path, database_url="", broker_url=""):
        self.process, self.hostname, self.queue, self.sender, self.log_path = process, hostname, queue, sender, log_path
        self.database_url, self.broker_url = database_url, broker_url

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def send(self, task_name: str) -> None:
        self.sender.send_task(task_name, queue=self.queue)

    def wait_for(self, what: str, condition, deadline: float = DEADLINE):
        """Poll `condition` until it returns something truthy; fail with the worker's log otherwise."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"The worker exited ({self.process.returncode}) before {what}.\n{self.log()}")
            time.sleep(0.25)
        pytest.fail(f"Timed out after {deadline:.0f} s waiting for {what}.\n--- worker log ---\n{self.log()}")

    def wait_for_log(self, pattern: str) -> None:
        self.wait_for(f"/{pattern}/ in the worker log", lambda: re.search(pattern, self.log()), deadline=15)

    def kill(self) -> None:
        """SIGKILL the worker and every process it started (its session): nothing gets to clean up.
        Returns once none of them runs any more: a pool child may take a moment to die after its
        parent, and a look at its claim meanwhile would still find it alive."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        end = time.monotonic() + 10
        while _group_running(self.process.pid) and time.monotonic() < end:
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def heartbeat_of(hostname: str):
    return WorkerHeartbeat.objects.filter(worker=hostname).first()


def test_worker_records_heartbeat_on_start_and_for_each_task(celery_worker):
    first = celery_worker.wait_for("the worker_ready heartbeat", lambda: heartbeat_of(celery_worker.hostname))
    celery_worker.wait_for_log(rf"{re.escape(celery_worker.hostname)} ready\.")

    celery_worker.send(TASK)
    updated = celery_worker.wait_for(
        "the record_heartbeat task to update the row",
        lambda: (row := heartbeat_of(celery_worker.hostname)) and row.seen_at > first.seen_at and row,
    )
    assert updated.seen_at > first.seen_at
    assert WorkerHeartbeat.objects.filter(worker=celery_worker.hostname).count() == 1
    celery_worker.wait_for_log(rf"Task {re.escape(TASK)}\[[0-9a-f-]+\] succeeded")
