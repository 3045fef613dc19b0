"""`make bench`: performance figures measured in one run, each against its budget.

Prints one line per figure: `bench: <name> = <value> <unit> (budget <b>)` and exits non-zero when a
figure is over budget. Runs on a fresh SQLite file in a temporary folder (or DATABASE_URL's server
when set), so it never touches the demo data.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from laporan.documents.services.pdf import BASE_URL, RestrictedFetcher, html_to_pdf

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

BUDGETS = {
    # What `make run` makes a new user wait for on first start: 40 teachers, 4 semesters of history.
    "seed_demo_40_teachers": (30.0, "s"),
    "staff_list_600_teachers": (400.0, "ms"),
    "staff_list_queries_600_vs_10": (1.0, "x"),
    "staff_import_600_rows": (5.0, "s"),
    # The teacher's home ("Perkembangan Saya") on a weak, metered phone connection: SQL queries per
    # request, and what Chromium transfers from a production-like server (gunicorn, DEBUG off,
    # whitenoise's compressed static files).
    "teacher_home_queries": (15, "queries"),
    "teacher_home_first_load": (60.0, "KB"),
    "teacher_home_repeat_visit": (10.0, "KB"),
    # Issue 19: the bell of the demo's Waka and Kepala counts only notices that wait for an action on
    # an open matter (tests/laporan/test_demo_notices.py), a few dozen at most.
    "demo_waka_unread": (40, "notices"),
    "demo_kepala_unread": (40, "notices"),
    # The Kepala's dashboard: its median time against a trivial authenticated page in the same run,
    # and SQL queries per request, the same at 60 and 600 teachers.
    "dashboard_vs_trivial_ratio": (2.0, "x"),
    "dashboard_queries_60": (15, "queries"),
    "dashboard_queries_600": (15, "queries"),
    # Documents (issue 11), built as the worker builds them, warm medians: the semester recap of 60
    # teachers, its time against bare WeasyPrint on the same HTML, and one teacher's record.
    "semester_recap_60_teachers": (3.0, "s"),
    "semester_recap_vs_bare_weasyprint": (1.3, "x"),
    "teacher_record": (0.5, "s"),
    # Accessibility (issue 12): every page of every demo role in Chromium with axe-core, at 360 px.
    "a11y_pages_crawled": (None, "pages"),
    "a11y_serious_critical": (0, "violations"),
    "a11y_minor_moderate": (None, "violations"),
    "a11y_overflow_360": (0, "pages"),
    "a11y_charts_without_table": (0, "charts"),
    "a11y_crawl_seconds": (300.0, "s"),  # keeps `make test` (which crawls too) well inside 15 minutes
    # Issue 17: from an empty installation to the downloaded semester recap in Chromium
    # (tests/browser/test_setup_journey.py): clicks, filled fields, choices and uploads of every person;
    # the observation's item scores apart; the journey's wall time.
    "setup_to_recap_actions": (60, "actions"),
    "observation_item_scores": (None, "scores"),
    "setup_to_recap_seconds": (None, "s"),
    # Issue 20: the demo's yearly evidence bundle (the year with the most documents: ~90 PDFs, ~380
    # pages), asked for and downloaded-ready through real `celery worker` processes and the broker,
    # with the document worker of `make run` (two at a time), and its speed-up over one at a time.
    "bundle_demo_year": (None, "s"),
    # Its time per page, the figure with a budget: the demo's documents grow with the product (the
    # budget was 40 s when the bundle had ~380 pages, 105 ms a page; it had 541 on 2026-12-07).
    "bundle_demo_year_per_page": (105.0, "ms"),
    "bundle_speedup_2_vs_1_worker": (1.5, "x"),
}
# Figures whose budget is a minimum (a speed-up): over budget means below it.
LOWER_BOUNDS = {"bundle_speedup_2_vs_1_worker"}


def report(name: str, value: float, failures: list[str], *, budgets=None, lower_bounds=None) -> None:
    """One figure's line; over its budget (`budgets`, default this module's), its name to `failures`."""
    budget, unit = (budgets or BUDGETS)[name]
    shown = f"{value:d}" if isinstance(value, int) else f"{value:.2f}"  # counts as whole numbers
    if budget is None:  # a figure to read beside the others, without a budget of its own
        print(f"bench: {name} = {shown} {unit}")
        return
    if name in (LOWER_BOUNDS if lower_bounds is None else lower_bounds):
        print(f"bench: {name} = {shown} {unit} (budget ≥ {budget:g})")
        if value < budget:
            failures.append(name)
        return
    print(f"bench: {name} = {shown} {unit} (budget {budget:g})")
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


def teacher_home_queries() -> int:
    """SQL queries of one request of the demo guru's home (4 semesters of history), after a warm-up."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from madrasah.models import User

    client = Client()
    client.force_login(User.objects.get(username=_demo_guru()["username"]))
    client.get("/beranda/guru/")  # warm: session, templates
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/beranda/guru/")
    assert response.status_code == 200, response.status_code
    return len(queries)


