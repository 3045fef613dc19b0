"""A teacher's growth on a phone: the teacher sees a note of appreciation and the supervision chart with
its table on "Perkembangan Saya", opens a follow-up and records progress with a photo, logs a PKB
activity with its certificate; the Waka verifies it from the queue; the teacher sees the year's total
grow, and downloads the calendar year's bukti dukung (PDFs) with the certificate in it.

Assertions use URLs and data-testid hooks, not words (see test_journeys.py).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from kompetensi.growth.services import appreciation_note_create
from kompetensi.models import FollowUpProgress, PkbActivity, PkbStatus
from kompetensi.pkb.rules import academic_year_bounds, current_academic_start_year
from kompetensi.supervision.services.followups import follow_up_create
from tests.kompetensi.test_workflow import submitted_observation

from .conftest import PASSWORD
from .test_journeys import assert_no_csp_violations, log_in, log_out, path_is, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPRECIATION = "Terima kasih, Bu. Modul ajar IPA kelas VIII sangat rapi dan asesmennya terukur."
PKB_TITLE = "Pelatihan Implementasi Kurikulum Merdeka"


@pytest.fixture
def growth(madrasah, kepala, waka, guru, settings, tmp_path):
    """The guru's submitted result (75%, Cukup) with a follow-up, and a note of appreciation from the
    Kepala. Uploads go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    observation = submitted_observation(madrasah, kepala, waka, guru)
    follow_up = follow_up_create(
        observation=observation,
        user=waka.user,
        kind="coaching",
        description="Pendampingan refleksi di akhir pelajaran.",
        responsible="Waka Kurikulum",
        deadline=timezone.localdate() + dt.timedelta(days=21),
        items=[],
    )
    appreciation_note_create(author=kepala, teacher=guru.staff, text=APPRECIATION)
    return follow_up


def _png(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 90)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_a_teacher_grows_records_progress_logs_pkb_and_the_waka_verifies(browsing, growth, guru, waka, tmp_path):
    follow_up = growth
    page = browsing.new_page(mobile=True)

    # Perkembangan Saya: recognition first, then the supervision chart with its table.
    log_in(page, guru.user.username, PASSWORD)
    expect(page).to_have_url(path_is("/beranda/guru/"))
    expect(page.get_by_test_id("appreciation")).to_have_count(1)
    expect(page.get_by_test_id("appreciation")).to_contain_text("Modul ajar IPA kelas VIII")
    supervision = page.get_by_test_id("growth-supervision")
    expect(supervision.locator("svg[role=img]")).to_be_visible()
    expect(supervision.get_by_test_id("supervision-table")).to_be_visible()
    expect(supervision.get_by_test_id("supervision-percentage")).to_have_text("75,00")

    # The follow-up: progress with a photo.
    with page.expect_navigation():
        page.get_by_test_id("growth-follow-up").locator("a").first.click()
    expect(page).to_have_url(path_is(follow_up.get_absolute_url()))
    form = page.get_by_test_id("progress-form")
    form.locator("textarea[name=note]").fill("Refleksi sudah saya rencanakan di modul ajar; foto papan refleksi.")
    form.locator("input[type=file][name=file]").set_input_files(_png(tmp_path / "papan-refleksi.png"))
    submit(page, form.locator("button[type=submit]"))
    expect(page).to_have_url(path_is(follow_up.get_absolute_url()))
    expect(page.get_by_test_id("follow-up-progress")).to_contain_text("foto papan refleksi")
    expect(page.get_by_test_id("follow-up-progress").locator("a")).to_have_text("papan-refleksi.png")

    # A PKB activity of this academic year, with its certificate.
    year = current_academic_start_year()
    year_start, _year_end = academic_year_bounds(year)
    start = max(year_start, timezone.localdate() - dt.timedelta(days=12))
    end = min(start + dt.timedelta(days=4), timezone.localdate())
    page.goto("/kompetensi/pkb/")
    expect(page.get_by_test_id("pkb-total")).to_have_text("0")
    with page.expect_navigation():
        page.get_by_test_id("pkb-create").click()
    form = page.get_by_test_id("pkb-form")
    form.locator("select[name=kind]").select_option("diklat")
    form.locator("input[name=title]").fill(PKB_TITLE)
    form.locator("input[name=organiser]").fill("Balai Diklat Keagamaan Surabaya")
    form.locator("input[name=start_date]").fill(start.isoformat())
    form.locator("input[name=end_date]").fill(end.isoformat())
    form.locator("input[name=jp]").fill("32")
    form.locator("input[name=minutes_per_jp]").fill("45")
    certificate = tmp_path / "Sertifikat Diklat KM.pdf"
    certificate.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")
    form.locator("input[type=file][name=evidence]").set_input_files(str(certificate))
    submit(page, form.locator("button[type=submit]"))
    entry = PkbActivity.objects.get(title=PKB_TITLE)
    expect(page).to_have_url(path_is(entry.get_absolute_url()))
    expect(page.get_by_test_id("pkb-status")).to_have_count(1)
    log_out(page)

    # The Waka verifies it from the queue.
    log_in(page, waka.user.username, PASSWORD)
    page.goto("/kompetensi/pkb/verifikasi/")
    row = page.get_by_test_id("pkb-row").filter(has_text=PKB_TITLE)
    expect(row).to_have_count(1)
    with page.expect_navigation():
        row.locator("a").first.click()
    expect(page).to_have_url(path_is(entry.get_absolute_url()))
    expect(page.get_by_test_id("pkb-evidence")).to_be_visible()
    submit(page, page.get_by_test_id("pkb-verify"))
    entry.refresh_from_db()
    assert entry.status == PkbStatus.VERIFIED and entry.verified_by == waka.user
    log_out(page)

    # The teacher sees the year's total grow, and takes the year's bukti dukung.
    log_in(page, guru.user.username, PASSWORD)
    page.goto("/kompetensi/pkb/")
    expect(page.get_by_test_id("pkb-total")).to_have_text("32")
    expect(page.get_by_test_id("pkb-row").filter(has_text=PKB_TITLE).get_by_test_id("pkb-status")).to_be_visible()
    page.goto("/beranda/guru/")
    with page.expect_navigation():
        page.get_by_test_id("evidence-archive-link").click()
    expect(page).to_have_url(path_is(f"/kompetensi/guru/{guru.staff_id}/bukti-dukung/pilih/"))
    form = page.get_by_test_id("archive-form")
    expect(form.locator("input[name=periode][value=semester]")).to_be_checked()  # the current semester
    form.locator("input[name=periode][value=tahun]").check()
    form.locator("select[name=tahun]").select_option(str(start.year))
    with page.expect_download() as download_info:
        page.get_by_test_id("archive-download").click()
    download = download_info.value
    assert download.suggested_filename == f"bukti-dukung-{guru.staff.nip}-{start.year}.zip"
    archive = zipfile.ZipFile(download.path())
    names = archive.namelist()
    # The contents page and the certificate; the supervision result is not final yet.
    assert [name.split("_")[1] for name in names] == ["daftar-isi", "pkb"]
    assert names[1] == f"{guru.staff.nip}_pkb_{start:%Y-%m-%d}_pelatihan-implementasi-kurikulum-merdeka.pdf"
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    assert_no_csp_violations(browsing)

    progress = FollowUpProgress.objects.get(follow_up=follow_up)
    assert progress.author == guru.user and progress.evidence.original_name == "papan-refleksi.png"
