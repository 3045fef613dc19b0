"""`make run`'s launcher (madrasah/launcher.py): a process that dies is started again with a back-off
while the others keep running; Ctrl-C (to the process group, as a terminal or `.ci/run` sends it) or
SIGTERM stops every process and what they started; a killed launcher leaves nothing behind.

The last test runs the Procfile's own `web` and `worker` commands against the test database: the
worker is SIGKILLed, a task is sent while it is down, and the restarted worker runs it within 60 s
while the web keeps answering.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from celery import Celery

from madrasah.launcher import backoff_delay
from tests.madrasah.test_celery_worker import BASE_DIR, isolated_broker_url, worker_database_url

PYTHON = sys.executable
STARTED = re.compile(r"^\S+ system +\| (\S+) started \(pid (\d+)\)$", re.MULTILINE)


class RunningLauncher:
    def __init__(self, tmp_path: Path, procfile: str, *options: str, env: dict[str, str] | None = None):
        (tmp_path / "Procfile").write_text(textwrap.dedent(procfile))
        self.log_path = tmp_path / "launcher.log"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [PYTHON, "-m", "madrasah.launcher", "-f", "Procfile", *options],
                cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": str(BASE_DIR), "PYTHONUNBUFFERED": "1", **(env or {})},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # as `setsid make run` in .ci/run: the launcher leads its group
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def started(self, name: str) -> list[int]:
        """The pids `name` was started with, in order."""
        return [int(pid) for who, pid in STARTED.findall(self.log()) if who == name]

    def wait_for(self, what: str, condition, deadline: float = 60.0):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if result := condition():
                return result
            time.sleep(0.1)
        pytest.fail(f"Timed out after {deadline:.0f} s waiting for {what}.\n--- launcher output ---\n{self.log()}")

    def interrupt(self, signum: int = signal.SIGINT) -> int:
        """Ctrl-C to the launcher's process group; its exit code."""
        os.killpg(self.process.pid, signum)
        return self.process.wait(timeout=30)

    def cleanup(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        for pid in {pid for _, pid in STARTED.findall(self.log())}:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(pid), signal.SIGKILL)
        print(f"--- launcher output ---\n{self.log()}")


@pytest.fixture
def launch(tmp_path):
    launched: list[RunningLauncher] = []

    def start(procfile: str, *options: str, env: dict[str, str] | None = None) -> RunningLauncher:
        launched.append(RunningLauncher(tmp_path, procfile, *options, env=env))
        return launched[-1]

    yield start
    for launcher in launched:
        launcher.cleanup()


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] not in "ZX":
            members.append(int(entry.name))
    return members


def restart_delays(log: str, name: str) -> list[float]:
    pattern = rf"\| {name} exited with code \d+ after [\d.]+ s; starting it again in ([\d.]+) s"
    return [float(delay) for delay in re.findall(pattern, log)]


SLEEPER = f"{PYTHON} -c 'import time; print(\"up\", flush=True); time.sleep(600)'"
IGNORES_SIGTERM = (
    'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print("up", flush=True); time.sleep(600)'
)


