"""`make bench`: performance figures measured in one run, each against its budget.

Prints one line per figure: `bench: <name> = <value> <unit> (budget <b>)` and exits non-zero when a
figure is over budget. Runs on a fresh SQLite file in a temporary folder (or DATABASE_URL's server
when set), so it never touches the demo data.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time

BUDGETS = {
    "seed_demo_600_teachers": (10.0, "s"),
    "staff_list_600_teachers": (400.0, "ms"),
    "staff_list_queries_600_vs_10": (1.0, "x"),
}


def report(name: str, value: float, failures: list[str]) -> None:
    budget, unit = BUDGETS[name]
    print(f"bench: {name} = {value:.2f} {unit} (budget {budget:g})")
    if value > budget:
        failures.append(name)


def main() -> int:
    tmp = tempfile.mkdtemp(prefix="mutu-bench-")
    os.environ.setdefault("DATA_DIR", tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from madrasah.models import Membership, Staff

    setup_test_environment()
    call_command("migrate", verbosity=0)
    failures: list[str] = []

    def list_page(client: Client) -> tuple[float, int]:
        client.get("/pegawai/")  # warm: session, templates
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/pegawai/?active=")
            elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        return elapsed * 1000, len(queries)

    def operator_client() -> Client:
        client = Client()
        client.force_login(Membership.objects.get(roles__role="operator").user)
        return client

    call_command("seed_demo", teachers=10, semesters=2, seed=1, today="2026-11-26", stdout=io.StringIO())
    _ms, queries_10 = list_page(operator_client())

    started = time.perf_counter()
    call_command("seed_demo", teachers=600, semesters=4, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    report("seed_demo_600_teachers", time.perf_counter() - started, failures)
    assert Staff.objects.teachers().count() >= 600
    ms_600, queries_600 = list_page(operator_client())
    report("staff_list_600_teachers", ms_600, failures)
    report("staff_list_queries_600_vs_10", queries_600 / queries_10, failures)
    if failures:
        print(f"over budget: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
