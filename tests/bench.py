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
    # What `make run` makes a new user wait for on first start: 40 teachers, 4 semesters of history.
    "seed_demo_40_teachers": (30.0, "s"),
    "staff_list_600_teachers": (400.0, "ms"),
    "staff_list_queries_600_vs_10": (1.0, "x"),
    "staff_import_600_rows": (5.0, "s"),
}


def report(name: str, value: float, failures: list[str]) -> None:
    budget, unit = BUDGETS[name]
    print(f"bench: {name} = {value:.2f} {unit} (budget {budget:g})")
    if value > budget:
        failures.append(name)


def staff_import_file(rows: int) -> bytes:
    """Our Excel template with `rows` valid teachers: PNS, PPPK and honorary (NIGNP, `ID`+PegID)."""
    import datetime as dt

    from openpyxl import Workbook

    from madrasah.staff_excel import COLUMNS

    headers = [c.header for c in COLUMNS]
    subjects = ["Matematika", "IPA", "Fikih; Bahasa Arab", "Bahasa Indonesia", "IPS", "Bimbingan dan Konseling"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for i in range(rows):
        birth = dt.date(1970 + i % 25, i % 12 + 1, i % 28 + 1)
        sex = "LP"[i % 2]
        code = "1" if sex == "L" else "2"
        row = {
            "No": i + 1,
            "Nama": f"Guru Impor {i:03d}",
            "Gelar Belakang": "S.Pd.",
            "L/P": sex,
            "Tempat Lahir": "Pamekasan",
            "Tanggal Lahir": birth,
            "Mata Pelajaran": subjects[i % len(subjects)],
            "Sertifikasi (Ya/Tidak)": "Ya" if i % 4 else "Tidak",
            "Jenis Guru (Mapel/BK)": "BK" if i % len(subjects) == len(subjects) - 1 else "Mapel",
            "Aktif (Ya/Tidak)": "Ya",
            "PegID": f"35{i:07d}",
        }
        if i % 3 == 0:
            row.update(
                {
                    "NIP": f"{birth:%Y%m%d}{birth.year + 24}{i % 12 + 1:02d}{code}{i % 1000:03d}",
                    "NUPTK": f"{3600000000000000 + i}",
                    "Status Kepegawaian": "PNS",
                    "Pangkat/Golongan": "III/b",
                    "Jenjang Jabatan": "Guru Ahli Muda",
                }
            )
        elif i % 3 == 1:
            row.update(
                {
                    "NIP": f"{birth:%Y%m%d}{2021 + i % 4}21{code}{i % 1000:03d}",
                    "Status Kepegawaian": "PPPK",
                    "Pangkat/Golongan": "PPPK IX",
                }
            )
        else:  # as EMIS exports them: the NIGNP in the NIP column, `ID`+PegID in the NUPTK column
            row.update({"NIP": f"9{i:017d}", "NUPTK": f"ID{row['PegID']}", "Status Kepegawaian": "Honorer"})
        sheet.append([row.get(header) for header in headers])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


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

    from madrasah import services
    from madrasah.models import Madrasah, Membership, Staff

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

    started = time.perf_counter()
    call_command("seed_demo", teachers=40, semesters=4, seed=1, today="2026-11-26", stdout=io.StringIO())
    report("seed_demo_40_teachers", time.perf_counter() - started, failures)
    call_command("seed_demo", teachers=10, semesters=1, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    _ms, queries_10 = list_page(operator_client())

    call_command("seed_demo", teachers=600, semesters=1, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    assert Staff.objects.teachers().count() >= 600
    ms_600, queries_600 = list_page(operator_client())
    report("staff_list_600_teachers", ms_600, failures)
    report("staff_list_queries_600_vs_10", queries_600 / queries_10, failures)

    # Into a madrasah of its own, so the figure measures 600 new people and their accounts.
    target = Madrasah.objects.create(
        name="MTs Bench Impor",
        nsm="121235289999",
        npsn="20589999",
        address="Jl. Bench",
        city="Pamekasan",
        district_office="KANTOR KEMENTERIAN AGAMA KABUPATEN PAMEKASAN",
        unit_code="Mts.13.28.99",
    )
    content = staff_import_file(600)
    started = time.perf_counter()
    result = services.staff_import(madrasah=target, upload=io.BytesIO(content))
    report("staff_import_600_rows", time.perf_counter() - started, failures)
    assert (result.created, result.accounts_created) == (600, 600), result
    if failures:
        print(f"over budget: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
