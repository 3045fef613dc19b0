"""`make loadtest` in small: five logged-in users of the three roles for five seconds on gunicorn and
PostgreSQL (the driver's own database on the configured server), with no failed request."""

import os
import re
import socket
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PAGE_LINE = re.compile(r"^load: page (\w+) (\S+) = (\d+) requests, .* errors (\d+)$", re.MULTILINE)
on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="the load test runs gunicorn on PostgreSQL (DATABASE_URL)",
)


def run_driver(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tests.loadtest"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=240,
    )


@on_postgresql
def test_five_users_of_every_role_get_every_page_without_an_error():
    result = run_driver(
        LOAD_DB=f"mutu_madrasah_load_{os.getpid()}",  # never the one `make loadtest` may be using
        USERS="5",
        DURATION="5",
        THINK="0",
        TEACHERS="10",
        SEMESTERS="2",
        WORKERS="2",
    )
    output = result.stdout + result.stderr
    assert result.returncode in (0, 1), output  # 1 is a latency over budget on a busy machine: not this test's
    assert "bench: load_errors = 0 requests (budget 0)" in result.stdout, output

    hits = defaultdict(dict)
    for role, page, count, errors in PAGE_LINE.findall(result.stdout):
        hits[role][page] = int(count)
        assert errors == "0", output
    assert set(hits) == {"guru", "waka", "kepala"}, output
    assert {"madrasah:home-guru", "kompetensi:teacher-page", "kompetensi:pkb-mine"} <= set(hits["guru"]), output
    assert {"kompetensi:programme-detail", "kompetensi:observation-recap"} <= set(hits["waka"]), output
    assert {"laporan:dashboard?semester", "madrasah:staff-list", "mutu:cycle-list"} <= set(hits["kepala"]), output
    unvisited = [(role, page) for role in hits for page, count in hits[role].items() if count == 0]
    assert unvisited == [], output
    total = re.search(r"^bench: load_requests = (\d+) requests$", result.stdout, re.MULTILINE)
    assert int(total.group(1)) == sum(sum(pages.values()) for pages in hits.values()), output


def test_it_says_clearly_when_postgresql_is_not_there():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed

    result = run_driver(DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/mutu")

    assert result.returncode == 2
    assert f"PostgreSQL is not reachable at 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
