"""The madrasah of `make bench-district`, and the page figures measured on them.

The district is `seed_demo --madrasah N`: madrasah 1 is the demo whose Kepala is measured, the others
madrasah of the same size with their own people and history, every role with the demo's password. For
a dispatch the bench moves the active semester of the madrasah it wants to end on a day of its
choosing (the dispatch's day) and every other one's away from it.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from madrasah.models import Madrasah, Membership, MembershipRole, Semester, User
from tests.factories.madrasah import UserFactory

# The demo's today: its active semester is the ganjil one of 2026/2027.
TODAY = dt.date(2026, 11, 26)
# A ganjil semester that ends on a Monday in December: no digest day (the 1st), no year end.
DISPATCH_DAY = dt.date(2026, 12, 14)
ELSEWHERE = DISPATCH_DAY + dt.timedelta(days=30)  # a semester end outside the dispatch's window


def demo_madrasah() -> Madrasah:
    """Madrasah 1: the demo's, where the demo Kepala works."""
    from madrasah.management.commands.seed_demo import DEMO_LOGINS

    kepala = next(login for login in DEMO_LOGINS if login["role"] == "Kepala Madrasah")
    return Membership.objects.select_related("madrasah").get(user__username=kepala["username"]).madrasah


def semesters_ending(madrasah_ids: list[int], day: dt.date) -> None:
    """Move the active semester of these madrasah to end on `day`; every other madrasah's away."""
    active = Semester.objects.filter(is_active=True)
    active.exclude(madrasah_id__in=madrasah_ids).update(end_date=ELSEWHERE)
    active.filter(madrasah_id__in=madrasah_ids).update(end_date=day)


def _median_ms(client: Client, urls: tuple[str, ...], runs: int) -> dict[str, float]:
    """Median ms of each URL, requested in turn so that all meet the same machine load."""
    times: dict[str, list[float]] = {url: [] for url in urls}
    for url in urls:
        client.get(url)  # warm: session, templates
    for _ in range(runs):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            times[url].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return {url: statistics.median(values) for url, values in times.items()}


def queries_of(client: Client, url: str) -> int:
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


DASHBOARD = "/laporan/dasbor/"
TRIVIAL = "/akun/sandi/"


def dashboard_figures(client: Client, runs: int = 31) -> tuple[int, float, float]:
    """(queries, median ms, median ms of a trivial authenticated page in the same run)."""
    medians = _median_ms(client, (DASHBOARD, TRIVIAL), runs)
    return queries_of(client, DASHBOARD), medians[DASHBOARD], medians[TRIVIAL]


def pengawas_over(madrasah: list[Madrasah]) -> Client:
    """A pengawas who oversees exactly `madrasah`, logged in on the first of them."""
    user = UserFactory()
    memberships = []
    for one in madrasah:
        membership = Membership.objects.create(user=user, madrasah=one)
        MembershipRole.objects.create(membership=membership, role="pengawas")
        memberships.append(membership)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    session = client.session
    session["membership_id"] = memberships[0].pk
    session.save()
    return client


COMPARISON = "/laporan/pengawas/perbandingan/"


def district_load(madrasah: list[Madrasah | None], *, users: int, duration: float, think: float, env: dict):
    """Locust's people spread evenly over `madrasah` (None: the demo), on gunicorn as `make loadtest`
    starts it, against the bench's database. Returns the `tests.loadtest.swarm.Swarm`."""
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from tests.loadtest.options import Settings
    from tests.loadtest.plan import assign_users, build_plan
    from tests.loadtest.server import cpu_seconds, free_port, server_env, start_server, stop_server, wait_for_health
    from tests.loadtest.swarm import swarm

    from .bench_dispatch import ROOT

    per = -(-users // len(madrasah))
    accounts = []
    for one in madrasah:
        plan = build_plan(teachers_wanted=per, madrasah=one, passwords=None)
        accounts.extend(assign_users(plan, per))
    accounts = accounts[:users]
    settings = Settings.from_env()
    settings.users, settings.duration, settings.think = users, duration, think
    settings.database = connection.settings_dict["NAME"]
    folder = tempfile.mkdtemp(prefix="mutu-bench-load-")
    port = free_port()
    server_environment = server_env(settings, port=port, data_dir=folder)
    server_environment["DJANGO_SETTINGS_MODULE"] = "tests.bench_server_settings"
    server = None
    try:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=server_environment,
            check=True,
        )
        server = start_server(settings, server_environment, port=port, log=Path(folder) / "gunicorn.log")
        wait_for_health(port, server, Path(folder) / "gunicorn.log")
        return swarm(
            accounts,
            port=port,
            users=users,
            spawn_rate=settings.spawn_rate,
            duration=duration,
            think=think,
            folder=Path(folder),
            env={**env, "DJANGO_SETTINGS_MODULE": ""},
            cpu=lambda: cpu_seconds(server, settings.database),
        )
    finally:
        if server is not None:
            stop_server(server)
        shutil.rmtree(folder, ignore_errors=True)
