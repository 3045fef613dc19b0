"""The Kepala asks for the semester recap, watches it being prepared and downloads it.

A real Celery worker builds it (the fixture of tests/madrasah/test_celery_worker.py, on a queue of
its own and the test database): no eager mode, so the page shows what a user sees — the request
queued, then the status updating itself through htmx polling, then the download. The request's
message is held back until the page has shown the queued state, then handed to the worker.
Assertions use data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from laporan.tasks import build_report
from tests.laporan.report_helpers import pdf_text
from tests.madrasah.test_celery_worker import celery_worker  # noqa: F401 - the worker fixture

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, open_menu, submit

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_media(tmp_path, settings, monkeypatch):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    monkeypatch.setenv("MEDIA_ROOT", str(root))  # the worker, started after this fixture, writes here
    return root


@pytest.fixture
def held(worker_media, celery_worker, monkeypatch):  # noqa: F811 - the fixture imported above
    """Build messages are held here until the test hands them to the worker. The worker's own sweep
    at start re-sends every queued report: let it run first, or it would hand over a held one."""
    celery_worker.wait_for(
        "the sweep of the worker's start", lambda: re.search(r"sweep_reports\[[^\]]+\] succeeded", celery_worker.log())
    )
    messages: list[list] = []
    monkeypatch.setattr(build_report, "apply_async", lambda args=None, **kwargs: messages.append(args))

    def release() -> None:
        for args in messages:
            celery_worker.sender.send_task("laporan.tasks.build_report", args=args, queue=celery_worker.queue)
        messages.clear()

    return messages, release


def test_the_kepala_requests_the_semester_recap_watches_it_and_downloads_it(browsing, held, kepala):
    messages, release = held
    page = browsing.new_page()
    log_in(page, kepala.user.username, PASSWORD)
    open_menu(page)
    with page.expect_navigation():
        page.get_by_test_id("nav-reports").click()
    expect(page.get_by_test_id("reports-title")).to_be_visible()

    form = page.locator("[data-testid=report-form][data-kind=semester]")
    submit(page, form.get_by_test_id("report-request"))
    assert re.search(r"#report-\d+$", page.url)
    status = page.locator("[data-testid=report-row][data-kind=semester] [data-testid=report-status]")
    expect(status).to_have_attribute("data-status", "queued")
    expect(status.get_by_test_id("report-progress")).to_be_visible()
    assert len(messages) == 1

    # The worker gets the message; the page follows by itself (no reload) until the report is done.
    release()
    expect(status).to_have_attribute("data-status", "done", timeout=60_000)
    download = status.get_by_test_id("report-download")
    expect(download).to_be_visible()
    with page.expect_download() as info:
        download.click()
    data = Path(info.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert "REKAP SUPERVISI SEMESTER" in pdf_text(data)
    assert info.value.suggested_filename.endswith(".pdf")
    assert_no_csp_violations(browsing)


def test_the_waka_prints_a_blank_instrument_sheet(browsing, held, waka):
    from madrasah.models import Semester
    from tests.factories.kompetensi import instrument_version

    messages, release = held
    semester = Semester.objects.filter(madrasah=waka.madrasah).order_by("-start_date").first()
    assert semester is not None
    instrument_version(madrasah=waka.madrasah, academic_year=semester.academic_year, code="perencanaan-uji")
    page = browsing.new_page()
    log_in(page, waka.user.username, PASSWORD)
    page.goto("/laporan/dokumen/")
    form = page.locator("[data-testid=report-form][data-kind=lembar-kosong]")
    form.get_by_test_id("report-period").select_option(semester.slug)
    submit(page, form.get_by_test_id("report-request"))
    status = page.locator("[data-testid=report-row][data-kind=lembar-kosong] [data-testid=report-status]")
    expect(status).to_have_attribute("data-status", "queued")
    release()
    expect(status).to_have_attribute("data-status", "done", timeout=60_000)
    with page.expect_download() as info:
        status.get_by_test_id("report-download").click()
    # One zip of one PDF per teacher (nothing planned yet: per instrument), each with its own page 1.
    assert info.value.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    [name] = archive.namelist()
    data = archive.read(name)
    text = " ".join(pdf_text(data).lower().split())
    assert data.startswith(b"%PDF") and name.endswith(".pdf")
    assert "instrumen perencanaan-uji" in text and "halaman 1 dari 1" in text
    assert all(f"butir {n}" in text for n in (1, 2, 3))
    assert_no_csp_violations(browsing)
