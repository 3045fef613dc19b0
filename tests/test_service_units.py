"""The systemd units of the mini-PC (deploy/systemd/, installed by `sudo make install-service`).

The units are rendered with the Makefile's own step (`make service-units UNIT_DIR=…`) into a temporary
folder, exactly as the install command renders them into /etc/systemd/system, then read: what they run
must exist in this checkout, match the Procfile, restart after a crash and start at boot. When
systemd-analyze is installed it verifies them too.
"""

from __future__ import annotations

import getpass
import re
import shlex
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
LONG_RUNNING = ("mutu-web.service", "mutu-worker.service", "mutu-reports.service", "mutu-beat.service")
REPORTS_TEMPLATE = "mutu-reports@.service"  # more document workers: mutu-reports@2.service, …
UNITS = (*LONG_RUNNING, REPORTS_TEMPLATE, "mutu-backup.service", "mutu-backup.timer")
BIND = "127.0.0.1:8123"


@pytest.fixture(autouse=True)
def reference_data():
    """Overrides the suite-wide fixture: nothing here touches the test database."""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    unit_dir = tmp_path_factory.mktemp("units")
    result = subprocess.run(
        [
            "make",
            "-s",
            "service-units",
            f"UNIT_DIR={unit_dir}",
            f"SERVICE_USER={getpass.getuser()}",
            f"SERVICE_BIND={BIND}",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return unit_dir


def parse(path: Path) -> dict[str, dict[str, list[str]]]:
    """systemd's syntax: sections, `Key=value` lines, repeated keys accumulate."""
    sections: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    section = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, _, value = line.partition("=")
        assert section is not None, f"{path.name}: {line!r} outside a section"
        sections[section][key].append(value)
    return sections


def exec_start(unit: dict) -> list[str]:
    """The command as systemd runs it: `%%` is a percent sign, any other `%x` a specifier it replaces."""
    line = re.sub(
        r"%(.)",
        lambda m: "%" if m.group(1) == "%" else f"<systemd specifier %{m.group(1)}>",
        unit["Service"]["ExecStart"][0],
    )
    return shlex.split(line)


def procfile() -> dict[str, list[str]]:
    commands = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        commands[name.strip()] = shlex.split(command.replace("${BIND:-127.0.0.1:8000}", BIND))
    return commands


def test_every_unit_is_rendered_with_this_checkout_and_no_placeholder_left(rendered):
    for name in UNITS:
        text = (rendered / name).read_text()
        assert "@APP_DIR@" not in text and "@USER@" not in text and "@BIND@" not in text, name
    for name in (*LONG_RUNNING, REPORTS_TEMPLATE, "mutu-backup.service"):
        service = parse(rendered / name)["Service"]
        assert service["WorkingDirectory"] == [str(BASE_DIR)]
        assert service["User"] == [getpass.getuser()]
        assert (BASE_DIR / "manage.py").is_file()


def test_the_services_run_commands_of_this_checkouts_virtualenv(rendered):
    for name in (*LONG_RUNNING, REPORTS_TEMPLATE, "mutu-backup.service"):
        service = parse(rendered / name)["Service"]
        for command in service["ExecStart"] + service.get("ExecStartPre", []):
            program = Path(shlex.split(command)[0].removeprefix("-"))  # "-": systemd ignores its failure
            assert program.parent == BASE_DIR / ".venv" / "bin", f"{name}: {program}"
            assert program.is_file() and program.stat().st_mode & 0o111, f"{name}: {program} is not executable"


def test_web_workers_and_beat_run_what_the_procfile_runs(rendered):
    expected = procfile()
    assert set(expected) == {"web", "worker", "reports", "beat"}
    for process in ("web", "worker", "reports", "beat"):
        command = exec_start(parse(rendered / f"mutu-{process}.service"))
        assert Path(command[0]).name == expected[process][0]
        assert command[1:] == expected[process][1:], process


def test_the_web_binds_where_the_install_command_says(rendered):
    command = exec_start(parse(rendered / "mutu-web.service"))
    assert command[command.index("--bind") + 1] == BIND


def test_migrations_run_before_the_web_and_the_worker_and_beat_start_after_it(rendered):
    web = parse(rendered / "mutu-web.service")
    assert shlex.split(web["Service"]["ExecStartPre"][0])[1:] == ["manage.py", "migrate", "--noinput"]
    for name in ("mutu-worker.service", "mutu-reports.service", "mutu-beat.service"):
        after = " ".join(parse(rendered / name)["Unit"]["After"]).split()
        assert "mutu-web.service" in after, name


def test_the_web_prints_the_setup_code_into_the_journal_after_migrating_and_starts_even_if_that_fails(rendered):
    steps = parse(rendered / "mutu-web.service")["Service"]["ExecStartPre"]
    assert steps[1].startswith("-")
    assert shlex.split(steps[1])[1:] == ["manage.py", "setup_code", "--real-use"]


def test_long_running_services_restart_after_a_crash_and_start_at_boot(rendered):
    for name in LONG_RUNNING:
        unit = parse(rendered / name)
        assert unit["Service"]["Restart"] == ["always"], name
        assert int(unit["Service"]["RestartSec"][0]) > 0, name
        assert unit["Unit"]["StartLimitIntervalSec"] == ["0"], f"{name} must not give up retrying"
        assert unit["Install"]["WantedBy"] == ["multi-user.target"], name
        assert "network-online.target" in " ".join(unit["Unit"]["After"]).split(), name
        assert "network-online.target" in unit["Unit"]["Wants"], name


def test_the_nightly_backup_runs_the_backup_command_and_catches_up_after_a_power_cut(rendered):
    service = parse(rendered / "mutu-backup.service")["Service"]
    assert service["Type"] == ["oneshot"]
    assert shlex.split(service["ExecStart"][0])[1:3] == ["manage.py", "backup"]
    assert (BASE_DIR / "madrasah" / "management" / "commands" / "backup.py").is_file()
    timer = parse(rendered / "mutu-backup.timer")
    assert timer["Timer"]["OnCalendar"] == ["*-*-* 01:30:00"]
    assert timer["Timer"]["Persistent"] == ["true"]
    assert timer["Timer"]["Unit"] == ["mutu-backup.service"]
    assert timer["Install"]["WantedBy"] == ["timers.target"]


def test_the_install_command_enables_the_services_and_the_timer():
    makefile = (BASE_DIR / "Makefile").read_text()
    recipe = makefile.split("\ninstall-service:", 1)[1].split("\n\n", 1)[0]
    assert (
        "systemctl enable --now mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service"
        " mutu-backup.timer"
    ) in recipe
    assert "service-units UNIT_DIR=/etc/systemd/system" in recipe


def test_the_update_installs_the_document_worker_on_an_installation_older_than_it():
    makefile = (BASE_DIR / "Makefile").read_text()
    recipe = makefile.split("\nupdate: setup", 1)[1].split("\nelse", 1)[0]
    assert 'SERVICE_UNITS="mutu-worker.service mutu-reports.service mutu-reports@.service"' in recipe
    assert "systemctl enable mutu-reports.service" in recipe
    assert "systemctl start mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service" in recipe


def test_the_two_workers_take_different_queues_under_different_names(rendered):
    commands = {name: exec_start(parse(rendered / f"mutu-{name}.service")) for name in ("worker", "reports")}
    roles = {name: command[command.index("--queue-role") + 1] for name, command in commands.items()}
    assert roles == {"worker": "default", "reports": "reports"}
    names = {command[command.index("--hostname") + 1] for command in commands.values()}
    assert len(names) == 2


def test_more_document_workers_run_the_same_command_each_under_a_name_of_its_own(rendered):
    # `systemctl enable --now mutu-reports@2.service mutu-reports@3.service`: each instance a worker of
    # the documents like mutu-reports.service; Celery takes two workers of one name for a duplicate.
    single = shlex.split(parse(rendered / "mutu-reports.service")["Service"]["ExecStart"][0])
    template = parse(rendered / REPORTS_TEMPLATE)
    command = shlex.split(template["Service"]["ExecStart"][0])
    at = single.index("--hostname")
    assert command[:at] + command[at + 2 :] == single[:at] + single[at + 2 :]
    # %i: systemd's instance (2, 3 …); %%h: Celery's host name.
    assert (single[at + 1], command[at + 1]) == ("reports@%%h", "reports-%i@%%h")
    assert template["Service"]["Restart"] == ["always"] and template["Install"]["WantedBy"] == ["multi-user.target"]
    assert "mutu-web.service" in " ".join(template["Unit"]["After"]).split()


def test_the_update_and_the_removal_take_the_extra_document_workers_along():
    makefile = (BASE_DIR / "Makefile").read_text()
    update = makefile.split("\nupdate:", 1)[1].split("\nelse", 1)[0]
    assert "list-units --plain --no-legend --state=active 'mutu-reports@*.service'" in update
    assert "mutu-beat.service $$extra 2>/dev/null" in update  # stopped for the migrations
    assert (
        "systemctl start mutu-web.service mutu-worker.service mutu-reports.service mutu-beat.service $$extra" in update
    )
    uninstall = makefile.split("\nuninstall-service:", 1)[1].split("\n\n", 1)[0]
    assert "systemctl disable --now 'mutu-reports@*.service'" in uninstall


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(rendered):
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(rendered / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    # systemd-analyze exits 0 on an unknown key or a bad value and only warns: no warning is accepted.
    assert result.returncode == 0 and not result.stderr.strip(), result.stdout + result.stderr
