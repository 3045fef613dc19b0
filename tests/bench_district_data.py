"""The madrasah of `make bench-district`, and the page figures measured on them.

The demo madrasah (seed_demo) is the one whose Kepala is measured; the others are built here from the
test factories, each a madrasah with its Kepala, its Waka, its teachers and their final supervision
results in a ganjil semester ending on a day of the bench's choosing (the dispatch's day), so that
its semester recap and its supervision report have something to say.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from madrasah.models import Madrasah, Membership, MembershipRole, Semester, User
from tests.factories.madrasah import AcademicYearFactory, SemesterFactory, UserFactory, member
from tests.factories.mutu import cycle, final_result

# A ganjil semester that ends on a Monday in December: no digest day (the 1st), no year end.
DISPATCH_DAY = dt.date(2026, 12, 14)
ELSEWHERE = DISPATCH_DAY + dt.timedelta(days=30)  # a semester end outside the dispatch's window


# Every account the factories make has this password (tests.factories.madrasah.UserFactory).
PASSWORD = "rahasia-123"
PASSWORDS = {"kepala": PASSWORD, "waka": PASSWORD, "guru": PASSWORD}


def district_madrasah(number: int, *, teachers: int, end_date: dt.date = ELSEWHERE) -> Madrasah:
    """Madrasah `number` of the district: its own NSM, NPSN and unit code; the Kepala (with a quality
    cycle), the Waka and `teachers` teachers, each with a final result in the active semester."""
    madrasah = Madrasah.objects.create(
        name=f"MTs Bench {number:03d}",
        nsm=f"121235{290000 + number:06d}",
        npsn=f"{40000000 + number}",
        address=f"Jl. Bench No. {number}",
        city="Pamekasan",
        district_office="KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN",
        unit_code=f"Mts.13.28.{number:03d}",
    )
    year = AcademicYearFactory(madrasah=madrasah, start_year=DISPATCH_DAY.year)
    semester = SemesterFactory(academic_year=year, end_date=end_date)
    kepala = member(madrasah=madrasah, roles=["kepala", "guru"])
    waka = member(madrasah=madrasah, roles=["waka", "guru"])
    cycle(owner=kepala, semester=semester)  # the Kepala's pages of the load test open one
    planned = dt.datetime(DISPATCH_DAY.year, 9, 15, 8, tzinfo=dt.UTC)
    for n in range(teachers):
        guru = member(madrasah=madrasah, roles=["guru"])
        final_result(semester=semester, teacher=guru, supervisor=waka, percentage=70 + n % 25, planned_at=planned)
    return madrasah


def semesters_ending(madrasah_ids: list[int], day: dt.date) -> None:
    """Move the active semester of these madrasah to end on `day`; every other bench madrasah's away."""
    bench = Semester.objects.filter(madrasah__name__startswith="MTs Bench ", is_active=True)
    bench.exclude(madrasah_id__in=madrasah_ids).update(end_date=ELSEWHERE)
    bench.filter(madrasah_id__in=madrasah_ids).update(end_date=day)


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
        plan = build_plan(teachers_wanted=per, madrasah=one, passwords=None if one is None else PASSWORDS)
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
