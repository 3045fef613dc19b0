"""`make run`'s foreground launcher: the Procfile's processes (web, worker, beat), each started again
when it dies, until Ctrl-C.

A Procfile runner such as honcho stops every process as soon as one of them exits: a worker killed
by the kernel (out of memory) would take the web and beat down with it, and nothing would answer
until someone restarted it by hand. Here a process that dies is started again after a back-off (1 s,
2 s, 4 s … at most 30 s; back to 1 s once it has run for a minute), while the others keep running:
the web keeps serving through a worker's restart. The web is restarted the same way as the others.

Ctrl-C, SIGTERM or SIGHUP stop everything: each process gets SIGTERM (its graceful stop: gunicorn
finishes its requests, the worker its task), SIGKILL after --stop-timeout seconds (with whatever it
started), and the launcher exits once all have stopped; a second Ctrl-C kills at once. It stays in
the foreground: no daemon, no pid file, no control port (under systemd it is the service's main
process).

Each process runs as `sh -c 'exec <Procfile command>'` in a session of its own, so a Ctrl-C in the
terminal reaches the launcher only (the worker would take a second SIGINT from the terminal as "stop
now, drop the task"), and what a dead process leaves behind (a Celery pool child, a gunicorn worker)
is killed with it before the restart. On Linux each process also gets SIGTERM if the launcher itself
is killed, so none outlives it.

Each output line carries the time and the process name, as honcho prints them. Standard library
only: no Django here, so the launcher holds no settings, database or broker connection of its own.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import functools
import os
import re
import selectors
import signal
import subprocess  # nosec B404 # starts the Procfile's commands, nothing from input
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")
LINE_LIMIT = 64 * 1024  # a process that writes a very long line without a newline is printed in pieces
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def procfile_read(path: Path) -> list[tuple[str, str]]:
    """The (name, command) pairs of a Procfile, in its order."""
    entries = []
    for line in path.read_text().splitlines():
        if match := PROCFILE_LINE.match(line.strip()):
            entries.append((match.group(1), match.group(2)))
    if not entries:
        raise SystemExit(f"{path}: no process to start")
    return entries


def backoff_delay(*, quick_exits: int, first: float, cap: float) -> float:
    """Seconds to wait before a restart after `quick_exits` exits in a row that came too soon."""
    return min(first * 2 ** max(quick_exits - 1, 0), cap)


def _die_with_parent(launcher_pid: int) -> None:
    """In the child, before exec: SIGTERM when the launcher dies (Linux's PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
        if os.getppid() != launcher_pid:  # the launcher died before prctl took effect
            os._exit(1)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


@dataclass
class Child:
    name: str
    command: str
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_exits: int = 0
    restart_at: float | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None


class Launcher:
    def __init__(
        self,
        entries: list[tuple[str, str]],
        *,
        backoff_first: float = 1.0,
        backoff_max: float = 30.0,
        stable_after: float = 60.0,
        stop_timeout: float = 15.0,
        out=None,
    ):
        self.children = [Child(name, command) for name, command in entries]
        self.backoff_first, self.backoff_max = backoff_first, backoff_max
        self.stable_after, self.stop_timeout = stable_after, stop_timeout
        self.out = out or sys.stdout
        self.width = max(len(name) for name, _ in [*entries, ("system", "")])
        self.selector = selectors.DefaultSelector()
        self.stop_requested: int | None = None
        self.kill_requested = False

    # --- output ---------------------------------------------------------------------------------

    def say(self, name: str, text: str) -> None:
        # A closed terminal must not stop the supervision: the processes keep running.
        with contextlib.suppress(OSError, ValueError):
            self.out.write(f"{time.strftime('%H:%M:%S')} {name:<{self.width}} | {text}\n")
            self.out.flush()

    def _pump(self, timeout: float) -> None:
        """Print what the processes wrote, waiting at most `timeout` seconds for something."""
        for key, _ in self.selector.select(timeout):
            name, buffer = key.data
            try:
                chunk = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            buffer.extend(chunk)
            while True:
                if (end := buffer.find(b"\n")) >= 0:
                    line, consumed = buffer[:end], end + 1
                elif len(buffer) >= LINE_LIMIT:
                    line, consumed = buffer[:LINE_LIMIT], LINE_LIMIT
                else:
                    break
                self.say(name, line.decode(errors="replace").rstrip("\r"))
                del buffer[:consumed]
            if not chunk:  # end of output: the process and whatever it started have closed the pipe
                if buffer:
                    self.say(name, buffer.decode(errors="replace"))
                self.selector.unregister(key.fileobj)
                key.fileobj.close()

    # --- processes ------------------------------------------------------------------------------

    def _start(self, child: Child) -> None:
        child.restart_at = None
        child.process = subprocess.Popen(  # noqa: S603 - the commands of the project's own Procfile  # nosec B603
            ["/bin/sh", "-c", f"exec {child.command}"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=functools.partial(_die_with_parent, os.getpid()),  # safe: the launcher has no threads
        )
        child.started_at = time.monotonic()
        os.set_blocking(child.process.stdout.fileno(), False)
        self.selector.register(child.process.stdout, selectors.EVENT_READ, (child.name, bytearray()))
        self.say("system", f"{child.name} started (pid {child.process.pid})")

    @staticmethod
    def _signal_group(child: Child, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signum)  # its session: the pid is the group's id

    def _exited(self, child: Child, now: float) -> None:
        """A process ended by itself: kill what it left behind, and plan its restart."""
        self._signal_group(child, signal.SIGKILL)
        code = child.process.returncode
        how = f"was killed by {_signal_name(-code)}" if code < 0 else f"exited with code {code}"
        ran = now - child.started_at
        child.quick_exits = 1 if ran >= self.stable_after else child.quick_exits + 1
        delay = backoff_delay(quick_exits=child.quick_exits, first=self.backoff_first, cap=self.backoff_max)
        child.restart_at = now + delay
        self.say("system", f"{child.name} {how} after {ran:.1f} s; starting it again in {delay:g} s")

    def _on_signal(self, signum, _frame) -> None:
        if self.stop_requested is None:
            self.stop_requested = signum
        else:
            self.kill_requested = True

    def _stop_all(self) -> None:
        self.say("system", f"{_signal_name(self.stop_requested)} received: stopping every process")
        running = [child for child in self.children if child.running]
        for child in running:
            self.say("system", f"sending SIGTERM to {child.name} (pid {child.process.pid})")
            # To the process only: it stops its own children (gunicorn's workers, the worker's pool);
            # a SIGTERM to a pool child directly would leave the worker waiting for it.
            with contextlib.suppress(ProcessLookupError):
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while any(child.process.poll() is None for child in running):
            if self.kill_requested or time.monotonic() >= deadline:
                for child in running:
                    if child.process.poll() is None:
                        self.say("system", f"sending SIGKILL to {child.name} (pid {child.process.pid})")
                        self._signal_group(child, signal.SIGKILL)
                        child.process.wait()
                break
            self._pump(0.1)
        for child in running:
            self._signal_group(child, signal.SIGKILL)  # anything a stopped process left behind
            self.say("system", f"{child.name} stopped (code {child.process.returncode})")
        end = time.monotonic() + 1
        while self.selector.get_map() and time.monotonic() < end:
            self._pump(0.1)

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        for child in self.children:
            self._start(child)
        while self.stop_requested is None:
            self._pump(0.2)
            now = time.monotonic()
            for child in self.children:
                if child.process is not None and child.restart_at is None and child.process.poll() is not None:
                    self._exited(child, now)
                if child.restart_at is not None and now >= child.restart_at and self.stop_requested is None:
                    self._start(child)
        self._stop_all()
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m madrasah.launcher",
        description="Start the Procfile's processes, restart any that dies, stop them all on Ctrl-C.",
    )
    parser.add_argument("-f", "--procfile", type=Path, default=Path("Procfile"))
    parser.add_argument("--backoff-first", type=float, default=1.0, help="seconds before the first restart")
    parser.add_argument("--backoff-max", type=float, default=30.0, help="longest wait before a restart")
    parser.add_argument(
        "--stable-after", type=float, default=60.0, help="seconds of running after which the back-off starts over"
    )
    parser.add_argument(
        "--stop-timeout", type=float, default=15.0, help="seconds between SIGTERM and SIGKILL when stopping"
    )
    args = parser.parse_args(argv)
    launcher = Launcher(
        procfile_read(args.procfile),
        backoff_first=args.backoff_first,
        backoff_max=args.backoff_max,
        stable_after=args.stable_after,
        stop_timeout=args.stop_timeout,
    )
    return launcher.run()


if __name__ == "__main__":
    sys.exit(main())
