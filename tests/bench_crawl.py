"""The accessibility crawl as `make bench` runs it: the demo madrasah (seed_demo: 40 teachers, four
semesters) on a fresh SQLite file, served in this process by Django's live-server thread, crawled in
Chromium as each demo login (tests/browser/crawl.py: axe-core, 360 px, charts with their table).

Each role visits every GET pattern of the permission matrix with one real object of the demo per
pattern (the demo guru's own where there is a choice); a role keeps the pages that answer it 200
with HTML, and a pattern whose object the demo lacks is left out and counted.

`python -m tests.bench_crawl` prints the figures and every blocking finding.
"""

from __future__ import annotations

import io
import logging
import os
import sys
import tempfile
from types import SimpleNamespace

DEMO_TODAY = "2026-11-26"
ROLE_OF_LOGIN = {
    "Guru": "guru",
    "Waka Kurikulum": "waka",
    "Kepala Madrasah": "kepala",
    "Operator": "operator",
    "Pengawas Madrasah": "pengawas",
}


def _first(queryset):
    return queryset.order_by("pk").first()


def _demo_world() -> SimpleNamespace:
    """One object per kind the matrix's URL patterns take, from the demo madrasah; None when missing."""
    from kompetensi.models import (
        AppraisalEvidence,
        AppraisalPeriod,
        BlockedPeriod,
        Evidence,
        FollowUp,
        Framework,
        InHouseActivity,
        InstrumentVersion,
        Observation,
        PkbActivity,
        Programme,
        ProgrammeRow,
    )
    from laporan.models import Report
    from madrasah.management.commands.seed_demo import DEMO_LOGINS
    from madrasah.models import Membership, Notification, Semester
    from mutu.models import Activity, ActivityProgress, BusinessActivity, Cycle, GoodPractice, Measurement

    guru_login = next(login for login in DEMO_LOGINS if login["role"] == "Guru")
    guru = Membership.objects.select_related("madrasah", "staff").get(user__username=guru_login["username"])
    madrasah, staff = guru.madrasah, guru.staff
    version = _first(InstrumentVersion.objects.filter(instrument__madrasah=madrasah, sections__isnull=False))
    own_final = Observation.objects.filter(teacher=staff, state="final")
    submitted = _first(own_final) or _first(Observation.objects.exclude(state="draft"))
    appraisal = _first(staff.appraisals.all()) or None
    return SimpleNamespace(
        guru=guru,
        madrasah=madrasah,
        semester=Semester.objects.get(madrasah=madrasah, is_active=True),
        version=version,
        section=version.sections.order_by("order").first() if version else None,
        framework=Framework.objects.get(code="pkg-mapel"),
        programme=_first(Programme.objects.filter(semester__madrasah=madrasah, rows__isnull=False).distinct()),
        row=_first(ProgrammeRow.objects.filter(teacher=staff)),
        blocked_period=_first(BlockedPeriod.objects.all()),
        observation=_first(Observation.objects.filter(state="draft")) or submitted,
        submitted=submitted,
        follow_up=_first(FollowUp.objects.filter(teacher=staff)) or _first(FollowUp.objects.all()),
        evidence=_first(Evidence.objects.all()),
        notification=_first(Notification.objects.filter(user=guru.user)),
        appraisal_period=_first(AppraisalPeriod.objects.filter(madrasah=madrasah)),
        appraisal=appraisal,
        appraisal_evidence=_first(AppraisalEvidence.objects.all()),
        pkb=_first(PkbActivity.objects.filter(teacher=staff)) or _first(PkbActivity.objects.all()),
        in_house=_first(InHouseActivity.objects.filter(madrasah=madrasah)),
        business_entry=_first(BusinessActivity.objects.filter(madrasah=madrasah)),
        good_practice=_first(GoodPractice.objects.filter(teacher=staff)) or _first(GoodPractice.objects.all()),
        cycle=_first(Cycle.objects.filter(madrasah=madrasah, activities__isnull=False).distinct()),
        activity=_first(Activity.objects.filter(progress__isnull=False).distinct()),
        activity_progress=_first(ActivityProgress.objects.all()),
        measurement=_first(Measurement.objects.all()),
        report=_first(Report.objects.filter(teacher=staff)),
        recap=_first(Report.objects.filter(kind="semester")),
    )


