"""The archive on the Reports page: every document the member may see, filtered by kind, period and
status, a page at a time; a teacher finds only their own records there, whatever they ask for."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from laporan.models import Report, ReportStatus

LIST = reverse("laporan:report-list")
WIB = dt.timezone(dt.timedelta(hours=7))
SEMESTER = "2026-2027-ganjil"


def rows(page) -> list[tuple[str, str]]:
    html = page.content.decode()
    return re.findall(r'data-testid="report-row" data-kind="([^"]+)" data-period="([^"]+)"', html)


def report(madrasah, kind, period, *, teacher=None, status=ReportStatus.DONE) -> Report:
    return Report.objects.create(madrasah=madrasah, kind=kind, period=period, teacher=teacher, status=status)


@pytest.fixture
def archive(madrasah, guru, guru_lain):
    made = [
        report(madrasah, "semester", SEMESTER),
        report(madrasah, "laporan-supervisi", SEMESTER, status=ReportStatus.FAILED),
        report(madrasah, "bundle", "2026-2027", status=ReportStatus.QUEUED),
        report(madrasah, "guru", SEMESTER, teacher=guru.staff),
        report(madrasah, "guru", SEMESTER, teacher=guru_lain.staff),
    ]
    made += [report(madrasah, "digest", f"2026-{month:02d}") for month in range(1, 12)]
    return made


@pytest.fixture(autouse=True)
def november():
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, tzinfo=WIB), tick=False):
        yield


@pytest.mark.django_db
def test_the_archive_filters_by_kind_period_and_status(login, kepala, archive):
    client = login(kepala)
    assert len(rows(client.get(LIST))) == 16
    assert rows(client.get(LIST, {"jenis": "semester"})) == [("semester", SEMESTER)]
    assert sorted(rows(client.get(LIST, {"periode": SEMESTER}))) == [
        ("guru", SEMESTER),
        ("guru", SEMESTER),
        ("laporan-supervisi", SEMESTER),
        ("semester", SEMESTER),
    ]
    assert rows(client.get(LIST, {"status": "failed"})) == [("laporan-supervisi", SEMESTER)]
    assert rows(client.get(LIST, {"status": "active"})) == [("bundle", "2026-2027")]
    assert rows(client.get(LIST, {"jenis": "digest", "periode": "2026-10"})) == [("digest", "2026-10")]
    empty = client.get(LIST, {"jenis": "semester", "status": "failed"}).content.decode()
    assert "Tidak ada dokumen yang sesuai dengan saringan ini." in empty


@pytest.mark.django_db
def test_unknown_filters_filter_nothing(login, kepala, archive):
    page = login(kepala).get(LIST, {"jenis": "nothing", "periode": "sembarang", "status": "lost"})
    assert page.status_code == 200 and len(rows(page)) == 16


@pytest.mark.django_db
def test_a_teacher_finds_only_their_own_records(login, guru, archive):
    client = login(guru)
    assert rows(client.get(LIST)) == [("guru", SEMESTER)]
    assert rows(client.get(LIST, {"jenis": "semester"})) == [("guru", SEMESTER)]  # not offered: ignored
    own = Report.objects.get(kind="guru", teacher=guru.staff)
    assert f'id="report-{own.pk}"' in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_the_archive_goes_a_page_at_a_time_keeping_its_filters(login, kepala, madrasah, archive):
    for month in range(1, 12):
        report(madrasah, "digest", f"2025-{month:02d}")
    client = login(kepala)
    first = client.get(LIST, {"jenis": "digest"})
    assert len(rows(first)) == 22 and "halaman" not in first.content.decode()
    for number in range(12):
        report(madrasah, "digest", f"2024-{number + 1:02d}")
    first = client.get(LIST, {"jenis": "digest"})
    assert len(rows(first)) == 25
    assert "?jenis=digest&amp;halaman=2" in first.content.decode()
    second = client.get(LIST, {"jenis": "digest", "halaman": "2"})
    assert len(rows(second)) == 9
    assert "Halaman 2 dari 2" in second.content.decode()
    assert rows(client.get(LIST, {"periode": "2024-03"})) == [("digest", "2024-03")]  # no longer offered
