"""`make bench-district`: one installation serving a district, measured in one run (PostgreSQL, a Redis
of its own, real Celery workers, Locust). Prints `bench: <name> = <value> <unit> (budget <b>)` lines
as `make bench` does, progress on stderr; exit 1 when a figure is over its budget, 2 when the setup
failed (no PostgreSQL, no redis-server).

    python -m tests.bench_district                 # 100 madrasah, the dispatch on 20 and on 100
    MADRASAH=30 GROUP=10 python -m tests.bench_district   # a quicker look
    PARTS=load python -m tests.bench_district              # the pages and Locust only (PARTS=dispatch: …)

1. A database of its own (`mutu_bench_district`) on DATABASE_URL's PostgreSQL server (else the local
   one), dropped at the end; a redis-server on a free port (append-only, as docker-compose.yml runs
   it), stopped at the end.
2. The demo madrasah (seed_demo, `TEACHERS` teachers, four semesters) alone: its Kepala's dashboard,
   queries and median time. Then the district, `seed_demo --madrasah MADRASAH` (madrasah 1 the same
   demo, the others of the same size with their own people and history): the same dashboard of the
   same Kepala again. The time is compared as a share of a trivial page's time measured alongside,
   so that a change in the machine's load between the two does not count.
3. A pengawas comparing 3 madrasah, then 15: the same queries.
4. The end-of-semester dispatch (a semester recap and a supervision report per madrasah) of `GROUP`
   madrasah with one report worker process, then of another `GROUP` with two: reports per minute.
5. The dispatch of every madrasah at once, with the default-queue worker beside the report workers:
   every report built exactly once, and the heartbeat's delay sampled throughout.
6. The dispatch of `GROUP` madrasah with Redis restarted in the middle: nothing lost, nothing twice.
7. Locust (tests/loadtest/locustfile.py): 60 users spread over 10 madrasah (`make loadtest`'s role
   plans), think time 5 s, 60 s; p95, errors and the load generator's own CPU.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.bench_dispatch import BenchRedis, Heartbeats, Worker, dispatch, forget_dispatches, log, report_workers

DATABASE = "mutu_bench_district"

BUDGETS = {
    # The Kepala's dashboard with 100 madrasah in the database against with 1: the same queries, and
    # its median time (as a share of a trivial page's) at most 1.2 times.
    "district_dashboard_queries_100_vs_1": (1.0, "x"),
    "district_dashboard_time_100_vs_1": (1.2, "x"),
    "district_comparison_queries_15_vs_3": (1.0, "x"),
    # The end-of-semester dispatch: a recap and a supervision report per madrasah.
    "district_dispatch_1_worker": (None, "reports/min"),
    "district_dispatch_2_workers": (None, "reports/min"),
    "district_dispatch_speedup_2_vs_1": (1.5, "x"),
    "district_dispatch_all_minutes": (None, "min"),
    "district_dispatch_all_not_once": (0, "reports"),  # not built, failed, or built more than once
    "district_heartbeat_delay_max": (60.0, "s"),
    "district_redis_restart_lost": (0, "reports"),
    "district_redis_restart_built_twice": (0, "reports"),
    # Locust: 60 users over 10 madrasah, think time 5 s.
    "district_load_p95": (800.0, "ms"),
    "district_load_errors": (0, "requests"),
    "district_load_generator_cpu": (None, "%"),
}
LOWER_BOUNDS = {"district_dispatch_speedup_2_vs_1"}


def report(name: str, value: float, failures: list[str]) -> None:
    from tests.bench import report as bench_report

    bench_report(name, value, failures, budgets=BUDGETS, lower_bounds=LOWER_BOUNDS)


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def _server_url() -> str:
    from urllib.parse import urlsplit

    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme in ("postgres", "postgresql", "pgsql", "psql"):
        return url
    return "postgres://postgres@127.0.0.1:5432/postgres"


def _database(server: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))


def _recreate(server: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_database(server, "postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        if not drop_only:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))


def main() -> int:
    total = max(_number("MADRASAH", 100), 19)  # the pengawas comparison needs 18 besides the demo
    group = min(_number("GROUP", 20), max(1, (total - 1) // 2))
    teachers = _number("TEACHERS", 40)
    server = _server_url()
    try:
        _recreate(server)
        redis = BenchRedis()
    except Exception as error:  # noqa: BLE001 - no PostgreSQL or no redis-server: say which
        print(f"bench-district: the setup failed: {error}", file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="mutu-bench-district-"))
    os.environ.update(
        {
            "DATABASE_URL": _database(server, DATABASE),
            "REDIS_URL": redis.url,
            "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
            "DATA_DIR": str(folder),
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("CELERY_REPORTS_QUEUE", None)
    began = time.monotonic()
    try:
        return run(total=total, group=group, teachers=teachers, redis=redis, folder=folder)
    finally:
        redis.stop()
        from django.db import connections

        connections.close_all()
        _recreate(server, drop_only=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(redis.folder, ignore_errors=True)
        log(f"done in {(time.monotonic() - began) / 60:.1f} min")


def run(*, total: int, group: int, teachers: int, redis: BenchRedis, folder: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from madrasah.models import Madrasah
    from tests import bench_district_data as data
    from tests.bench import _kepala_client

    setup_test_environment()
    failures: list[str] = []
    demo = {"teachers": teachers, "semesters": 4, "seed": 1, "today": data.TODAY.isoformat(), "stdout": io.StringIO()}
    log("migrating and seeding the demo madrasah")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", **demo)
    queries_1, dashboard_1, trivial_1 = data.dashboard_figures(_kepala_client())
    log(f"1 madrasah: dashboard {queries_1} queries, {dashboard_1:.0f} ms (trivial page {trivial_1:.0f} ms)")

    log(f"seeding the district: {total} madrasah of {teachers} teachers, the first the same demo again")
    started = time.monotonic()
    call_command("seed_demo", madrasah=total, reset=True, **demo)
    seconds = time.monotonic() - started
    print(f"district: seed_demo --madrasah {total} --teachers {teachers} --semesters 4 took {seconds:.0f} s")
    assert Madrasah.objects.count() == total
    kepala = _kepala_client()  # the accounts were written again
    district = list(Madrasah.objects.exclude(pk=data.demo_madrasah().pk).order_by("pk"))
    queries_100, dashboard_100, trivial_100 = data.dashboard_figures(kepala)
    log(f"{total} madrasah: dashboard {queries_100} queries, {dashboard_100:.0f} ms (trivial {trivial_100:.0f} ms)")
    report("district_dashboard_queries_100_vs_1", queries_100 / queries_1, failures)
    report("district_dashboard_time_100_vs_1", (dashboard_100 / trivial_100) / (dashboard_1 / trivial_1), failures)
    print(f"district: dashboard raw median {dashboard_1:.0f} ms at 1 madrasah, {dashboard_100:.0f} ms at {total}")

    comparison_3 = data.queries_of(data.pengawas_over(district[:3]), data.COMPARISON)
    comparison_15 = data.queries_of(data.pengawas_over(district[3:18]), data.COMPARISON)
    print(f"district: pengawas comparison {comparison_3} queries over 3 madrasah, {comparison_15} over 15")
    report("district_comparison_queries_15_vs_3", comparison_15 / comparison_3, failures)

    parts = set(os.environ.get("PARTS", "load,dispatch").split(","))
    if "load" in parts:
        spread = [None, *district[:9]]  # None: the demo madrasah
        log(f"Locust: 60 users over {len(spread)} madrasah, think time 0-10 s (5 on average), 60 s")
        load = data.district_load(spread, users=60, duration=60.0, think=5.0, env=dict(os.environ))
        for line in load.failures[:5] + load.login_errors[:5]:
            print(f"district: load error: {line}")
        for page in sorted(load.pages, key=lambda p: -p.p95)[:5]:
            print(f"district: load page {page.name} = {page.requests} requests, p95 {page.p95:.0f} ms")
        if load.cpu_start is not None and load.cpu_end is not None:
            app, database = (end - start for start, end in zip(load.cpu_start, load.cpu_end, strict=True))
            print(f"district: load CPU in the window: gunicorn {app:.1f} s, PostgreSQL {database:.1f} s")
        print(
            f"district: load {load.total.requests} requests in {load.window:.0f} s, p50 {load.total.p50:.0f} ms; "
            f"Locust used {load.generator_cpu:.1f} CPU s in {load.wall:.0f} s"
        )
        report("district_load_p95", load.total.p95, failures)
        report("district_load_errors", load.total.failures + len(load.login_errors), failures)
        report("district_load_generator_cpu", 100 * load.generator_cpu / load.wall, failures)

    if "dispatch" in parts:
        env = dict(os.environ)
        with Worker(role="default", name="default", env=env, folder=folder):
            throughput = {}
            for workers, chosen in ((1, district[:group]), (2, district[group : 2 * group])):
                data.semesters_ending([m.pk for m in chosen], data.DISPATCH_DAY)
                with report_workers(workers, env=env, folder=folder, label=f"reports{workers}"):
                    log(f"dispatch of {len(chosen)} madrasah, {workers} report worker process(es)")
                    outcome = dispatch(day=data.DISPATCH_DAY)
                _describe(f"{len(chosen)} madrasah, {workers} worker(s)", outcome)
                throughput[workers] = outcome.per_minute
                forget_dispatches()
            report("district_dispatch_1_worker", throughput[1], failures)
            report("district_dispatch_2_workers", throughput[2], failures)
            report("district_dispatch_speedup_2_vs_1", throughput[2] / throughput[1], failures)

            everyone = list(Madrasah.objects.values_list("pk", flat=True))  # the demo's too
            data.semesters_ending(everyone, data.DISPATCH_DAY)
            with report_workers(2, env=env, folder=folder, label="all"), Heartbeats(every=10.0) as beats:
                log(f"dispatch of all {len(everyone)} madrasah, 2 report worker processes, heartbeat every 10 s")
                outcome = dispatch(day=data.DISPATCH_DAY, timeout=1200)
            _describe(f"all {len(everyone)} madrasah, 2 workers", outcome)
            report("district_dispatch_all_minutes", outcome.seconds / 60, failures)
            not_once = (outcome.reports - outcome.done) + outcome.built_twice
            report("district_dispatch_all_not_once", not_once, failures)
            print(f"district: heartbeat delays (s) {[round(d, 1) for d in beats.delays]}")
            report("district_heartbeat_delay_max", max(beats.delays, default=300.0), failures)
            forget_dispatches()

            chosen = district[:group]
            data.semesters_ending([m.pk for m in chosen], data.DISPATCH_DAY)
            restarted = []

            def restart_midway(share: float) -> None:
                if not restarted and share >= 0.3:
                    log("restarting Redis")
                    redis.restart()
                    restarted.append(share)

            with report_workers(2, env=env, folder=folder, label="restart"):
                log(f"dispatch of {len(chosen)} madrasah, Redis restarted after 30% are built")
                outcome = dispatch(day=data.DISPATCH_DAY, timeout=900, during=restart_midway)
            _describe(f"{len(chosen)} madrasah, Redis restarted at {restarted[0] if restarted else 'never'}", outcome)
            report("district_redis_restart_lost", outcome.reports - outcome.done, failures)
            report("district_redis_restart_built_twice", outcome.built_twice, failures)
            forget_dispatches()

    _sizes(folder, redis)
    if failures:
        print(f"over budget: {', '.join(failures)}")
        return 1
    return 0


def _sizes(folder: Path, redis: BenchRedis) -> None:
    """What the district occupies: the database, the files (documents built), Redis's peak memory."""
    import redis as redis_client
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
    files = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    peak = redis_client.Redis.from_url(redis.url).info("memory")["used_memory_peak"]
    mb = 2**20
    print(f"district: database {database / mb:.0f} MB, files {files / mb:.0f} MB, Redis peak {peak / mb:.1f} MB")


def _describe(label: str, outcome) -> None:
    print(
        f"district: dispatch {label}: {outcome.reports} reports asked for, {outcome.done} done, "
        f"{outcome.failed} failed, {outcome.built_twice} built more than once, in {outcome.seconds:.1f} s "
        f"({outcome.per_minute:.1f} a minute)"
    )
    for error in outcome.errors:
        print(f"district: error: {error}")


if __name__ == "__main__":
    sys.exit(main())
