"""Personal data (UU PDP): the access log, "Data saya" (all of a member's data as a ZIP) and the
retention of files with its daily purge."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kompetensi.models import (
    AppraisalEvidence,
    AppreciationNote,
    Evidence,
    FollowUpProgress,
    Item,
    Observation,
    ObservationScore,
    ObservationState,
    PkbActivity,
)
from laporan.models import PurgedFile, Report, ReportStatus, RetentionSetting
from laporan.privacy.selectors import personal_data_collect
from laporan.tasks import purge_expired_files
from madrasah.access_log import access_log_record
from madrasah.models import AccessKind, AccessLog, Notification
from madrasah.services import madrasah_deactivate
from tests.factories import mutu as data
from tests.factories.appraisal import appraisal, appraisal_period, score_all
from tests.factories.mutu_money import good_practice
from tests.factories.supervision import active_semester

PDF = b"%PDF-1.4\n% bukti\n"
JAKARTA = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def _body(response) -> str:
    return response.content.decode()


def _final(madrasah, teacher, supervisor, n: int = 0) -> Observation:
    semester = active_semester(madrasah)
    planned = timezone.make_aware(dt.datetime.combine(semester.start_date + dt.timedelta(days=7 + n), dt.time(8)))
    observation = data.final_result(
        semester=semester, teacher=teacher, supervisor=supervisor, percentage="82.5", planned_at=planned
    )
    observation.strengths = "Apersepsi sangat baik"
    observation.save(update_fields=["strengths"])
    items = Item.objects.filter(section__version=observation.instrument_version)
    ObservationScore.objects.bulk_create(
        [ObservationScore(observation=observation, item=item, points=3, note=f"Catatan {item.pk}") for item in items]
    )
    return observation


def _evidence(observation: Observation, uploader, name: str = "modul-ajar.pdf") -> Evidence:
    evidence = Evidence(
        madrasah=observation.madrasah,
        observation=observation,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=uploader,
    )
    evidence.file.save(name, ContentFile(PDF), save=False)
    evidence.save()
    return evidence


def _report(madrasah, teacher, *, finished_at=None) -> Report:
    report = Report(
        madrasah=madrasah,
        kind="guru",
        period="2026-2027-ganjil",
        teacher=teacher.staff,
        status=ReportStatus.DONE,
        progress=100,
        size=len(PDF),
        finished_at=finished_at or timezone.now(),
    )
    report.file.save("report.pdf", ContentFile(PDF), save=False)
    report.save()
    return report


def _everything_of(madrasah, guru, waka, kepala, *, n: int = 1) -> None:
    """`n` more of every kind of data about `guru` (one PKG appraisal: one per year)."""
    for i in range(n):
        observation = _final(madrasah, guru, waka, n=i)
        _evidence(observation, guru.user)
        follow_up = data.follow_up(observation, deadline=timezone.localdate() + dt.timedelta(days=30))
        FollowUpProgress.objects.create(follow_up=follow_up, author=guru.user, note=f"Sudah dicoba {i}")
        pkb = data.verified_pkb(guru, jp=10 + i, start=dt.date(2026, 8, 1 + i))
        pkb.evidence.save("sertifikat.pdf", ContentFile(PDF), save=True)
        good_practice(guru, title=f"Praktik {i}")
        AppreciationNote.objects.create(madrasah=madrasah, teacher=guru.staff, author=kepala.user, text=f"Hebat {i}")
        Notification.objects.create(user=guru.user, madrasah=madrasah, text=f"Pemberitahuan {i}")
        access_log_record(viewer=kepala, teacher_id=guru.staff_id, kind=AccessKind.RECORD, what=f"Buka {i}")
        _report(madrasah, guru)
    if not guru.staff.appraisals.exists():
        period = appraisal_period(madrasah, active_semester(madrasah).academic_year, kepala)
        pkg = appraisal(period, guru.staff, kepala.user, stage="disetujui")
        score_all(pkg)


def _zip(response) -> zipfile.ZipFile:
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


# --- the access log ---------------------------------------------------------------------------------


def test_opening_another_teachers_pkg_is_logged_with_its_kind_and_address(client, madrasah, guru, kepala):
    period = appraisal_period(madrasah, active_semester(madrasah).academic_year, kepala)
    pkg = appraisal(period, guru.staff, kepala.user)
    client.force_login(kepala.user)
    url = reverse("kompetensi:appraisal-detail", args=[pkg.pk])
    assert client.get(url).status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user_id, entry.staff_id, entry.kind, entry.path) == (kepala.user_id, guru.staff_id, "pkg", url)
    assert entry.what.startswith("PKG ")


def test_a_supervision_sheet_opened_by_the_kepala_is_logged_but_the_teachers_own_opening_is_not(
    client, madrasah, guru, waka, kepala
):
    observation = _final(madrasah, guru, waka)
    url = reverse("kompetensi:observation-detail", args=[observation.pk])
    client.force_login(guru.user)
    assert client.get(url).status_code == 200
    assert not AccessLog.objects.exists()
    client.force_login(kepala.user)
    assert client.get(url).status_code == 200
    assert list(AccessLog.objects.values_list("user_id", "kind")) == [(kepala.user_id, "supervision")]


def test_downloading_a_teachers_evidence_file_is_logged_as_a_document(client, madrasah, guru, waka, kepala):
    evidence = _evidence(_final(madrasah, guru, waka), guru.user)
    client.force_login(kepala.user)
    response = client.get(reverse("kompetensi:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    entry = AccessLog.objects.get()
    assert (entry.kind, entry.what, entry.staff_id) == ("document", "modul-ajar.pdf", guru.staff_id)


def test_the_operator_opening_a_staff_record_is_logged(client, guru, operator):
    client.force_login(operator.user)
    assert client.get(reverse("madrasah:staff-detail", args=[guru.staff_id])).status_code == 200
    assert AccessLog.objects.get().kind == AccessKind.RECORD


def test_the_kepala_filters_the_log_by_actor_kind_and_dates(client, madrasah, guru, guru_lain, waka, kepala):
    with time_machine.travel(dt.datetime(2026, 9, 1, 9, 0, tzinfo=JAKARTA), tick=False):
        access_log_record(viewer=waka, teacher_id=guru.staff_id, kind=AccessKind.RECORD, what="lama")
    with time_machine.travel(dt.datetime(2026, 10, 5, 9, 0, tzinfo=JAKARTA), tick=False):
        access_log_record(viewer=waka, teacher_id=guru.staff_id, kind=AccessKind.APPRAISAL, what="PKG baru")
        access_log_record(viewer=kepala, teacher_id=guru_lain.staff_id, kind=AccessKind.RECORD, what="kepala")
    client.force_login(kepala.user)
    url = reverse("madrasah:access-log")
    assert _body(client.get(url)).count('data-testid="access-log-row"') == 3
    body = _body(client.get(url, {"actor": waka.user_id, "date_from": "2026-10-01", "date_to": "2026-10-31"}))
    assert body.count('data-testid="access-log-row"') == 1 and "PKG baru" in body
    body = _body(client.get(url, {"kind": "pkg"}))
    assert body.count('data-testid="access-log-row"') == 1
    body = _body(client.get(url, {"teacher": guru_lain.staff_id}))
    assert body.count('data-testid="access-log-row"') == 1 and "kepala" in body


def test_a_reversed_date_range_is_refused_with_a_message(client, guru, waka, kepala):
    access_log_record(viewer=waka, teacher_id=guru.staff_id, kind=AccessKind.RECORD, what="x")
    client.force_login(kepala.user)
    body = _body(client.get(reverse("madrasah:access-log"), {"date_from": "2026-10-31", "date_to": "2026-10-01"}))
    assert gettext("The end date is before the start date.") in body
    assert body.count('data-testid="access-log-row"') == 1  # unfiltered, not an empty page


def test_another_madrasahs_kepala_never_sees_our_entries(client, guru, waka, outsider):
    access_log_record(viewer=waka, teacher_id=guru.staff_id, kind=AccessKind.RECORD, what="rahasia")
    client.force_login(outsider.user)
    body = _body(client.get(reverse("madrasah:access-log"), {"teacher": guru.staff_id}))
    assert "rahasia" not in body and guru.staff.name not in body


def test_the_log_pages_newest_first(client, guru, waka, kepala):
    for n in range(55):
        access_log_record(viewer=waka, teacher_id=guru.staff_id, kind=AccessKind.RECORD, what=f"buka-{n:02d}")
    client.force_login(kepala.user)
    first = _body(client.get(reverse("madrasah:access-log")))
    assert first.count('data-testid="access-log-row"') == 50
    assert first.index("buka-54") < first.index("buka-53")
    second = _body(client.get(reverse("madrasah:access-log"), {"halaman": 2}))
    assert second.count('data-testid="access-log-row"') == 5 and "buka-00" in second


@pytest.mark.parametrize("persona", ["guru", "waka", "operator", "pengawas"])
def test_only_the_kepala_reads_the_access_log(client, request, persona):
    client.force_login(request.getfixturevalue(persona).user)
    assert client.get(reverse("madrasah:access-log")).status_code == 403


def test_a_teacher_sees_who_opened_their_data_and_nobody_elses(client, guru, guru_lain, waka):
    access_log_record(viewer=waka, teacher_id=guru.staff_id, kind=AccessKind.APPRAISAL, what="PKG saya")
    access_log_record(viewer=waka, teacher_id=guru_lain.staff_id, kind=AccessKind.APPRAISAL, what="PKG orang lain")
    client.force_login(guru.user)
    body = _body(client.get(reverse("laporan:my-data")))
    assert body.count('data-testid="my-access-log-row"') == 1
    assert "PKG saya" in body and "PKG orang lain" not in body
    assert waka.staff.name in body


# --- "Data saya" ------------------------------------------------------------------------------------


def test_a_teacher_downloads_everything_held_about_them(client, madrasah, guru, waka, kepala):
    _everything_of(madrasah, guru, waka, kepala)
    client.force_login(guru.user)
    bundle = _zip(client.get(reverse("laporan:my-data-download")))
    names = set(bundle.namelist())
    expected = {"akun", "profil", "supervisi", "tindak_lanjut", "pkg", "pkb", "praktik_baik", "apresiasi"}
    expected |= {"pemberitahuan", "log_akses", "berkas"}
    assert {f"{kind}.json" for kind in expected} <= names and "README.txt" in names
    profile = json.loads(bundle.read("profil.json"))
    assert profile["nip"] == guru.staff.nip
    sheet = json.loads(bundle.read("supervisi.json"))[0]
    assert sheet["strengths"] == "Apersepsi sangat baik" and sheet["percentage"] == "82.5000"
    assert len(sheet["scores"]) == 3 and sheet["scores"][0]["points"] == 3
    assert json.loads(bundle.read("tindak_lanjut.json"))[0]["progress"][0]["note"] == "Sudah dicoba 0"
    pkg = json.loads(bundle.read("pkg.json"))[0]
    assert pkg["stage"] == "disetujui" and all(s["points"] == 2 for s in pkg["indicator_scores"])
    assert json.loads(bundle.read("log_akses.json"))[0]["what"] == "Buka 0"
    files = json.loads(bundle.read("berkas.json"))
    assert len(files) == 3 and all(f["included"] for f in files)  # evidence, certificate, record PDF
    assert all(bundle.read(f["path"]) == PDF for f in files)
    assert {f["path"].split("/")[1] for f in files} == {"supervisi", "pkb", "dokumen"}


def test_the_zip_holds_nothing_of_another_teacher_nor_unsubmitted_drafts(client, madrasah, guru, guru_lain, waka):
    _final(madrasah, guru_lain, waka)
    draft = _final(madrasah, guru, waka, n=1)
    Observation.objects.filter(pk=draft.pk).update(state=ObservationState.DRAFT)
    client.force_login(guru.user)
    bundle = _zip(client.get(reverse("laporan:my-data-download")))
    assert json.loads(bundle.read("supervisi.json")) == []
    everything = b"".join(bundle.read(name) for name in bundle.namelist())
    assert guru_lain.staff.nip.encode() not in everything


def test_the_download_is_recorded_as_an_export(client, guru):
    client.force_login(guru.user)
    client.get(reverse("laporan:my-data-download"))
    entry = AccessLog.objects.get()
    assert (entry.user_id, entry.staff_id, entry.kind) == (guru.user_id, guru.staff_id, "export")


def test_a_pengawas_without_a_staff_record_gets_their_account_data(client, pengawas):
    client.force_login(pengawas.user)
    bundle = _zip(client.get(reverse("laporan:my-data-download")))
    assert json.loads(bundle.read("akun.json"))["username"] == pengawas.user.username
    assert "profil.json" not in bundle.namelist()


def test_a_file_missing_from_storage_is_listed_not_an_error(client, madrasah, guru, waka, media):
    evidence = _evidence(_final(madrasah, guru, waka), guru.user)
    (media / evidence.file.name).unlink()
    client.force_login(guru.user)
    bundle = _zip(client.get(reverse("laporan:my-data-download")))
    assert json.loads(bundle.read("berkas.json"))[0]["included"] is False
    assert "modul-ajar.pdf" in bundle.read("README.txt").decode()


def test_the_queries_do_not_grow_with_the_amount_of_data(madrasah, guru, waka, kepala):
    _everything_of(madrasah, guru, waka, kepala, n=1)
    with CaptureQueriesContext(connection) as one:
        personal_data_collect(membership=guru)
    _everything_of(madrasah, guru, waka, kepala, n=4)
    with CaptureQueriesContext(connection) as five:
        collected = personal_data_collect(membership=guru)
    assert len(collected["supervisi"]) == 5 and len(collected["pkb"]) == 5
    assert len(five) == len(one) <= 20  # one per kind (a list and each of its details)


# --- retention --------------------------------------------------------------------------------------


def test_the_kepala_sets_retention_between_12_and_240_months(client, madrasah, kepala):
    client.force_login(kepala.user)
    url = reverse("laporan:retention")
    for bad in ("11", "241", "dua", ""):
        response = client.post(url, {"evidence_months": bad, "document_months": "60"})
        assert response.status_code == 200 and 'id="error_1_id_evidence_months"' in _body(response)
    assert not RetentionSetting.objects.exists()
    assert client.post(url, {"evidence_months": "24", "document_months": "120"}).status_code == 302
    setting = RetentionSetting.objects.get(madrasah=madrasah)
    assert (setting.evidence_months, setting.document_months, setting.updated_by) == (24, 120, kepala.user)


def test_out_of_range_months_get_the_ranges_message(client, kepala):
    client.force_login(kepala.user)
    body = _body(client.post(reverse("laporan:retention"), {"evidence_months": "6", "document_months": "60"}))
    assert gettext("Choose between %(min)s and %(max)s months.") % {"min": 12, "max": 240} in body


@pytest.mark.parametrize("persona", ["waka", "guru", "operator", "pengawas"])
def test_only_the_kepala_changes_retention(client, request, persona):
    client.force_login(request.getfixturevalue(persona).user)
    response = client.post(reverse("laporan:retention"), {"evidence_months": "12", "document_months": "12"})
    assert response.status_code == 403
    assert not RetentionSetting.objects.exists()


def test_the_purge_deletes_expired_files_and_keeps_their_records(client, madrasah, guru, waka, kepala, media):
    with time_machine.travel(dt.datetime(2020, 3, 1, 10, 0, tzinfo=JAKARTA), tick=False):
        observation = _final(madrasah, guru, waka)
        old = _evidence(observation, guru.user, "foto-kelas-2020.pdf")
        old_report = _report(madrasah, guru)
    fresh = _evidence(observation, guru.user, "foto-kelas-baru.pdf")
    old_path, fresh_path = media / old.file.name, media / fresh.file.name
    assert old_path.exists() and fresh_path.exists()
    with time_machine.travel(dt.datetime(2025, 3, 2, 2, 30, tzinfo=JAKARTA), tick=False):
        counts = purge_expired_files()
    assert counts["kompetensi.evidence"] == 1 and counts["laporan.report"] == 1
    assert not old_path.exists() and fresh_path.exists()
    old.refresh_from_db()
    old_report.refresh_from_db()
    assert old.file.name == "" and old.original_name == "foto-kelas-2020.pdf"
    assert old_report.file.name == "" and old_report.purged_at is not None and old_report.status == "done"
    assert PurgedFile.objects.filter(madrasah=madrasah).count() == 2
    client.force_login(kepala.user)
    body = _body(client.get(reverse("kompetensi:observation-detail", args=[observation.pk])))
    assert 'data-testid="evidence-purged"' in body and "foto-kelas-2020.pdf" in body
    assert client.get(reverse("kompetensi:evidence-download", args=[old.pk])).status_code == 404


def test_the_purge_is_idempotent_and_survives_a_file_already_gone(madrasah, guru, waka, media):
    with time_machine.travel(dt.datetime(2019, 1, 10, 10, 0, tzinfo=JAKARTA), tick=False):
        gone = _evidence(_final(madrasah, guru, waka), guru.user)
    (media / gone.file.name).unlink()
    with time_machine.travel(dt.datetime(2026, 1, 1, 2, 30, tzinfo=JAKARTA), tick=False):
        first = purge_expired_files()
        second = purge_expired_files()
    assert first["kompetensi.evidence"] == 1 and sum(second.values()) == 0
    assert PurgedFile.objects.count() == 1
    gone.refresh_from_db()
    assert gone.file.name == ""


def test_the_purge_keeps_every_file_of_an_inactive_madrasah(madrasah, guru, waka, media):
    with time_machine.travel(dt.datetime(2019, 1, 10, 10, 0, tzinfo=JAKARTA), tick=False):
        old = _evidence(_final(madrasah, guru, waka), guru.user)
    madrasah_deactivate(madrasah=madrasah, actor=None)
    with time_machine.travel(dt.datetime(2026, 1, 1, 2, 30, tzinfo=JAKARTA), tick=False):
        assert sum(purge_expired_files().values()) == 0
    assert (media / old.file.name).exists() and not PurgedFile.objects.exists()


def test_the_purge_follows_each_madrasahs_setting(madrasah, guru, waka, kepala, media):
    RetentionSetting.objects.create(madrasah=madrasah, evidence_months=120, document_months=12)
    with time_machine.travel(dt.datetime(2020, 3, 1, 10, 0, tzinfo=JAKARTA), tick=False):
        observation = _final(madrasah, guru, waka)
        kept = _evidence(observation, guru.user)
        pkg_period = appraisal_period(madrasah, active_semester(madrasah).academic_year, kepala)
    with time_machine.travel(dt.datetime(2025, 3, 1, 10, 0, tzinfo=JAKARTA), tick=False):
        report = _report(madrasah, guru)
    with time_machine.travel(dt.datetime(2026, 3, 2, 2, 30, tzinfo=JAKARTA), tick=False):
        counts = purge_expired_files()
    assert counts["kompetensi.evidence"] == 0 and counts["laporan.report"] == 1
    assert (media / kept.file.name).exists()
    report.refresh_from_db()
    assert report.purged_at is not None
    assert pkg_period.pk  # the appraisal period (a record, not a file) is untouched


def test_the_purge_runs_daily_from_beat():
    from celery.schedules import crontab

    entry = django_settings.CELERY_BEAT_SCHEDULE["purge-expired-files"]
    assert entry["task"] == purge_expired_files.name
    assert entry["schedule"] == crontab(hour=2, minute=30)


def test_pkb_certificates_and_pkg_documents_are_purged_too(madrasah, guru, kepala, media):
    with time_machine.travel(dt.datetime(2018, 8, 1, 10, 0, tzinfo=JAKARTA), tick=False):
        pkb = data.verified_pkb(guru, jp=20, start=dt.date(2018, 7, 20))
        pkb.evidence.save("sertifikat.pdf", ContentFile(PDF), save=True)
        period = appraisal_period(madrasah, active_semester(madrasah).academic_year, kepala)
        document = AppraisalEvidence(
            appraisal=appraisal(period, guru.staff, kepala.user),
            section=period.appraisals.get().instrument_version.sections.first(),
            original_name="rpp.pdf",
            added_by=kepala.user,
        )
        document.file.save("rpp.pdf", ContentFile(PDF), save=True)
    with time_machine.travel(dt.datetime(2026, 1, 1, 2, 30, tzinfo=JAKARTA), tick=False):
        counts = purge_expired_files()
    assert counts["kompetensi.pkbactivity"] == 1 and counts["kompetensi.appraisalevidence"] == 1
    pkb.refresh_from_db()
    assert pkb.evidence.name == "" and pkb.evidence_name == "" and PkbActivity.objects.count() == 1