def demo_paths(world: SimpleNamespace) -> tuple[list[str], list[str]]:
    """(paths of every GET pattern of the matrix, names of the patterns the demo has no object for)."""
    from django.urls import reverse

    from tests.test_permission_matrix import MATRIX

    paths, missing = [], []
    for name, row in sorted(MATRIX.items()):
        if row.get is None or all(status == 405 for status in row.get):
            continue
        try:
            args = row.args(world)
        except AttributeError:  # an attribute of a missing object (None)
            missing.append(name)
            continue
        paths.append(reverse(name, args=args))
    return paths, missing


def crawl_figures(*, only: str | None = None) -> dict:
    """Seeds the demo (again, with --reset, when the database already holds data), crawls it and
    returns the figures; the seeding is not part of `a11y_crawl_seconds`.

    Works on the database Django is set up with (the bench's temporary SQLite file); run on its own,
    on a fresh one in a temporary folder. `only` (a substring of the path) narrows the crawl, for
    looking into one page."""
    os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="mutu-bench-crawl-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from madrasah.management.commands.seed_demo import DEMO_LOGINS
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tests.browser.crawl import BLOCKING, crawl

    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 403s and 404s of other roles' pages
    call_command("migrate", verbosity=0)
    seed = {"teachers": 40, "semesters": 4, "seed": 1, "today": DEMO_TODAY}
    call_command("seed_demo", **seed, reset=_seeded(), stdout=io.StringIO())
    world = _demo_world()
    paths, missing = demo_paths(world)
    if only:
        paths = [path for path in paths if only in path]
    visits = [(ROLE_OF_LOGIN[login["role"]], login["username"], login["password"], paths) for login in DEMO_LOGINS]

    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            result = crawl(browser, f"http://127.0.0.1:{server.port}", visits)
            browser.close()
    finally:
        server.terminate()
    axe = [f for f in result.findings if f.kind not in ("overflow-360", "chart-without-table")]
    return {
        "a11y_pages_crawled": len(result.pages),
        "a11y_roles": len(result.roles),
        "a11y_serious_critical": sum(1 for f in axe if f.impact in BLOCKING),
        "a11y_minor_moderate": sum(1 for f in axe if f.impact not in BLOCKING),
        "a11y_overflow_360": sum(1 for f in result.findings if f.kind == "overflow-360"),
        "a11y_charts": result.charts,
        "a11y_charts_without_table": sum(1 for f in result.findings if f.kind == "chart-without-table"),
        "a11y_crawl_seconds": result.seconds,
        "a11y_axe_runs": len(result.axe_pages),
        # Not figures: what to read when one is off.
        "roles": result.roles,
        "patterns_without_demo_object": missing,
        # A role meets 403s and 404s here (every role tries every pattern); a server error is a fault.
        "unexpected": [f"{role} {path}: {why}" for role, path, why in result.skipped if "unexpected: 5" in why],
        "blocking": [str(f) for f in result.blocking],
        "minor": [str(f) for f in result.minor],
    }


def _seeded() -> bool:
    from madrasah.models import Madrasah

    return Madrasah.objects.exists()


if __name__ == "__main__":
    figures = crawl_figures(only=sys.argv[1] if len(sys.argv) > 1 else None)
    for line in figures.pop("blocking") + figures.pop("unexpected"):
        print(f"blocking: {line}")
    minor = figures.pop("minor")
    if os.environ.get("BENCH_VERBOSE"):
        for line in minor:
            print(f"minor: {line}")
    for name, value in figures.items():
        print(f"{name}: {value}")
