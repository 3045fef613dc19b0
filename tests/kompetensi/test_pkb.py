"""PKB through HTTP: the teacher's log (validated, evidence judged by content, private to the
teacher), the Waka's queue with verify/return, yearly totals toward the PNS minimum and the PPPK cap,
in-house activities crediting every attendee once, and the recap in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompetensi.models import InHouseActivity, PkbActivity, PkbKind, PkbStatus
from kompetensi.pkb import selectors as pkb_selectors
from kompetensi.pkb import services as pkb_services
from madrasah.errors import ApplicationError
from madrasah.models import Notification
from tests.factories.madrasah import StaffFactory, member

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
# 1 October 2026: academic year 2026/2027 (July 2026 – June 2027).
TODAY = dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def form_data(**overrides) -> dict:
    data = {
        "kind": PkbKind.TRAINING,
        "title": "Diklat Kurikulum Merdeka",
        "organiser": "BDK Surabaya",
        "start_date": "2026-08-03",
        "end_date": "2026-08-05",
        "jp": "32",
        "minutes_per_jp": "45",
    }
    data.update(overrides)
    return data


def entry(teacher, *, status=PkbStatus.SUBMITTED, kind=PkbKind.TRAINING, jp=10, start=dt.date(2026, 8, 3)):
    return PkbActivity.objects.create(
        madrasah_id=teacher.madrasah_id,
        teacher=teacher,
        kind=kind,
        title=f"Kegiatan {kind} {jp}",
        organiser="KKG",
        start_date=start,
        end_date=start,
        jp=jp,
        status=status,
    )


# --- the log: create and validate ------------------------------------------------------------------


def test_a_teacher_logs_an_activity_with_a_certificate(login, guru, media):
    upload = SimpleUploadedFile("sertifikat.pdf", PDF, content_type="application/pdf")
    response = login(guru).post(reverse("kompetensi:pkb-create"), {**form_data(), "evidence": upload})
    activity = PkbActivity.objects.get()
    assert response.status_code == 302
    assert response.url == activity.get_absolute_url()
    assert activity.teacher == guru.staff
    assert activity.status == PkbStatus.SUBMITTED
    assert activity.evidence_name == "sertifikat.pdf"
    assert activity.evidence.name.endswith(".pdf")
    assert len(stored_files(media)) == 1


def test_evidence_is_optional(login, guru, media):
    response = login(guru).post(reverse("kompetensi:pkb-create"), form_data())
    assert response.status_code == 302
    assert not PkbActivity.objects.get().evidence


def _executable():
    return SimpleUploadedFile("sertifikat.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf")


def _oversized():
    return SimpleUploadedFile("sertifikat.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")


@pytest.mark.parametrize(
    ("overrides", "upload", "field"),
    [
        ({"jp": "0"}, None, "jp"),
        ({"jp": "1001"}, None, "jp"),
        ({"jp": "-3"}, None, "jp"),
        ({"start_date": "2026-08-05", "end_date": "2026-08-03"}, None, "end_date"),
        ({}, _executable, "evidence"),
        ({}, _oversized, "evidence"),
    ],
    ids=["jp-zero", "jp-1001", "jp-negative", "end-before-start", "renamed-executable", "oversized"],
)
def test_bad_input_is_refused_at_its_field_and_nothing_is_written(login, guru, media, overrides, upload, field):
    data = form_data(**overrides)
    if upload:
        data["evidence"] = upload()
    response = login(guru).post(reverse("kompetensi:pkb-create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert PkbActivity.objects.count() == 0
    assert stored_files(media) == []


def test_the_service_refuses_what_the_form_would_let_through(guru):
    data = pkb_services.PkbData(
        kind=PkbKind.SEMINAR,
        title="Seminar",
        organiser="PGRI",
        start_date=dt.date(2026, 8, 3),
        end_date=dt.date(2026, 8, 3),
        jp=1001,
    )
    with pytest.raises(ApplicationError) as error:
        pkb_services.pkb_activity_create(teacher=guru.staff, user=guru.user, data=data)
    assert error.value.field == "jp"
    assert PkbActivity.objects.count() == 0


# --- privacy ---------------------------------------------------------------------------------------


def test_another_teacher_cannot_open_an_entry_or_its_evidence(client, guru, guru_lain, media):
    upload = SimpleUploadedFile("sertifikat.pdf", PDF, content_type="application/pdf")
    client.force_login(guru.user)
    client.post(reverse("kompetensi:pkb-create"), {**form_data(), "evidence": upload})
    activity = PkbActivity.objects.get()
    assert client.get(reverse("kompetensi:pkb-evidence", args=[activity.pk])).status_code == 200

    client.force_login(guru_lain.user)
    for name in ("pkb-detail", "pkb-evidence", "pkb-update"):
        assert client.get(reverse(f"kompetensi:{name}", args=[activity.pk])).status_code == 404
    response = client.post(reverse("kompetensi:pkb-update", args=[activity.pk]), form_data(title="Diubah"))
    assert response.status_code == 404
    activity.refresh_from_db()
    assert activity.title == "Diklat Kurikulum Merdeka"


def test_the_log_shows_only_the_teachers_own_entries(login, guru, guru_lain):
    other = entry(guru_lain.staff, jp=7)
    mine = entry(guru.staff, jp=3)
    response = login(guru).get(reverse("kompetensi:pkb-mine"))
    pks = [a.pk for a in response.context["activities"]]
    assert mine.pk in pks
    assert other.pk not in pks


# --- queue, verify, return -------------------------------------------------------------------------


def test_the_queue_lists_waiting_entries_oldest_first_without_the_verifiers_own(login, waka, guru, guru_lain):
    first = entry(guru.staff)
    second = entry(guru_lain.staff)
    entry(guru.staff, status=PkbStatus.VERIFIED)
    entry(waka.staff)  # the Waka's own: verified by someone else
    response = login(waka).get(reverse("kompetensi:pkb-queue"))
    assert [a.pk for a in response.context["activities"]] == [first.pk, second.pk]


def test_the_waka_verifies_and_the_teacher_is_told(login, waka, guru):
    activity = entry(guru.staff)
    response = login(waka).post(reverse("kompetensi:pkb-verify", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == PkbStatus.VERIFIED
    assert activity.verified_by == waka.user
    assert Notification.objects.filter(user=guru.user, url=activity.get_absolute_url()).exists()


def test_the_waka_cannot_verify_their_own_entry(login, waka):
    activity = entry(waka.staff)
    assert login(waka).post(reverse("kompetensi:pkb-verify", args=[activity.pk])).status_code == 403
    assert PkbActivity.objects.get().status == PkbStatus.SUBMITTED


def test_returning_needs_a_note(login, waka, guru):
    activity = entry(guru.staff)
    response = login(waka).post(reverse("kompetensi:pkb-return", args=[activity.pk]), {"note": "  "})
    assert response.status_code == 400
    assert response.context["return_form"].errors["note"]
    assert PkbActivity.objects.get().status == PkbStatus.SUBMITTED
    assert not Notification.objects.filter(user=guru.user).exists()


def test_a_returned_entry_is_corrected_and_sent_again(client, waka, guru):
    activity = entry(guru.staff)
    client.force_login(waka.user)
    response = client.post(reverse("kompetensi:pkb-return", args=[activity.pk]), {"note": "Sertifikat buram."})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.return_note) == (PkbStatus.RETURNED, "Sertifikat buram.")
    assert Notification.objects.filter(user=guru.user).count() == 1

    client.force_login(guru.user)
    assert "Sertifikat buram." in client.get(activity.get_absolute_url()).content.decode()
    response = client.post(reverse("kompetensi:pkb-update", args=[activity.pk]), form_data(jp="24"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.return_note, activity.jp) == (PkbStatus.SUBMITTED, "", 24)


def test_a_verified_entry_can_no_longer_be_changed(login, guru):
    activity = entry(guru.staff, status=PkbStatus.VERIFIED)
    response = login(guru).post(reverse("kompetensi:pkb-update", args=[activity.pk]), form_data(jp="99"))
    assert response.status_code == 302
    assert PkbActivity.objects.get().jp == 10


# --- totals and targets ----------------------------------------------------------------------------


def test_totals_count_only_verified_entries_of_the_academic_year_per_kind(guru):
    teacher = guru.staff
    entry(teacher, status=PkbStatus.VERIFIED, kind=PkbKind.TRAINING, jp=10, start=dt.date(2026, 7, 1))
    entry(teacher, status=PkbStatus.VERIFIED, kind=PkbKind.MGMP, jp=4, start=dt.date(2027, 6, 30))
    entry(teacher, status=PkbStatus.VERIFIED, kind=PkbKind.MGMP, jp=2, start=dt.date(2026, 9, 9))
    entry(teacher, status=PkbStatus.SUBMITTED, jp=50)
    entry(teacher, status=PkbStatus.RETURNED, jp=60)
    entry(teacher, status=PkbStatus.VERIFIED, jp=30, start=dt.date(2026, 6, 30))  # 2025/2026
    entry(teacher, status=PkbStatus.VERIFIED, jp=40, start=dt.date(2027, 7, 1))  # 2027/2028
    totals = pkb_selectors.pkb_totals(teacher=teacher, year=2026)
    by_kind = {row["kind"]: row["jp"] for row in totals["by_kind"]}
    assert totals["total"] == 16
    assert by_kind[PkbKind.TRAINING] == 10
    assert by_kind[PkbKind.MGMP] == 6
    assert by_kind[PkbKind.SEMINAR] == 0
    assert pkb_selectors.pkb_totals(teacher=teacher, year=2025)["total"] == 30


def test_a_civil_servant_sees_progress_toward_20_jp(login, guru):
    assert guru.staff.employment_status == "pns"
    entry(guru.staff, status=PkbStatus.VERIFIED, jp=14)
    response = login(guru).get(reverse("kompetensi:pkb-mine"))
    body = response.content.decode()
    assert response.context["totals"]["minimum"] == 20
    assert 'data-percent="70"' in body
    assert 'max="20"' in body
    assert "pkb-cap" not in body


def test_pppk_sees_the_24_jp_cap(login, madrasah):
    pppk = member(madrasah=madrasah, roles=["guru"], staff=StaffFactory(madrasah=madrasah, employment_status="pppk"))
    entry(pppk.staff, status=PkbStatus.VERIFIED, jp=30)
    response = login(pppk).get(reverse("kompetensi:pkb-mine"))
    body = response.content.decode()
    assert "maks. 24 JP" in body
    assert "pkb-progress" not in body
    assert "pkb-over-cap" in body


# --- in-house activities ---------------------------------------------------------------------------


def in_house_form(*attendees, **overrides) -> dict:
    data = {
        "title": "IHT Asesmen Diagnostik",
        "kind": PkbKind.IN_HOUSE,
        "organiser": "MTsN 3 Pamekasan",
        "speaker": "Dr. Ahmad",
        "place": "Aula",
        "start_date": "2026-09-01",
        "end_date": "2026-09-02",
        "jp": "16",
        "minutes_per_jp": "45",
        "summary": "Pembukaan, materi, praktik.",
        "attendees": [staff.pk for staff in attendees],
    }
    data.update(overrides)
    return data


def test_an_in_house_activity_credits_every_attendee_once(client, waka, guru, guru_lain):
    client.force_login(waka.user)
    response = client.post(reverse("kompetensi:in-house-create"), in_house_form(guru.staff, guru_lain.staff))
    activity = InHouseActivity.objects.get()
    assert response.status_code == 302
    credits = PkbActivity.objects.filter(in_house=activity)
    assert sorted(credits.values_list("teacher_id", flat=True)) == sorted([guru.staff_id, guru_lain.staff_id])
    assert set(credits.values_list("status", "jp", "kind")) == {(PkbStatus.VERIFIED, 16, PkbKind.IN_HOUSE)}
    assert Notification.objects.filter(user__in=[guru.user, guru_lain.user]).count() == 2
    assert pkb_selectors.pkb_totals(teacher=guru.staff, year=2026)["total"] == 16

    detail = client.get(reverse("kompetensi:in-house-detail", args=[activity.pk]))
    assert detail.content.decode().count('data-testid="attendee-row"') == 2

    with pytest.raises(IntegrityError), transaction.atomic():
        PkbActivity.objects.create(
            madrasah=activity.madrasah,
            teacher=guru.staff,
            in_house=activity,
            kind=PkbKind.IN_HOUSE,
            title="x",
            organiser="x",
            start_date=activity.start_date,
            end_date=activity.end_date,
            jp=1,
        )


def test_editing_the_attendance_adds_and_removes_credits(client, waka, kepala, guru, guru_lain):
    client.force_login(waka.user)
    client.post(reverse("kompetensi:in-house-create"), in_house_form(guru.staff, guru_lain.staff))
    activity = InHouseActivity.objects.get()
    response = client.post(
        reverse("kompetensi:in-house-update", args=[activity.pk]), in_house_form(guru.staff, kepala.staff, jp="12")
    )
    assert response.status_code == 302
    credits = PkbActivity.objects.filter(in_house=activity)
    assert sorted(credits.values_list("teacher_id", flat=True)) == sorted([guru.staff_id, kepala.staff_id])
    assert set(credits.values_list("jp", flat=True)) == {12}
    assert set(activity.attendees.values_list("pk", flat=True)) == {guru.staff_id, kepala.staff_id}
    # Saving the same list again changes nothing (safe to retry).
    client.post(reverse("kompetensi:in-house-update", args=[activity.pk]), in_house_form(guru.staff, kepala.staff))
    assert credits.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"jp": "0"}, "jp"), ({"end_date": "2026-08-01"}, "end_date"), ({"attendees": []}, "attendees")],
)
def test_a_bad_in_house_activity_writes_nothing(login, waka, guru, overrides, field):
    response = login(waka).post(reverse("kompetensi:in-house-create"), in_house_form(guru.staff, **overrides))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not InHouseActivity.objects.exists()
    assert not PkbActivity.objects.exists()


def test_a_credit_from_an_in_house_activity_is_not_edited_by_the_teacher(client, waka, guru):
    client.force_login(waka.user)
    client.post(reverse("kompetensi:in-house-create"), in_house_form(guru.staff))
    credit = PkbActivity.objects.get()
    client.force_login(guru.user)
    client.post(reverse("kompetensi:pkb-update", args=[credit.pk]), form_data(jp="99"))
    assert PkbActivity.objects.get().jp == 16


def test_a_teacher_of_another_madrasah_cannot_attend(login, waka, guru, other_madrasah):
    stranger = StaffFactory(madrasah=other_madrasah)
    response = login(waka).post(reverse("kompetensi:in-house-create"), in_house_form(guru.staff, stranger))
    assert response.status_code == 200
    assert response.context["form"].errors["attendees"]
    assert not PkbActivity.objects.exists()


# --- recap -----------------------------------------------------------------------------------------


def _recap_queries(client, count: int, madrasah) -> tuple[int, list]:
    for _ in range(count):
        staff = StaffFactory(madrasah=madrasah)
        entry(staff, status=PkbStatus.VERIFIED, jp=6)
        entry(staff, status=PkbStatus.SUBMITTED, jp=2)
    client.get(reverse("kompetensi:pkb-recap"))  # the session and the membership are cached after this
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("kompetensi:pkb-recap"), {"year": "2026"})
    assert response.status_code == 200
    return len(queries), response.context["rows"]


def test_the_recap_takes_the_same_number_of_queries_for_10_or_100_teachers(client, waka, madrasah):
    client.force_login(waka.user)
    few, rows = _recap_queries(client, 10, madrasah)
    many, rows = _recap_queries(client, 90, madrasah)
    assert few == many
    assert len(rows) == 101  # 100 new teachers and the Waka
    totals = [row["total"] for row in rows if row["staff"].pk != waka.staff_id]
    assert set(totals) == {6}
    assert {row["waiting"] for row in rows if row["staff"].pk != waka.staff_id} == {1}
