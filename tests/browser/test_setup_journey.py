"""From an empty installation to the semester recap PDF, in Chromium, as the people of a madrasah do it.

No madrasah and no account exist at the start (the autouse fixture seeds reference data only). The
only thing read from the machine is the setup code, printed by `manage.py setup_code` in a process
of its own on the same database and data folder, as the start command prints it. Everything else is
done in the browser, each person on their own device, logging in with their slip and replacing its
password when asked: the installation administrator sets the madrasah up, the operator imports 40
teachers from an EMIS-like workbook and prints their slips, the Kepala gives the Waka role, adds the
pengawas, names the team, drafts and approves the programme and observes one teacher (every item
scored), the teacher acknowledges, the Kepala finalises and downloads the semester recap, which a
real Celery worker builds.

Every user action is counted (each click, filled field, upload or choice; typing an address counts
as one): the bench prints the total against its budget. The observation's item scores are counted
apart. With JOURNEY_FIGURES_FILE set, the figures are written there as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import expect

from laporan.tasks import build_report
from tests.laporan.report_helpers import pdf_text
from tests.madrasah.test_celery_worker import (
    BASE_DIR,
    celery_worker,  # noqa: F401 - the worker fixture
    worker_database_url,
)
from tests.madrasah.test_staff_excel import EMIS_HEADERS, EMIS_TITLE, XLSX_MIME, nip_for, xlsx

from .test_journeys import assert_no_csp_violations, path_is

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

MADRASAH = "MTs Negeri 3 Pamekasan"
KEPALA_NIP = "19720315 199803 1 002"  # as printed on a decree; the username is its digits
PENGAWAS_NIP = "196805101994031004"
TEACHERS = 40
OBSERVED = "Guru Impor 07"
WAKA = "Guru Impor 01"
PASSWORDS = {
    "admin": "Kunci-Madrasah-2026",
    "operator": "Operator-Pakong#2026",
    "kepala": "Kepala-Pakong#2026",
    "guru": "Guru-Pakong#2026",
}
PHASES = ("setup", "import+slips", "roles+pengawas", "programme", "observation", "ack+final", "recap")
SUBJECTS = ["Matematika", "Fikih", "Bahasa Arab", "IPA", "Bahasa Indonesia"]


class Actions:
    """Does what a person does on a page and counts it, per phase; item scores are counted apart."""

    def __init__(self) -> None:
        self.phase = PHASES[0]
        self.counts: Counter[str] = Counter()
        self.addresses_typed: Counter[str] = Counter()
        self.item_scores = 0

    def _count(self) -> None:
        self.counts[self.phase] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def goto(self, page, url: str) -> None:
        """Choosing a bookmark or menu entry that leads to `url`."""
        self._count()
        page.goto(url)

    def type_address(self, page, url: str) -> None:
        """Typing an address printed on paper or the console (the slip's, the setup's): navigation, not a
        click, field or upload of the product's pages, so counted apart."""
        self.addresses_typed[self.phase] += 1
        page.goto(url)

    def click(self, locator) -> None:
        self._count()
        locator.click()

    def follow(self, page, locator) -> None:
        """A click that loads another page (a link, a submit button)."""
        self._count()
        with page.expect_navigation():
            locator.click()

    def fill(self, locator, value: str) -> None:
        self._count()
        locator.fill(value)

    def choose(self, locator, value: str | None = None, *, text: str | None = None) -> None:
        """Choose an option by its value, or the option whose text contains `text`."""
        self._count()
        if text is not None:
            value = locator.locator("option", has_text=text).first.get_attribute("value")
        locator.select_option(value)

    def check(self, locator) -> None:
        self._count()
        locator.check()

    def upload(self, locator, files) -> None:
        self._count()
        locator.set_input_files(files)

    def confirm(self, page) -> None:
        """OK in the confirmation dialog that the next click opens."""
        self._count()
        page.once("dialog", lambda dialog: dialog.accept())

    def score(self, locator) -> None:
        self.item_scores += 1
        locator.click()


