"""Who is building: a process named `host:pid:start`, and whether it still runs (`reports`
explains why a build's claim records its builder)."""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _process_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks) of a process of this host from /proc (Linux), else None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def process_identity(pid: int | None = None) -> str:
    """`host:pid:start`, naming this process so that a later look can tell whether it still runs."""
    pid = pid or os.getpid()
    stat = _process_stat(pid)
    return f"{socket.gethostname()}:{pid}:{stat[1] if stat else ''}"


def process_alive(identity: str) -> bool | None:
    """Whether the process named by `identity` still runs: True/False on this host, None elsewhere
    (another host's processes cannot be seen; the time limit decides for those)."""
    try:
        host, pid_text, start = identity.rsplit(":", 2)
    except ValueError:
        return None
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if not _exists(pid):
        return False
    stat = _process_stat(pid)
    if stat is None:
        # No /proc (not Linux): it exists. Else it ended between the two looks (a zombie reaped
        # meanwhile) unless it is still there.
        return not Path("/proc/self").exists() or _exists(pid)
    # A zombie, or a pid that now belongs to another process, is not the claimant any more.
    return not (stat[0] == "Z" or (start and stat[1] != start))


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process: it exists
    return True


def orphans_release(*, rows, released: dict, limit: int) -> list[int]:
    """Put back in the queue the rows of `rows` (reports or bundle parts being built, held by a
    process) whose claimant process, on this host, is gone. Conditional per row on its claim (task
    id and worker), so a row claimed again meanwhile is left alone. Returns the ids released."""
    released_ids = []
    for pk, task_id, worker in rows.values_list("pk", "task_id", "worker")[:limit]:
        if process_alive(worker) is False and rows.filter(pk=pk, task_id=task_id, worker=worker).update(**released):
            released_ids.append(pk)
    return released_ids
