"""Every test of the suite run alone, each in a pytest process of its own (`make test-alone`): a test
that passes only after another one has prepared something for it fails here.

Each process copies the migrated template database (tests/template_db.py), so a test alone costs
its module's import and its own run, a few seconds. JOBS processes at a time (default 2); the
arguments, when given, are the test ids or paths to run alone instead of the whole suite.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:randomly"]


def collected(paths: list[str]) -> list[str]:
    result = subprocess.run(  # noqa: S603 - pytest of this checkout
        [*PYTEST, "--collect-only", "-q", *paths], cwd=BASE_DIR, capture_output=True, text=True, check=False
    )
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    if result.returncode != 0 or not ids:
        sys.exit(f"collection failed ({result.returncode}):\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return ids


def slot_environment(slot: int) -> dict[str, str]:
    """The environment of the slot's processes: a database server's test database of its own (SQLite's
    test file already carries the process id)."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        parts = urlsplit(url)
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"{parts.path}_alone{slot}"))
    return env


SLOTS: queue.Queue = queue.Queue()


def run_alone(test_id: str) -> tuple[str, int, str]:
    slot = SLOTS.get()
    try:
        result = subprocess.run(  # noqa: S603 - pytest of this checkout
            [*PYTEST, "-q", test_id],
            cwd=BASE_DIR,
            env=slot_environment(slot),
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        SLOTS.put(slot)
    return test_id, result.returncode, result.stdout[-4000:] + result.stderr[-2000:]


def main(paths: list[str]) -> int:
    ids = collected(paths)
    jobs = int(os.environ.get("JOBS", "2"))
    for slot in range(jobs):
        SLOTS.put(slot)
    started, failed, done = time.monotonic(), [], 0
    print(f"alone: {len(ids)} tests, {jobs} at a time", flush=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for test_id, code, output in pool.map(run_alone, ids):
            done += 1
            # 0: passed; 5 (nothing ran) is a failure too: the id no longer names a test.
            if code != 0:
                failed.append(test_id)
                print(f"FAILED alone ({code}): {test_id}\n{output}", flush=True)
            if done % 100 == 0:
                print(f"alone: {done}/{len(ids)} in {time.monotonic() - started:.0f} s", flush=True)
    minutes = (time.monotonic() - started) / 60
    print(f"alone: {len(ids) - len(failed)} passed, {len(failed)} failed, in {minutes:.1f} min")
    for test_id in failed:
        print(f"  failed alone: {test_id}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
