"""`make update` on an installation that runs with `make run DEMO=0` (not as a service): a backup
first, then the migrations, then the reminder to start it again; no backup key, nothing changed.

A database made by the previous release (its migrations, tests/previous_release.py) in a data folder
of its own, updated by the real command in a subprocess.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.previous_release import PREVIOUS_RELEASE_MIGRATIONS

BASE_DIR = Path(__file__).resolve().parent.parent
# The test run's own settings must not leak into the installation being updated.
LEAKING = ("DJANGO_SETTINGS_MODULE", "DJANGO_ENV", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MEDIA_ROOT")

pytestmark = pytest.mark.skipif(
    Path("/etc/systemd/system/mutu-web.service").exists(), reason="installed as a service on this machine"
)


@pytest.fixture(autouse=True)
def reference_data():
    """Overrides the suite-wide fixture: nothing here touches the test database."""


def environment(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAKING and not k.startswith(("BACKUP_", "BROKER_"))}
    return {**env, "DATA_DIR": str(data_dir), **extra}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300, check=False)


def applied(data_dir: Path) -> set[tuple[str, str]]:
    with sqlite3.connect(data_dir / "db.sqlite3") as db:
        return set(db.execute("SELECT app, name FROM django_migrations"))


@pytest.fixture
def previous_release(tmp_path) -> Path:
    """A data folder whose database stands where the previous release left it."""
    data_dir = tmp_path / "data"
    env = environment(data_dir)
    for app, name in PREVIOUS_RELEASE_MIGRATIONS.items():
        result = run([sys.executable, "manage.py", "migrate", app, name, "--noinput", "-v", "0"], env)
        assert result.returncode == 0, result.stderr
    assert ("madrasah", PREVIOUS_RELEASE_MIGRATIONS["madrasah"]) in applied(data_dir)
    return data_dir


def latest_missing(data_dir: Path) -> bool:
    result = run([sys.executable, "manage.py", "migrate", "--check"], environment(data_dir))
    return result.returncode != 0


def test_update_refuses_without_a_backup_key_then_backs_up_migrates_and_says_to_start_again(previous_release):
    before = applied(previous_release)
    refused = run(["make", "-s", "update"], environment(previous_release))
    assert refused.returncode != 0
    assert "nothing was changed" in refused.stdout
    assert applied(previous_release) == before
    assert not list((previous_release / "backups").glob("*.mmbak"))

    key = run([sys.executable, "-c", "from madrasah.backup import generate_key; print(generate_key())"], os.environ)
    assert latest_missing(previous_release)
    result = run(["make", "-s", "update"], environment(previous_release, BACKUP_KEY=key.stdout.strip()))
    assert result.returncode == 0, result.stdout + result.stderr
    archives = list((previous_release / "backups").glob("*.mmbak"))
    assert len(archives) == 1 and str(archives[0]) in result.stdout
    assert result.stdout.index("1/3") < result.stdout.index("2/3") < result.stdout.index("3/3")
    assert "make run DEMO=0" in result.stdout
    assert not latest_missing(previous_release)
