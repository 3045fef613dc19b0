"""Supervision team and programme: naming the team, drafting and approving the programme, planning
supervisions by hand and in bulk, rescheduling and cancelling, the schedule's statuses, notices."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kompetensi.models import Observation, ObservationState, Programme, ProgrammeRow, ProgrammeStatus, SupervisionTeam
from kompetensi.supervision.rules import programme_row_can_observe
from madrasah.models import Notification, Semester, Subject
from madrasah.notifications import notification_message
from tests.factories import supervision
from tests.factories.madrasah import StaffFactory, member

WIB = ZoneInfo("Asia/Jakarta")
# The semester of the madrasah fixture runs 1 July – 31 December 2026; "now" is before its first visit.
NOW = dt.datetime(2026, 7, 6, 8, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def semester(madrasah):
    return supervision.active_semester(madrasah)


@pytest.fixture
def version(madrasah, semester):
    return supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)


@pytest.fixture
def draft(madrasah, semester, waka, kepala):
    """A draft programme with the Waka in the team (and the Kepala existing)."""
    supervision.team(madrasah=madrasah, members=[waka])
    return supervision.programme(madrasah=madrasah, created_by=waka)


def at(day: str, time: str = "07:30") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=WIB)


def row_data(*, teacher, supervisor, version, day="2026-07-20", time="07:30", subject=None, **extra):
    data = {
        "teacher": teacher.staff_id,
        "supervisor": supervisor.user_id,
        "planned_at_0": day,
        "planned_at_1": time,
        "instruments": [version.pk],
        "class_name": "VIII-A",
        "subject": subject.pk if subject else "",
    }
    data.update(extra)
    return data


def plan(client, programme, **kwargs):
    return client.post(reverse("kompetensi:programme-row-create", args=[programme.pk]), row_data(**kwargs))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Team ------------------------------------------------------------------------------------------


def test_the_kepala_names_the_team_with_decree_and_duties(client, kepala, waka, guru_lain, guru, semester):
    client.force_login(kepala.user)
    response = client.post(
        reverse("kompetensi:team-edit"),
        {
            "decree_number": "B-45/Mts.13.28.03/PP.00.4/07/2026",
            "decree_date": "2026-07-02",
            f"member_{waka.staff_id}": "on",
            f"duty_{waka.staff_id}": "Ketua",
            f"member_{guru_lain.staff_id}": "on",
            f"duty_{guru_lain.staff_id}": "",
        },
    )
    assert response.status_code == 302
    team = SupervisionTeam.objects.get(semester=semester)
    assert team.decree_number == "B-45/Mts.13.28.03/PP.00.4/07/2026"
    assert team.decree_date == dt.date(2026, 7, 2)
    assert dict(team.memberships.values_list("staff_id", "duty")) == {
        waka.staff_id: "Ketua",
        guru_lain.staff_id: "Anggota",
    }

    client.force_login(guru.user)
    page = client.get(reverse("kompetensi:team-detail"))
    assert page.status_code == 200
    assert waka.staff.full_name in page.content.decode()
    assert "B-45/Mts.13.28.03/PP.00.4/07/2026" in page.content.decode()


def test_renaming_the_team_drops_members_left_out(client, kepala, waka, guru_lain, semester, madrasah):
    supervision.team(madrasah=madrasah, members=[waka, guru_lain])
    client.force_login(kepala.user)
    client.post(
        reverse("kompetensi:team-edit"),
        {"decree_number": "B-46", "decree_date": "2026-07-03", f"member_{waka.staff_id}": "on"},
    )
    team = SupervisionTeam.objects.get(semester=semester)
    assert list(team.memberships.values_list("staff_id", flat=True)) == [waka.staff_id]
    assert team.decree_number == "B-46"


def test_a_team_needs_a_member(client, kepala, waka):
    client.force_login(kepala.user)
    response = client.post(reverse("kompetensi:team-edit"), {"decree_number": "B-1", "decree_date": "2026-07-02"})
    assert response.status_code == 200
    assert "Pilih sekurang-kurangnya satu anggota tim." in response.content.decode()
    assert not SupervisionTeam.objects.exists()


def test_the_waka_cannot_edit_the_team(client, waka):
    client.force_login(waka.user)
    assert client.get(reverse("kompetensi:team-edit")).status_code == 403
    response = client.post(reverse("kompetensi:team-edit"), {"decree_number": "B-1", "decree_date": "2026-07-02"})
    assert response.status_code == 403
    assert not SupervisionTeam.objects.exists()


def test_the_semester_is_chosen_by_its_slug(client, kepala, waka, madrasah, semester):
    earlier = Semester.objects.create(
        madrasah=madrasah,
        academic_year=semester.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
    )
    client.force_login(kepala.user)
    url = f"{reverse('kompetensi:team-edit')}?semester=2026-2027-genap"
    client.post(url, {"decree_number": "B-9", "decree_date": "2026-12-20", f"member_{waka.staff_id}": "on"})
    assert SupervisionTeam.objects.get().semester == earlier
    page = client.get(f"{reverse('kompetensi:team-detail')}?semester=2026-2027-genap")
    assert page.context["team"].decree_number == "B-9"
    assert client.get(reverse("kompetensi:team-detail")).context["team"] is None  # the active semester's
    assert client.get(f"{reverse('kompetensi:team-detail')}?semester=2031-2032-ganjil").status_code == 404


# --- Programme ---------------------------------------------------------------------------------------


def test_the_waka_drafts_the_programme_from_the_default_texts(client, waka, semester):
    client.force_login(waka.user)
    missing = client.get(reverse("kompetensi:programme-semester"))
    assert "Susun program" in missing.content.decode()
    form = client.get(reverse("kompetensi:programme-create"))
    initial = form.context["form"].initial
    assert "Peraturan Menteri Agama Nomor 58 Tahun 2017 tentang Kepala Madrasah" in initial["legal_basis"]
    assert "percakapan pra-observasi" in initial["techniques"]
    assert "Kunjungan kelas" in initial["techniques"]

    response = client.post(reverse("kompetensi:programme-create"), initial)
    programme = Programme.objects.get(semester=semester)
    assert response.url == reverse("kompetensi:programme-detail", args=[programme.pk])
    assert programme.status == ProgrammeStatus.DRAFT
    assert programme.created_by == waka.user
    assert client.get(reverse("kompetensi:programme-semester")).url == response.url


def test_a_teacher_cannot_draft_the_programme(client, guru):
    client.force_login(guru.user)
    assert client.get(reverse("kompetensi:programme-create")).status_code == 403


def test_only_the_kepala_approves(client, draft, waka, kepala, guru, version):
    supervision.programme_row(programme=draft, teacher=guru, supervisor=waka)
    url = reverse("kompetensi:programme-approve", args=[draft.pk])
    client.force_login(waka.user)
    assert client.post(url).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ProgrammeStatus.DRAFT

    client.force_login(kepala.user)
    response = client.post(url, follow=True)
    draft.refresh_from_db()
    assert draft.status == ProgrammeStatus.APPROVED
    assert draft.approved_by == kepala.user
    assert draft.approved_at == NOW
    assert "Program disahkan" in " ".join(messages_of(response))


def test_approval_without_rows_is_refused(client, draft, kepala):
    client.force_login(kepala.user)
    response = client.post(reverse("kompetensi:programme-approve", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == ProgrammeStatus.DRAFT
    assert "Rencanakan sekurang-kurangnya satu supervisi" in " ".join(messages_of(response))


def test_approval_without_a_team_is_refused(client, madrasah, waka, kepala, guru):
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    supervision.programme_row(programme=programme, teacher=guru, supervisor=kepala)
    client.force_login(kepala.user)
    response = client.post(reverse("kompetensi:programme-approve", args=[programme.pk]), follow=True)
    programme.refresh_from_db()
    assert programme.status == ProgrammeStatus.DRAFT
    assert "tim supervisi" in " ".join(messages_of(response)).lower()


def test_approval_notifies_each_scheduled_teacher_without_scores(client, draft, waka, kepala, guru, guru_lain):
    supervision.programme_row(programme=draft, teacher=guru, supervisor=waka, planned_at=at("2026-07-20"))
    supervision.programme_row(programme=draft, teacher=guru_lain, supervisor=waka, planned_at=at("2026-07-21", "09:30"))
    cancelled = supervision.programme_row(programme=draft, teacher=waka, supervisor=kepala)
    cancelled.cancelled_at, cancelled.cancel_reason = NOW, "Cuti"
    cancelled.save()
    client.force_login(kepala.user)
    client.post(reverse("kompetensi:programme-approve", args=[draft.pk]))

    notices = {n.user_id: n for n in Notification.objects.all()}
    assert set(notices) == {guru.user_id, guru_lain.user_id}
    assert (
        notification_message(notices[guru.user_id]) == "Jadwal supervisi akademik Anda: Senin, 20 Juli 2026 pukul 07.30"
    )
    assert (
        notification_message(notices[guru_lain.user_id])
        == "Jadwal supervisi akademik Anda: Selasa, 21 Juli 2026 pukul 09.30"
    )
    assert notices[guru.user_id].url == reverse("kompetensi:programme-detail", args=[draft.pk])
    assert notices[guru.user_id].madrasah_id == draft.madrasah_id


def test_the_texts_cannot_change_after_approval(client, madrasah, kepala, waka, guru):
    programme = supervision.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)
    client.force_login(waka.user)
    url = reverse("kompetensi:programme-update", args=[programme.pk])
    response = client.post(url, {"purpose": "Lain", "targets": "Lain", "techniques": "Lain"}, follow=True)
    programme.refresh_from_db()
    assert programme.purpose != "Lain"
    assert "tidak dapat diubah lagi" in " ".join(messages_of(response))


def test_the_waka_edits_the_texts_of_a_draft(client, draft, waka):
    client.force_login(waka.user)
    url = reverse("kompetensi:programme-update", args=[draft.pk])
    client.post(url, {"legal_basis": "", "purpose": "Tujuan baru", "targets": "Sasaran", "techniques": "Teknik"})
    draft.refresh_from_db()
    assert draft.purpose == "Tujuan baru"


# --- Planning one supervision ---------------------------------------------------------------------------


def test_the_waka_plans_a_supervision(client, draft, waka, guru, version):
    client.force_login(waka.user)
    response = plan(client, draft, teacher=guru, supervisor=waka, version=version)
    row = ProgrammeRow.objects.get()
    assert response.url.endswith(f"#row-{row.pk}")
    assert (row.teacher, row.supervisor, row.planned_at) == (guru.staff, waka.user, at("2026-07-20"))
    assert list(row.instruments.all()) == [version]


def test_a_new_row_offers_the_planner_as_supervisor_and_the_first_lesson_as_time(client, draft, waka, version):
    client.force_login(waka.user)
    page = client.get(reverse("kompetensi:programme-row-create", args=[draft.pk])).content.decode()
    assert re.search(rf'<option value="{waka.user_id}"[^>]*selected', page)
    assert re.search(r'<input[^>]*name="planned_at_1"[^>]*value="07:30"', page) or re.search(
        r'<input[^>]*value="07:30"[^>]*name="planned_at_1"', page
    )
    assert not re.search(r'<input[^>]*name="planned_at_0"[^>]*value="\d', page)  # the day is chosen


def test_self_supervision_is_refused(client, draft, kepala, waka, version):
    client.force_login(waka.user)
    response = plan(client, draft, teacher=waka, supervisor=waka, version=version)
    assert response.status_code == 200
    assert response.context["form"].errors["supervisor"] == [
        "Tidak ada yang menyupervisi dirinya sendiri: pilih supervisor lain."
    ]
    assert not ProgrammeRow.objects.exists()


def test_a_team_member_is_supervised_by_the_kepala_only(client, madrasah, draft, kepala, waka, guru_lain, version):
    supervision.team(madrasah=madrasah, members=[guru_lain])
    client.force_login(waka.user)
    response = plan(client, draft, teacher=guru_lain, supervisor=waka, version=version)
    assert response.context["form"].errors["supervisor"] == [
        "Anggota tim supervisi dan Waka disupervisi oleh Kepala Madrasah."
    ]
    response = plan(client, draft, teacher=guru_lain, supervisor=kepala, version=version)
    assert response.status_code == 302
    assert ProgrammeRow.objects.get().supervisor == kepala.user


def test_the_waka_is_supervised_by_the_kepala(client, draft, kepala, waka, guru_lain, version, madrasah):
    supervision.team(madrasah=madrasah, members=[guru_lain])
    client.force_login(waka.user)
    response = plan(client, draft, teacher=waka, supervisor=guru_lain, version=version)
    assert "supervisor" in response.context["form"].errors


def test_the_kepala_is_supervised_by_a_pengawas(client, draft, kepala, waka, pengawas, version):
    client.force_login(waka.user)
    response = plan(client, draft, teacher=kepala, supervisor=waka, version=version)
    assert response.context["form"].errors["supervisor"] == [
        "Kepala Madrasah disupervisi oleh pengawas: pilih pengawas."
    ]
    response = plan(client, draft, teacher=kepala, supervisor=pengawas, version=version)
    assert response.status_code == 302
    assert ProgrammeRow.objects.get().supervisor == pengawas.user


def test_a_supervisor_outside_the_team_is_refused(client, draft, waka, guru, guru_lain, version):
    client.force_login(waka.user)
    response = client.post(
        reverse("kompetensi:programme-row-create", args=[draft.pk]),
        row_data(teacher=guru, supervisor=guru_lain, version=version),
    )
    assert "supervisor" in response.context["form"].errors  # not even among the choices
    assert not ProgrammeRow.objects.exists()


def test_a_date_outside_the_semester_is_refused_at_its_field(client, draft, waka, guru, version):
    client.force_login(waka.user)
    response = plan(client, draft, teacher=guru, supervisor=waka, version=version, day="2027-01-11")
    assert response.status_code == 200
    errors = response.context["form"].errors["planned_at"]
    assert errors == ["Pilih tanggal di dalam semester (1 Juli 2026 – 31 Desember 2026)."]
    assert not ProgrammeRow.objects.exists()


def test_a_blocked_week_warns_but_saves(client, draft, semester, waka, guru, version):
    supervision.blocked_period(
        semester=semester, start_date=dt.date(2026, 7, 20), end_date=dt.date(2026, 7, 25), reason="PTS"
    )
    client.force_login(waka.user)
    response = client.post(
        reverse("kompetensi:programme-row-create", args=[draft.pk]),
        row_data(teacher=guru, supervisor=waka, version=version, day="2026-07-22"),
        follow=True,
    )
    assert ProgrammeRow.objects.get().planned_at == at("2026-07-22")
    assert any("masa yang diblokir (PTS)" in m for m in messages_of(response))


def test_a_supervisor_of_another_subject_warns_but_saves(client, draft, waka, guru, version):
    matematika, ipa = Subject.objects.get(code="matematika"), Subject.objects.get(code="ipa")
    waka.staff.subjects.set([matematika])
    guru.staff.subjects.set([ipa])
    client.force_login(waka.user)
    response = client.post(
        reverse("kompetensi:programme-row-create", args=[draft.pk]),
        row_data(teacher=guru, supervisor=waka, version=version, subject=ipa),
        follow=True,
    )
    assert ProgrammeRow.objects.get().subject == ipa
    expected = (
        f"{waka.staff.full_name} tidak mengajar IPA: supervisor dengan mata pelajaran yang sama lebih diutamakan."
    )
    assert expected in messages_of(response)


def test_pkg_and_other_years_instruments_are_refused(client, draft, waka, guru, madrasah, semester):
    from tests.factories.kompetensi import instrument_version

    pkg = instrument_version(madrasah=madrasah, academic_year=semester.academic_year, code="pkg-uji", kind="pkg")
    client.force_login(waka.user)
    response = plan(client, draft, teacher=guru, supervisor=waka, version=pkg)
    assert "instruments" in response.context["form"].errors
    assert not ProgrammeRow.objects.exists()


# --- Bulk planning -----------------------------------------------------------------------------------


@pytest.fixture
def school(madrasah, kepala, waka, guru, guru_lain, pengawas, operator):
    """Subjects: Waka and guru_lain (team) teach Matematika; guru teaches IPA; three more teachers,
    one sharing Matematika; an inactive teacher and the operator (no teacher) are left out."""
    matematika, ipa = Subject.objects.get(code="matematika"), Subject.objects.get(code="ipa")
    waka.staff.subjects.set([matematika])
    guru_lain.staff.subjects.set([matematika])
    guru.staff.subjects.set([ipa])
    extra = [StaffFactory(madrasah=madrasah, name=f"Guru Tambahan {n}") for n in range(3)]
    extra[0].subjects.set([matematika])
    StaffFactory(madrasah=madrasah, name="Guru Nonaktif", is_active=False)
    supervision.team(madrasah=madrasah, members=[waka, guru_lain])
    return {"extra": extra, "matematika": matematika, "ipa": ipa}


def bulk(client, programme, version, **overrides):
    data = {
        "instruments": [version.pk],
        "start_date": "2026-07-17",  # a Friday
        "first_time": "07:30",
        "slot_minutes": "120",
        "slots_per_day": "2",
    }
    data.update(overrides)
    return client.post(reverse("kompetensi:programme-bulk-create", args=[programme.pk]), data, follow=True)


def test_bulk_planning_gives_every_active_teacher_one_row(
    client, school, madrasah, semester, kepala, waka, guru, guru_lain, pengawas, version
):
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    supervision.blocked_period(semester=semester, start_date=dt.date(2026, 7, 20), end_date=dt.date(2026, 7, 20))
    client.force_login(waka.user)
    response = bulk(client, programme, version)

    rows = list(programme.rows.order_by("planned_at").select_related("teacher"))
    teachers = {kepala.staff, waka.staff, guru.staff, guru_lain.staff, *school["extra"]}
    assert {r.teacher for r in rows} == teachers
    assert len(rows) == len(teachers) == 7
    assert "7 supervisi telah direncanakan." in messages_of(response)
    # Friday 17th: 07.30, 09.30; Saturday 18th: two; Sunday 19th and the blocked Monday 20th skipped.
    assert [timezone.localtime(r.planned_at) for r in rows] == [
        at("2026-07-17", "07:30"),
        at("2026-07-17", "09:30"),
        at("2026-07-18", "07:30"),
        at("2026-07-18", "09:30"),
        at("2026-07-21", "07:30"),
        at("2026-07-21", "09:30"),
        at("2026-07-22", "07:30"),
    ]
    supervisor_of = {r.teacher_id: r.supervisor_id for r in rows}
    assert supervisor_of[kepala.staff_id] == pengawas.user_id
    assert supervisor_of[waka.staff_id] == kepala.user_id
    assert supervisor_of[guru_lain.staff_id] == kepala.user_id
    assert supervisor_of[guru.staff_id] == waka.user_id  # nobody in the team teaches IPA: the Waka
    # Matematika teacher: a team member sharing the subject (the Waka or guru_lain).
    assert supervisor_of[school["extra"][0].pk] in {waka.user_id, guru_lain.user_id}
    assert all(list(r.instruments.all()) == [version] for r in rows)
    subject_of = {r.teacher_id: r.subject_id for r in rows}
    assert subject_of[guru.staff_id] == school["ipa"].pk
    assert subject_of[school["extra"][1].pk] is None  # teaches nothing recorded


def test_bulk_planning_again_creates_nothing(client, school, madrasah, waka, version):
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    client.force_login(waka.user)
    bulk(client, programme, version)
    before = programme.rows.count()
    response = bulk(client, programme, version)
    assert programme.rows.count() == before
    assert "0 supervisi telah direncanakan." in messages_of(response)


def test_bulk_planning_skips_the_kepala_without_a_pengawas(client, madrasah, kepala, waka, guru, version):
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    supervision.team(madrasah=madrasah, members=[waka])
    client.force_login(waka.user)
    response = bulk(client, programme, version)
    assert set(programme.rows.values_list("teacher_id", flat=True)) == {waka.staff_id, guru.staff_id}
    assert any(kepala.staff.full_name in m and "dilewati" in m for m in messages_of(response))


def test_bulk_planning_refuses_a_start_outside_the_semester(client, madrasah, waka, guru, version):
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    client.force_login(waka.user)
    response = bulk(client, programme, version, start_date="2027-02-01")
    assert "start_date" in response.context["form"].errors
    assert not programme.rows.exists()


# --- Reschedule and cancel ---------------------------------------------------------------------------


@pytest.fixture
def approved(madrasah, kepala, waka, guru):
    return supervision.approved_programme(madrasah=madrasah, kepala=kepala, waka=waka, guru=guru)


def test_the_waka_reschedules_a_supervision_and_the_teacher_is_told(client, approved, waka, guru):
    row = approved.rows.get()
    client.force_login(waka.user)
    url = reverse("kompetensi:programme-row-reschedule", args=[row.pk])
    response = client.post(url, {"planned_at_0": "2026-07-23", "planned_at_1": "09:30"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.planned_at == at("2026-07-23", "09:30")
    notice = Notification.objects.get(user=guru.user)
    assert notification_message(notice) == "Jadwal supervisi akademik Anda diubah: Kamis, 23 Juli 2026 pukul 09.30"

    response = client.post(url, {"planned_at_0": "2027-03-01", "planned_at_1": "09:30"})
    assert "planned_at" in response.context["form"].errors


def test_a_supervision_added_after_approval_is_announced_to_its_teacher(client, approved, waka, guru_lain, version):
    client.force_login(waka.user)
    response = plan(client, approved, teacher=guru_lain, supervisor=waka, version=version, day="2026-07-24")
    assert response.status_code == 302
    notice = Notification.objects.get(user=guru_lain.user)
    assert notification_message(notice) == "Jadwal supervisi akademik Anda: Jumat, 24 Juli 2026 pukul 07.30"


def test_cancelling_needs_a_reason_and_keeps_the_row_struck_through(client, approved, waka, guru):
    row = approved.rows.get()
    client.force_login(waka.user)
    url = reverse("kompetensi:programme-row-cancel", args=[row.pk])
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    row.refresh_from_db()
    assert not row.is_cancelled

    client.post(url, {"reason": "Guru sakit"})
    row.refresh_from_db()
    assert row.is_cancelled and row.cancel_reason == "Guru sakit"
    page = client.get(reverse("kompetensi:programme-detail", args=[approved.pk])).content.decode()
    assert "Guru sakit" in page
    assert "text-decoration-line-through" in page
    assert not programme_row_can_observe(row)


def test_a_supervision_with_an_observation_cannot_be_cancelled(client, approved, waka, guru, version):
    row = approved.rows.get()
    Observation.objects.create(
        madrasah=approved.madrasah, row=row, instrument_version=version, teacher=guru.staff, supervisor=waka.user
    )
    client.force_login(waka.user)
    response = client.post(reverse("kompetensi:programme-row-cancel", args=[row.pk]), {"reason": "Guru sakit"})
    assert response.status_code == 200
    assert "Supervisi ini sudah memiliki observasi dan tidak dapat dibatalkan." in response.content.decode()
    row.refresh_from_db()
    assert not row.is_cancelled


def test_observation_may_start_only_on_an_approved_programme(madrasah, approved, waka, guru, semester):
    genap = Semester.objects.create(
        madrasah=madrasah,
        academic_year=semester.academic_year,
        kind="genap",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 6, 30),
    )
    draft = supervision.programme(madrasah=madrasah, created_by=waka, semester=genap)
    draft_row = supervision.programme_row(programme=draft, teacher=guru, supervisor=waka)
    assert not programme_row_can_observe(draft_row)
    assert programme_row_can_observe(approved.rows.get())


# --- The schedule ------------------------------------------------------------------------------------


def test_the_schedule_shows_planned_overdue_done_and_cancelled(
    client, approved, madrasah, kepala, waka, guru, guru_lain, version
):
    past, future = at("2026-07-20"), at("2026-08-03")
    row = approved.rows.get()
    row.planned_at = future
    row.save()
    overdue = supervision.programme_row(programme=approved, teacher=guru_lain, supervisor=waka, planned_at=past)
    done = supervision.programme_row(programme=approved, teacher=waka, supervisor=kepala, planned_at=past)
    drafted = supervision.programme_row(programme=approved, teacher=guru_lain, supervisor=waka, planned_at=past)
    cancelled = supervision.programme_row(programme=approved, teacher=guru, supervisor=waka, planned_at=past)
    cancelled.cancelled_at, cancelled.cancel_reason = NOW, "Libur"
    cancelled.save()
    for observed, state in ((done, ObservationState.SUBMITTED), (drafted, ObservationState.DRAFT)):
        Observation.objects.create(
            madrasah=madrasah,
            row=observed,
            instrument_version=version,
            teacher=observed.teacher,
            supervisor=observed.supervisor,
            state=state,
        )
    with time_machine.travel(at("2026-07-27", "10:00"), tick=False):
        client.force_login(kepala.user)
        response = client.get(reverse("kompetensi:programme-detail", args=[approved.pk]))
        statuses = {r.pk: r.row_status for r in response.context["rows"]}
        assert statuses == {
            row.pk: "terjadwal",
            overdue.pk: "terlambat",
            drafted.pk: "terlambat",
            done.pk: "selesai",
            cancelled.pk: "dibatalkan",
        }
        assert dict((v, n) for v, _label, n in response.context["count_items"]) == {
            "terjadwal": 1,
            "terlambat": 2,
            "selesai": 1,
            "dibatalkan": 1,
        }
        body = response.content.decode()
        assert "Senin, 20 Juli 2026 07.30" in body
        assert "Terlambat" in body

        only_overdue = client.get(reverse("kompetensi:programme-detail", args=[approved.pk]), {"status": "terlambat"})
        assert {r.pk for r in only_overdue.context["rows"]} == {overdue.pk, drafted.pk}
        by_kepala = client.get(
            reverse("kompetensi:programme-detail", args=[approved.pk]), {"supervisor": kepala.user_id}
        )
        assert [r.pk for r in by_kepala.context["rows"]] == [done.pk]


def test_the_schedule_is_grouped_by_week(client, approved, waka, guru_lain):
    supervision.programme_row(programme=approved, teacher=guru_lain, supervisor=waka, planned_at=at("2026-08-08"))
    client.force_login(waka.user)
    body = client.get(reverse("kompetensi:programme-detail", args=[approved.pk])).content.decode()
    assert "Pekan mulai 20 Juli 2026" in body
    assert "Pekan mulai 3 Agustus 2026" in body


def test_a_teacher_sees_the_whole_schedule_but_cannot_change_it(client, approved, guru_lain, guru):
    client.force_login(guru_lain.user)
    response = client.get(reverse("kompetensi:programme-detail", args=[approved.pk]))
    body = response.content.decode()
    assert guru.staff.full_name in body
    assert reverse("kompetensi:programme-row-cancel", args=[approved.rows.get().pk]) not in body
    assert not response.context["can_edit"]
    assert guru.staff.nip not in body


def test_my_supervisions_lists_only_mine(client, approved, kepala, waka, guru, guru_lain):
    mine = approved.rows.get()
    supervision.programme_row(programme=approved, teacher=waka, supervisor=kepala)
    client.force_login(waka.user)
    response = client.get(reverse("kompetensi:my-supervisions"), {"more": "1"})  # with the other weeks
    assert [r.pk for r in response.context["rows"]] == [mine.pk]
    client.force_login(guru_lain.user)
    assert client.get(reverse("kompetensi:my-supervisions"), {"more": "1"}).context["rows"] == []


def test_the_programme_page_costs_the_same_queries_for_5_or_30_rows(client, madrasah, approved, waka, kepala):
    def add_rows(count):
        for n in range(count):
            teacher = StaffFactory(madrasah=madrasah)
            supervision.programme_row(
                programme=approved, teacher=teacher, supervisor=waka, planned_at=at("2026-07-20") + dt.timedelta(days=n)
            )

    client.force_login(kepala.user)
    url = reverse("kompetensi:programme-detail", args=[approved.pk])
    add_rows(4)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(url).context["rows"]) == 5
    add_rows(25)
    with CaptureQueriesContext(connection) as thirty:
        assert len(client.get(url).context["rows"]) == 30
    assert len(thirty) == len(five)


# --- Blocked periods and forged ids --------------------------------------------------------------------


def test_the_waka_blocks_and_unblocks_a_period(client, approved, waka, semester):
    client.force_login(waka.user)
    response = client.post(
        reverse("kompetensi:blocked-period-create", args=[approved.pk]),
        {"start_date": "2026-07-20", "end_date": "2026-07-25", "reason": "PTS"},
        follow=True,
    )
    period = semester.blocked_periods.get()
    assert period.reason == "PTS"
    assert any("1 supervisi terjadwal" in m for m in messages_of(response))  # the approved row falls in it
    client.post(reverse("kompetensi:blocked-period-delete", args=[approved.pk, period.pk]))
    assert not semester.blocked_periods.exists()


def test_ids_of_another_madrasah_are_not_found(client, approved, other_madrasah, waka, guru):
    other_kepala = member(madrasah=other_madrasah, roles=["kepala", "guru"])
    other_waka = member(madrasah=other_madrasah, roles=["waka", "guru"])
    other_guru = member(madrasah=other_madrasah, roles=["guru"])
    theirs = supervision.approved_programme(
        madrasah=other_madrasah, kepala=other_kepala, waka=other_waka, guru=other_guru
    )
    their_row = theirs.rows.get()
    their_period = supervision.blocked_period(semester=theirs.semester, start_date=dt.date(2026, 9, 1))
    client.force_login(waka.user)
    assert client.get(reverse("kompetensi:programme-detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("kompetensi:programme-row-reschedule", args=[their_row.pk])).status_code == 404
    assert (
        client.post(reverse("kompetensi:programme-row-cancel", args=[their_row.pk]), {"reason": "x"}).status_code == 404
    )
    assert (
        client.post(reverse("kompetensi:blocked-period-delete", args=[approved.pk, their_period.pk])).status_code == 404
    )
    # Their teacher and supervisor on our programme: not among the choices.
    response = client.post(
        reverse("kompetensi:programme-row-create", args=[approved.pk]),
        row_data(teacher=other_guru, supervisor=other_waka, version=their_row.instruments.get()),
    )
    assert {"teacher", "supervisor", "instruments"} <= set(response.context["form"].errors)
    assert approved.rows.count() == 1
    their_row.refresh_from_db()
    assert not their_row.is_cancelled