def demo_unread(role: str) -> int:
    """Unread notices of the demo login of `role` ("Waka Kurikulum", "Kepala Madrasah")."""
    from madrasah.management.commands.seed_demo import DEMO_LOGINS
    from madrasah.models import Notification

    login = next(login for login in DEMO_LOGINS if login["role"] == role)
    return Notification.objects.filter(user__username=login["username"], read_at__isnull=True).count()


def _kepala_client():
    from django.test import Client

    from madrasah.management.commands.seed_demo import DEMO_LOGINS
    from madrasah.models import User

    client = Client()
    kepala = next(login for login in DEMO_LOGINS if login["role"] == "Kepala Madrasah")
    client.force_login(User.objects.get(username=kepala["username"]))
    return client


def dashboard_queries() -> int:
    """SQL queries of one request of the Kepala's dashboard, after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _kepala_client()
    client.get("/laporan/dasbor/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/laporan/dasbor/")
    assert response.status_code == 200, response.status_code
    return len(queries)


def dashboard_vs_trivial_ratio(runs: int = 21) -> float:
    """Median time of the dashboard ÷ median time of a trivial authenticated page (/akun/sandi/),
    the two requested in turn so that both meet the same machine load."""
    import statistics

    client = _kepala_client()
    urls = ("/laporan/dasbor/", "/akun/sandi/")
    times: dict[str, list[float]] = {url: [] for url in urls}
    for url in urls:
        client.get(url)  # warm
    for _ in range(runs):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            times[url].append(time.perf_counter() - started)
            assert response.status_code == 200, (url, response.status_code)
    dashboard, trivial = (statistics.median(times[url]) for url in urls)
    return dashboard / trivial


def _warm_median(build, runs: int = 5) -> float:
    """Median seconds of `build()` over `runs` runs, after one discarded (cold) run."""
    import statistics

    build()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def report_figures() -> tuple[float, float, float]:
    """(semester recap s, recap ÷ bare WeasyPrint, teacher record s) on the demo's active semester.

    A document is timed as the worker renders it — selectors, office format, template, WeasyPrint
    (`report_html` + `html_to_pdf`; the file write and the spreadsheet are not part of it). "Bare" is
    WeasyPrint alone on the very same HTML, with the same restricted fetcher."""
    from weasyprint import HTML

    from laporan.documents.services.reports import report_html
    from laporan.models import Report
    from madrasah.management.commands.seed_demo import DEMO_LOGINS
    from madrasah.models import Madrasah, Semester, Staff

    kepala = next(login for login in DEMO_LOGINS if login["role"] == "Kepala Madrasah")
    madrasah = Madrasah.objects.get(memberships__user__username=kepala["username"])
    semester = Semester.objects.select_related("academic_year").get(madrasah=madrasah, is_active=True)
    number = "B-1/Mts.13.28.03/PP.00.4/11/2026"  # set, so that timing never takes numbers
    recap = Report(madrasah=madrasah, kind="semester", period=semester.slug, number=number)
    teacher = Staff.objects.filter(madrasah=madrasah, observations__state="final").first()
    record = Report(madrasah=madrasah, kind="guru", period=semester.slug, teacher=teacher, number=number)

    def build(report):
        prepared = report_html(report=report)
        return html_to_pdf(prepared.html, media_names=prepared.media_names)

    prepared = report_html(report=recap)

    def bare():
        fetcher = RestrictedFetcher(media_names=prepared.media_names)
        return HTML(string=prepared.html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()

    recap_seconds = _warm_median(lambda: build(recap))
    bare_seconds = _warm_median(bare)
    return recap_seconds, recap_seconds / bare_seconds, _warm_median(lambda: build(record))


def _demo_guru() -> dict:
    from madrasah.management.commands.seed_demo import DEMO_LOGINS

    return next(login for login in DEMO_LOGINS if login["role"] == "Guru")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 30.0) -> None:
    from urllib.error import URLError
    from urllib.request import urlopen

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the bench server stopped (exit {server.returncode})")
        try:
            with urlopen(url, timeout=2):  # noqa: S310 - our own server on 127.0.0.1
                return
        except (URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"the bench server did not answer at {url}")


def teacher_home_transfer() -> tuple[float, float]:
    """KB Chromium transfers for the demo guru's home, first load (empty cache) and repeat visit,
    against a production-like server started here: DEBUG off, gunicorn, collectstatic with
    whitenoise's compressed manifest storage (config.settings, not the test settings), its own
    DATA_DIR seeded with the demo. Bytes are as sent (compressed), from CDP's encodedDataLength.
    Every request must stay on the server's origin."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    port = _free_port()
    origin = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")},
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ENV": "embedded",
        "DEBUG": "0",
        "DATA_DIR": tempfile.mkdtemp(prefix="mutu-bench-server-"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": origin,
        "LOG_LEVEL": "WARNING",
    }
    manage = [PYTHON, "manage.py"]
    quiet = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], **quiet)
    subprocess.run([*manage, "seed_demo", "--teachers", "40", "--semesters", "4", "--seed", "1"], **quiet)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], **quiet)
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    server = subprocess.Popen(
        [
            gunicorn,
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"{origin}/masuk/", server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(base_url=origin, locale="id-ID", viewport={"width": 390, "height": 844})
            page = context.new_page()
            guru = _demo_guru()
            page.goto("/masuk/")
            page.fill("input[name=username]", guru["username"])
            page.fill("input[name=password]", guru["password"])
            page.click("form [type=submit]")
            page.wait_for_load_state("networkidle")
            # The login page already cached the static files: start the first load from an empty cache.
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            sizes: dict[str, float] = {}
            urls: list[str] = []
            by_id: dict[str, str] = {}

            def sent(event: dict) -> None:
                urls.append(event["request"]["url"])
                by_id[event["requestId"]] = event["request"]["url"]

            cdp.on("Network.requestWillBeSent", sent)
            cdp.on(
                "Network.loadingFinished",
                lambda e: sizes.__setitem__(e["requestId"], sizes.get(e["requestId"], 0) + e["encodedDataLength"]),
            )

            def visit() -> float:
                sizes.clear()
                response = page.goto("/beranda/guru/", wait_until="networkidle")
                assert response is not None and response.status == 200, response and response.status
                assert page.locator("[data-testid=growth-page]").count() == 1, "the growth page is missing"
                if os.environ.get("BENCH_VERBOSE"):
                    for request_id, size in sorted(sizes.items(), key=lambda kv: -kv[1]):
                        print(f"  {size / 1024:7.1f} KB  {by_id.get(request_id, request_id)}")
                return sum(sizes.values()) / 1024

            first = visit()
            repeat = visit()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    foreign = sorted({u for u in urls if not u.startswith(origin) and not u.startswith("data:")})
    if foreign:
        raise AssertionError(f"requests left the server's origin: {foreign}")
    return first, repeat


class BenchWorker:
    """A real `celery worker --queue-role reports` (as the Procfile starts it) on queues of this run,
    against this process's database and broker."""

    def __init__(self, *, concurrency: int, default_queue: str, reports_queue: str, folder: Path):
        from tests.madrasah.test_celery_worker import CELERY, worker_database_url

        self.log_path = folder / f"worker-{concurrency}.log"
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_QUEUE": default_queue,
            "CELERY_REPORTS_QUEUE": reports_queue,
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            str(CELERY), "-A", "config", "worker", "--queue-role", "reports", "--concurrency", str(concurrency),
            "-l", "info", "--without-gossip", "--without-mingle", "--hostname", f"bench-{concurrency}-{os.getpid()}@%h",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - the Procfile's command
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while "ready." not in self.log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bench worker did not start:\n{self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def bundle_figures(runs: int = 3) -> tuple[float, float, int, int]:
    """(median s with 2 at a time, speed-up of 2 over 1, pages, PDFs) of the demo's biggest yearly
    bundle: asked for as the page asks (a row; its id to the broker), built by real worker processes
    (plan → one task per PDF → the zip), timed until the row is done. A first build (discarded) issues
    the numbered supervision reports, as the first bundle of a year does."""
    import statistics
    import uuid
    import zipfile

    from pypdf import PdfReader

    from laporan.documents.kinds.bundle import bundle_parts
    from laporan.documents.rules import document_kind
    from laporan.documents.selectors import period_of_year
    from laporan.documents.services.reports import report_enqueue
    from laporan.models import Report, ReportStatus
    from laporan.tasks import build_bundle_part, build_report
    from madrasah.models import AcademicYear

    year = max(
        AcademicYear.objects.all(),
        key=lambda y: len(bundle_parts(madrasah=y.madrasah, academic_year=y)),
    )
    kind = document_kind("bundle")
    publish = build_report.apply_async

    def build_once(queue: str) -> tuple[float, Report]:
        build_report.apply_async = lambda **kwargs: None  # the request's own send: done below, to `queue`
        try:
            report, _joined = report_enqueue(madrasah=year.madrasah, kind=kind, period_key=period_of_year(year).key)
        finally:
            build_report.apply_async = publish
        started = time.perf_counter()
        publish(args=[report.pk], queue=queue)
        deadline = time.monotonic() + 600
        while True:
            report.refresh_from_db()
            if report.status == ReportStatus.DONE:
                return time.perf_counter() - started, report
            if report.status == ReportStatus.FAILED or time.monotonic() > deadline:
                raise RuntimeError(f"the bench bundle did not build: {report.status} {report.error}")
            time.sleep(0.1)

    assert build_bundle_part.name == "laporan.tasks.build_bundle_part"
    times: dict[int, list[float]] = {2: [], 1: []}
    with tempfile.TemporaryDirectory(prefix="mutu-bench-bundle-") as folder:
        # Both workers at once, each on queues of its own (its parts follow it), the runs alternated,
        # so that a change in the machine's load falls on both alike; the idle one only polls.
        queues = {
            c: (f"bench-default-{c}-{uuid.uuid4().hex[:8]}", f"bench-reports-{c}-{uuid.uuid4().hex[:8]}")
            for c in (2, 1)
        }
        workers = []
        try:
            for concurrency, (default_queue, reports_queue) in queues.items():
                workers.append(
                    BenchWorker(
                        concurrency=concurrency,
                        default_queue=default_queue,
                        reports_queue=reports_queue,
                        folder=Path(folder),
                    )
                )
            _seconds, report = build_once(queues[2][1])  # discarded: issues the numbered reports
            for _ in range(runs):
                for concurrency in (2, 1):
                    times[concurrency].append(build_once(queues[concurrency][1])[0])
        finally:
            for worker in workers:
                worker.stop()
    with report.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
        pdfs = [name for name in archive.namelist() if name.endswith(".pdf")]
        pages = sum(len(PdfReader(io.BytesIO(archive.read(name))).pages) for name in pdfs)
    two, one = statistics.median(times[2]), statistics.median(times[1])
    print(
        f"bundle runs (s): 2 at a time {[round(t, 1) for t in times[2]]}, 1 at a time {[round(t, 1) for t in times[1]]}"
    )
    return two, one / two, pages, len(pdfs)


def setup_journey_figures() -> dict:
    """Run the journey test in its own pytest process (its own test database, a real Celery worker,
    Chromium) and read the figures it writes: actions, item_scores, seconds and the actions per phase."""
    with tempfile.TemporaryDirectory(prefix="mutu-bench-journey-") as folder:
        figures_file = Path(folder) / "journey.json"
        env = {**os.environ, "JOURNEY_FIGURES_FILE": str(figures_file)}
        command = [PYTHON, "-m", "pytest", "tests/browser/test_setup_journey.py", "-q", "-p", "no:randomly"]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if result.returncode != 0 or not figures_file.exists():
            print(result.stdout[-4000:] + result.stderr[-2000:])
            raise RuntimeError("the setup journey test failed: no figures")
        return json.loads(figures_file.read_text())


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
    report("teacher_home_queries", teacher_home_queries(), failures)
    report("demo_waka_unread", demo_unread("Waka Kurikulum"), failures)
    report("demo_kepala_unread", demo_unread("Kepala Madrasah"), failures)
    bundle_seconds, bundle_speedup, bundle_pages, bundle_pdfs = bundle_figures()
    print(f"bundle: {bundle_pdfs} PDFs, {bundle_pages} pages")
    report("bundle_demo_year", bundle_seconds, failures)
    report("bundle_demo_year_per_page", 1000 * bundle_seconds / bundle_pages, failures)
    report("bundle_speedup_2_vs_1_worker", bundle_speedup, failures)
    call_command("seed_demo", teachers=10, semesters=1, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    _ms, queries_10 = list_page(operator_client())

    call_command("seed_demo", teachers=60, semesters=1, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    queries_60 = dashboard_queries()
    report("dashboard_queries_60", queries_60, failures)
    report("dashboard_vs_trivial_ratio", dashboard_vs_trivial_ratio(), failures)
    recap_seconds, recap_ratio, record_seconds = report_figures()
    report("semester_recap_60_teachers", recap_seconds, failures)
    report("semester_recap_vs_bare_weasyprint", recap_ratio, failures)
    report("teacher_record", record_seconds, failures)

    call_command("seed_demo", teachers=600, semesters=1, seed=1, today="2026-11-26", reset=True, stdout=io.StringIO())
    assert Staff.objects.teachers().count() >= 600
    queries_dashboard_600 = dashboard_queries()
    report("dashboard_queries_600", queries_dashboard_600, failures)
    if queries_dashboard_600 != queries_60:
        print(f"dashboard queries differ: {queries_60} at 60 teachers, {queries_dashboard_600} at 600")
        failures.append("dashboard_queries_600")
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
    first, repeat = teacher_home_transfer()
    report("teacher_home_first_load", first, failures)
    report("teacher_home_repeat_visit", repeat, failures)

    journey = setup_journey_figures()
    report("setup_to_recap_actions", journey["actions"], failures)
    report("observation_item_scores", journey["item_scores"], failures)
    report("setup_to_recap_seconds", journey["seconds"], failures)
    print("setup journey actions per phase: " + ", ".join(f"{k} {v}" for k, v in journey["phases"].items()))
    typed = journey.get("addresses_typed", {})
    print("setup journey addresses typed (not counted): " + ", ".join(f"{k} {v}" for k, v in typed.items()))

    from tests.bench_crawl import crawl_figures

    crawl = crawl_figures()
    for name in (
        "a11y_pages_crawled",
        "a11y_serious_critical",
        "a11y_minor_moderate",
        "a11y_overflow_360",
        "a11y_charts_without_table",
        "a11y_crawl_seconds",
    ):
        report(name, crawl[name], failures)
    for line in crawl["blocking"] + crawl["unexpected"]:
        print(f"a11y: {line}")
    if crawl["unexpected"]:
        failures.append("a11y_server_errors")
    if failures:
        print(f"over budget: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