def printed_setup(data_dir: Path, base_url: str) -> tuple[str, str]:
    """What the start command prints, the setup address and code: `manage.py setup_code` on the test
    database and data folder."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DATABASE_URL": worker_database_url(),
        "DATA_DIR": str(data_dir),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")])),
    }
    output = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), "setup_code", "--url", base_url],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    address = re.search(r"(https?://\S+/siapkan/)", output)
    code = re.search(r"([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", output)
    assert address and code, output
    return address.group(1), code.group(1)


def emis_workbook() -> bytes:
    """An EMIS GTK export of 40 teachers: title rows, EMIS headers, PNS with a NIP."""
    rows = []
    for i in range(1, TEACHERS + 1):
        sex = "L" if i % 2 else "P"
        nip, birth = nip_for(i, sex=sex)
        rows.append(
            [
                i,
                f"Guru Impor {i:02d}",
                "Laki-laki" if sex == "L" else "Perempuan",
                "Pamekasan",
                birth,
                nip,
                None,
                None,
                "PNS",
                SUBJECTS[i % len(SUBJECTS)],
                "Ya" if i % 3 else "Belum",
            ]
        )
    return xlsx([EMIS_HEADERS, *rows], title_rows=EMIS_TITLE)


@pytest.fixture
def data_dir(tmp_path, settings):
    path = tmp_path / "data"
    path.mkdir()
    settings.DATA_DIR = path
    return path


@pytest.fixture
def worker_media(tmp_path, settings, monkeypatch):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    monkeypatch.setenv("MEDIA_ROOT", str(root))  # the worker, started after this fixture, writes here
    return root


@pytest.fixture
def worker(worker_media, celery_worker, monkeypatch):  # noqa: F811 - the fixture imported above
    """Report builds go to the real worker's own queue (after its start-up sweep, which re-sends
    every queued report, has run)."""
    celery_worker.wait_for(
        "the sweep of the worker's start", lambda: re.search(r"sweep_reports\[[^\]]+\] succeeded", celery_worker.log())
    )

    def send(args=None, **kwargs):
        celery_worker.sender.send_task("laporan.tasks.build_report", args=args, queue=celery_worker.queue)

    monkeypatch.setattr(build_report, "apply_async", send)
    return celery_worker


def start_from_slip(act: Actions, page, link: str, username: str, new: str) -> None:
    """Scan the slip's QR code (or type its address): the start page greets the person with their
    username; they choose a password, twice, and are logged in."""
    act.type_address(page, link)
    expect(page.get_by_test_id("slip-start-username")).to_have_text(username)
    act.fill(page.locator("input[name=new_password1]"), new)
    act.fill(page.locator("input[name=new_password2]"), new)
    act.follow(page, page.get_by_test_id("slip-start-save"))
    expect(page).to_have_url(re.compile(r"/beranda/"))


def slip_of(page, name: str) -> tuple[str, str]:
    """The username and the start link printed on `name`'s slip."""
    slip = page.get_by_test_id("slip").filter(has_text=name)
    username = slip.get_by_test_id("slip-username").inner_text().strip()
    return username, slip.get_by_test_id("slip-link").get_attribute("href")


