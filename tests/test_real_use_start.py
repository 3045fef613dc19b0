"""`make run DEMO=0`, the real-use start beside the demo's `make run`: its own data folder, never
seeded, migrated, and the setup address and code printed before web, worker and beat start.

Read from `make -n` (what make would run, in order), since starting the servers takes too long here;
the steps themselves are the management commands tested elsewhere (tests/madrasah/test_setup_code.py).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def reference_data():
    """Overrides the suite-wide fixture: nothing here touches the test database."""


def dry_run(*args: str, data_dir: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATA_DIR"}
    if data_dir:
        env["DATA_DIR"] = data_dir
    result = subprocess.run(
        ["make", "-n", "run", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def steps(output: str) -> list[str]:
    names = ("migrate", "seed_demo", "collectstatic", "setup_code", "demo_logins", "madrasah.launcher")
    return [name for line in output.splitlines() for name in names if name in line]


def test_real_use_migrates_prints_the_setup_code_and_starts_without_seeding():
    output = dry_run("DEMO=0", data_dir="/srv/mutu-data")  # a dry run creates nothing
    assert steps(output) == ["migrate", "collectstatic", "setup_code", "madrasah.launcher"]
    assert 'export DATA_DIR="/srv/mutu-data"' in output
    assert "setup_code --real-use" in output


def test_real_use_has_a_data_folder_of_its_own_by_default():
    env_file = BASE_DIR / ".env"
    if env_file.exists() and "DATA_DIR=" in env_file.read_text():
        pytest.skip("this checkout's .env names a DATA_DIR")
    output = dry_run("DEMO=0")
    assert f'export DATA_DIR="{BASE_DIR / ".data-real"}"' in output


def test_the_setup_address_follows_the_bind_address():
    assert '--url "http://127.0.0.1:8123/"' in dry_run("DEMO=0", "BIND=127.0.0.1:8123")
    # Listening on every interface: the address people open is SITE_URL (the command's default).
    assert "setup_code --real-use  &&" in dry_run("DEMO=0", "BIND=0.0.0.0:8000")


def test_the_demo_still_seeds_and_prints_the_demo_logins():
    assert steps(dry_run()) == ["migrate", "seed_demo", "collectstatic", "demo_logins", "madrasah.launcher"]


def test_readme_shows_the_demo_and_the_real_use_command_side_by_side():
    first_screen = "\n".join((BASE_DIR / "README.md").read_text().splitlines()[:25])
    assert "make run " in first_screen and "make run DEMO=0" in first_screen