def test_the_back_off_doubles_up_to_its_cap():
    assert [backoff_delay(quick_exits=n, first=1, cap=30) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_process_that_dies_is_started_again_with_back_off_while_the_others_keep_running(launch):
    launcher = launch(
        f"""\
        steady: {SLEEPER}
        flaky: {PYTHON} -c 'import sys; print("going down", flush=True); sys.exit(3)'
        """,
        "--backoff-first", "0.2", "--backoff-max", "0.8", "--stable-after", "60",
    )  # fmt: skip
    launcher.wait_for("five restarts of flaky", lambda: len(launcher.started("flaky")) >= 5)
    assert launcher.interrupt() == 0

    log = launcher.log()
    assert restart_delays(log, "flaky")[:4] == [0.2, 0.4, 0.8, 0.8]
    assert len(launcher.started("steady")) == 1  # never stopped by the other's deaths
    assert re.search(r"^\S+ steady +\| up$", log, re.MULTILINE)  # each line names its process
    assert re.search(r"^\S+ flaky +\| going down$", log, re.MULTILINE)
    assert "steady stopped" in log


def test_the_back_off_starts_over_once_a_process_has_run_long_enough(launch):
    launcher = launch(
        f"flaky: {PYTHON} -c 'import time; time.sleep(0.6)'\n",
        "--backoff-first", "0.2", "--stable-after", "0.5",
    )  # fmt: skip
    launcher.wait_for("three restarts", lambda: len(launcher.started("flaky")) >= 4)
    assert launcher.interrupt() == 0
    assert set(restart_delays(launcher.log(), "flaky")) == {0.2}


def test_ctrl_c_stops_every_process_and_what_it_started_even_one_that_ignores_sigterm(launch):
    launcher = launch(
        f"""\
        parent: sh -c '{PYTHON} -c "import time; time.sleep(600)" & wait'
        stubborn: {PYTHON} -c '{IGNORES_SIGTERM}'
        """,
        "--stop-timeout", "1",
    )  # fmt: skip
    launcher.wait_for("stubborn to ignore SIGTERM", lambda: "stubborn | up" in launcher.log())
    groups = [launcher.started("parent")[0], launcher.started("stubborn")[0]]
    launcher.wait_for("parent's own child", lambda: len(group_members(groups[0])) == 2)

    started = time.monotonic()
    assert launcher.interrupt() == 0
    assert time.monotonic() - started < 10
    assert [group_members(pgid) for pgid in groups] == [[], []]
    assert "sending SIGKILL to stubborn" in launcher.log()


def test_sigterm_stops_it_too(launch):
    launcher = launch(f"steady: {SLEEPER}\n")
    launcher.wait_for("steady", lambda: "steady | up" in launcher.log())
    pgid = launcher.started("steady")[0]
    os.kill(launcher.process.pid, signal.SIGTERM)  # systemd stops a service so
    assert launcher.process.wait(timeout=30) == 0
    assert group_members(pgid) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_a_killed_launcher_takes_its_processes_with_it(launch):
    launcher = launch(f"steady: {SLEEPER}\n")
    launcher.wait_for("steady", lambda: "steady | up" in launcher.log())
    pgid = launcher.started("steady")[0]
    launcher.process.kill()
    launcher.process.wait(timeout=10)
    launcher.wait_for("steady to go", lambda: group_members(pgid) == [], deadline=10)


# --- the Procfile's web and worker, a real worker killed --------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile_lines(*names: str) -> str:
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    return "\n".join(line for line in lines if line.split(":", 1)[0] in names) + "\n"


def login_page_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200 and b'name="username"' in response.read()
    except OSError:
        return False


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_comes_back_and_runs_a_task_sent_while_it_was_down(launch, tmp_path):
    from config.celery import app as configured_app

    broker_url = isolated_broker_url(configured_app.conf.broker_url)
    broker_dir = tmp_path / "broker"
    queue = f"test-launcher-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "REDIS_URL": broker_url if broker_url.startswith(("redis://", "rediss://")) else "",
        "BROKER_DIR": str(broker_dir),
        "CELERY_QUEUE": queue,
        "BIND": f"127.0.0.1:{port}",
        "DATA_DIR": str(tmp_path / "data"),
        "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ['PATH']}",
    }
    launcher = launch(procfile_lines("web", "worker"), env=env)
    sender = Celery("mutu-madrasah-test-sender", broker=broker_url, set_as_current=False)
    sender.conf.update(
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options=(
            {
                "data_folder_in": str(broker_dir / "queue"),
                "data_folder_out": str(broker_dir / "queue"),
                "control_folder": str(broker_dir / "control"),
                "store_processed": False,
            }
            if broker_url.startswith("filesystem://")
            else {}
        ),
    )
    try:
        login = f"http://127.0.0.1:{port}/masuk/"
        launcher.wait_for("the web", lambda: login_page_answers(login))
        ready = re.compile(r"^\S+ worker +\| .*\bready\.$", re.MULTILINE)
        launcher.wait_for("the worker", lambda: ready.search(launcher.log()))
        [worker_pid] = launcher.started("worker")
        web_pids = launcher.started("web")

        killed_at = time.monotonic()
        os.kill(worker_pid, signal.SIGKILL)  # the worker's main process only, as the kernel's OOM killer does
        launcher.wait_for("the launcher to see the death", lambda: "worker was killed by SIGKILL" in launcher.log())
        task_id = sender.send_task("madrasah.tasks.record_heartbeat", queue=queue).id
        assert login_page_answers(login)  # the web serves while the worker is down

        def ready_again():
            log = launcher.log()
            restarted = log.find("worker started", log.index("worker was killed by SIGKILL"))
            return restarted >= 0 and ready.search(log, restarted)

        launcher.wait_for("the worker to be ready again", ready_again, deadline=60)
        restart_seconds = time.monotonic() - killed_at
        done = re.compile(rf"Task madrasah\.tasks\.record_heartbeat\[{task_id}\] succeeded")
        launcher.wait_for("the task sent after the kill", lambda: done.search(launcher.log()), deadline=60)
        completed = time.monotonic() - killed_at
        print(
            f"worker SIGKILLed: ready again after {restart_seconds:.1f} s; "
            f"the task sent after the kill completed after {completed:.1f} s"
        )
        assert completed < 60

        assert len(launcher.started("worker")) == 2
        assert group_members(worker_pid) == []  # its pool processes went with it
        assert launcher.started("web") == web_pids  # the web was never restarted
        assert login_page_answers(login)

        stopping = time.monotonic()
        assert launcher.interrupt() == 0
        assert time.monotonic() - stopping < 15  # each stopped gracefully, none needed a SIGKILL
        assert "sending SIGKILL" not in launcher.log()
        assert "web stopped (code 0)" in launcher.log() and "worker stopped (code 0)" in launcher.log()
    finally:
        sender.close()