def test_an_empty_installation_reaches_the_semester_recap_in_the_browser(browsing, data_dir, worker):
    started = time.monotonic()
    act = Actions()

    # --- setup: the installation administrator, with the code the start command printed -----------
    admin = browsing.new_page()
    address, code = printed_setup(data_dir, browsing.base_url)
    act.type_address(admin, address)
    act.fill(admin.locator("input[name=code]"), code)
    act.fill(admin.locator("input[name=username]"), "admin-mutu")
    act.fill(admin.locator("input[name=password1]"), PASSWORDS["admin"])
    act.fill(admin.locator("input[name=password2]"), PASSWORDS["admin"])
    act.follow(admin, admin.locator("main form[method=post] button[type=submit]"))
    expect(admin).to_have_url(path_is("/siapkan/madrasah/"))

    # The kabupaten, province, status and time zone: from the NSM; the Kemenag office and place: from
    # the kabupaten. The next page says what was saved.
    for name, value in [
        ("name", MADRASAH),
        ("nsm", "121135280003"),
        ("npsn", "20580456"),
        ("address", "Jl. Raya Pakong No. 1"),
        ("unit_code", "Mts.13.28.03"),  # the numbering, on the same page
    ]:
        act.fill(admin.locator(f"[name={name}]"), value)
    act.follow(admin, admin.locator("main form[method=post] button[type=submit]"))
    expect(admin.get_by_test_id("setup-step")).to_be_visible()
    expect(admin.locator("main")).to_contain_text("Kabupaten Pamekasan, Jawa Timur")

    # The name as on the decree, titles included; PNS is proposed for a madrasah negeri.
    expect(admin.locator("[name=employment_status]")).to_have_value("pns")
    act.fill(admin.locator("[name=name]"), "H. Ahmad Fauzi, M.Pd.I.")
    act.fill(admin.locator("[name=nip]"), KEPALA_NIP)
    act.fill(admin.locator("[name=decree_number]"), "B-123/Kw.13.4/KP.07.6/07/2026")
    act.fill(admin.locator("[name=decree_date]"), "2026-07-15")
    act.follow(admin, admin.locator("main form[method=post] button[type=submit]"))

    # The operator, honorary staff without an identifier: the username is made from the name.
    act.fill(admin.locator("[name=name]"), "Siti Rahma")
    act.choose(admin.locator("[name=sex]"), "P")
    act.follow(admin, admin.locator("main form[method=post] button[type=submit]"))

    # The semesters as proposed (the standard instruments are prepared with them), then the two slips.
    act.follow(admin, admin.locator("main form[method=post] button[type=submit]"))
    expect(admin.get_by_test_id("setup-done")).to_be_visible()
    kepala_username, kepala_link = slip_of(admin, "Ahmad Fauzi")
    operator_username, operator_link = slip_of(admin, "Siti Rahma")
    assert kepala_username == re.sub(r"\D", "", KEPALA_NIP) and operator_username == "sitirahma"

    # --- import+slips: the operator, on her own computer --------------------------------------------
    act.phase = "import+slips"
    operator = browsing.new_page()
    start_from_slip(act, operator, operator_link, operator_username, PASSWORDS["operator"])
    expect(operator).to_have_url(path_is("/beranda/operator/"))
    act.follow(operator, operator.locator("main a[href='/pegawai/impor/']"))
    workbook = {"name": "gtk-emis.xlsx", "mimeType": XLSX_MIME, "buffer": emis_workbook()}
    act.upload(operator.locator("input[name=file]"), workbook)
    act.follow(operator, operator.get_by_test_id("import-form").locator("button[type=submit]"))
    expect(operator.get_by_test_id("import-created")).to_have_text(str(TEACHERS))
    # "Print the slips of the 40 new accounts": the confirmation names how many passwords are replaced.
    act.follow(operator, operator.get_by_test_id("slips-link"))
    expect(operator.get_by_test_id("slip-confirm")).to_contain_text(str(TEACHERS))
    act.follow(operator, operator.locator("main form[method=post] button[type=submit]"))
    expect(operator.get_by_test_id("slip")).to_have_count(TEACHERS)
    guru_username, guru_link = slip_of(operator, OBSERVED)

    # --- roles+pengawas: the Kepala gives the Waka role and adds the pengawas -----------------------
    act.phase = "roles+pengawas"
    kepala = browsing.new_page()
    start_from_slip(act, kepala, kepala_link, kepala_username, PASSWORDS["kepala"])
    # The dashboard offers the first steps: the Waka Kurikulum, then the pengawas.
    expect(kepala).to_have_url(path_is("/beranda/kepala/"))
    waka_form = kepala.get_by_test_id("waka-form")
    act.choose(waka_form.locator("[name=membership]"), text=WAKA)
    act.follow(kepala, waka_form.locator("button[type=submit]"))
    expect(kepala.get_by_test_id("waka-form")).to_have_count(0)

    pengawas_form = kepala.get_by_test_id("pengawas-form")
    act.fill(pengawas_form.locator("[name=nip]"), PENGAWAS_NIP)
    act.fill(pengawas_form.locator("[name=name]"), "Dr. H. Abd. Rahman, M.Pd.I.")
    act.follow(kepala, pengawas_form.locator("button[type=submit]"))
    expect(kepala.get_by_test_id("slip")).to_have_count(1)

    # --- programme: team decree, programme, one planned observation, approval ------------------------
    act.phase = "programme"
    # The team proposed: the Kepala and the Waka, dated today; only the SK's number is typed.
    act.goto(kepala, "/kompetensi/supervisi/tim/ubah/")
    expect(kepala.get_by_test_id("team-proposal")).to_be_visible()
    expect(kepala.get_by_test_id("team-candidates").get_by_label("Ahmad Fauzi")).to_be_checked()
    expect(kepala.get_by_test_id("team-candidates").get_by_label(WAKA)).to_be_checked()
    act.fill(kepala.locator("[name=decree_number]"), "B-045/Mts.13.28.03/PP.00.4/07/2026")
    act.follow(kepala, kepala.locator("main form[method=post] button[type=submit]"))

    # "Draft the programme" with the standard texts lands on planning its first row.
    act.goto(kepala, "/kompetensi/supervisi/program/")
    act.follow(kepala, kepala.get_by_test_id("programme-create"))
    expect(kepala).to_have_url(re.compile(r"/jadwal/tambah/"))
    act.choose(kepala.locator("[name=teacher]"), text=OBSERVED)
    # The Kepala planning is the supervisor offered, at 07:30: only the day is chosen.
    expect(kepala.locator("[name=supervisor] option:checked")).to_contain_text("Ahmad Fauzi")
    expect(kepala.locator("[name=planned_at_1]")).to_have_value("07:30")
    planned = dt.date.today() + dt.timedelta(days=1)
    act.fill(kepala.locator("[name=planned_at_0]"), f"{planned:%Y-%m-%d}")
    act.follow(kepala, kepala.locator("main form[method=post] button[type=submit]"))
    act.confirm(kepala)  # "Approve the programme and notify the teachers of their schedule?"
    act.follow(kepala, kepala.get_by_test_id("approve"))

    # --- observation: the Kepala observes the teacher and scores every item ---------------------------
    act.phase = "observation"
    act.follow(kepala, kepala.get_by_test_id("observation-start").first)
    radios = kepala.locator("input.obs-radio[value='4']")
    for index in range(radios.count()):
        act.score(kepala.locator(f"label[for='{radios.nth(index).get_attribute('id')}']"))
    expect(kepala.get_by_test_id("save-status")).to_have_attribute("data-state", "saved")
    # "Submit" was disabled while items were unscored: the last autosave enables it, no reload.
    act.confirm(kepala)  # "Submit this result to the teacher?"
    act.follow(kepala, kepala.get_by_test_id("submit-form").locator("button[type=submit]"))
    expect(kepala.get_by_test_id("observation-state")).to_have_attribute("data-state", "diajukan")

    # --- ack+final: the teacher acknowledges on their phone, the Kepala finalises ----------------------
    act.phase = "ack+final"
    guru = browsing.new_page(mobile=True)
    start_from_slip(act, guru, guru_link, guru_username, PASSWORDS["guru"])
    act.follow(guru, guru.get_by_test_id("acknowledge-link").first)  # on the teacher's home
    act.follow(guru, guru.get_by_test_id("acknowledge-form").locator("button[type=submit]"))
    expect(guru.get_by_test_id("observation-state")).to_have_attribute("data-state", "diterima")

    act.goto(kepala, "/kompetensi/observasi/rekap/")
    expect(kepala.locator("input[name=observation]").first).to_be_checked()  # confirmed: ticked
    act.follow(kepala, kepala.get_by_test_id("finalise-selected"))
    expect(kepala.locator("[data-testid=recap-row][data-state=final]")).to_have_count(1)

    # --- recap: the Kepala asks for the semester recap, the worker builds it, she downloads it ---------
    act.phase = "recap"
    act.goto(kepala, "/laporan/dokumen/")
    form = kepala.locator("[data-testid=report-form][data-kind=semester]")
    act.follow(kepala, form.get_by_test_id("report-request"))
    status = kepala.locator("[data-testid=report-row][data-kind=semester] [data-testid=report-status]")
    expect(status).to_have_attribute("data-status", "done", timeout=90_000)
    with kepala.expect_download() as info:
        act.click(status.get_by_test_id("report-download"))
    data = Path(info.value.path()).read_bytes()
    seconds = round(time.monotonic() - started)
    assert data.startswith(b"%PDF")
    text = " ".join(pdf_text(data).split())
    assert MADRASAH.upper() in text.upper()
    assert OBSERVED in text
    assert_no_csp_violations(browsing)

    figures = {
        "actions": act.total,
        "item_scores": act.item_scores,
        "seconds": seconds,
        "phases": {phase: act.counts[phase] for phase in PHASES},
        "addresses_typed": {phase: act.addresses_typed[phase] for phase in PHASES if act.addresses_typed[phase]},
    }
    print("journey figures:", json.dumps(figures))
    if target := os.environ.get("JOURNEY_FIGURES_FILE"):
        Path(target).write_text(json.dumps(figures))
