"""Plan's activities and Do's progress through HTTP: activities within the cycle's period with their
cost in Rupiah and funding source (bad input refused at the field, nothing written); progress with
evidence judged by its content and served only through the access rules; links to coaching,
appreciation and published good practice of the same madrasah only."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kompetensi.models import AppreciationNote
from madrasah.errors import ApplicationError
from mutu.cycles import services
from mutu.models import Activity, ActivityProgress, ActivityStatus, CycleEvent, FundingSource, GoodPractice, Stage
from tests.factories import mutu as f
from tests.factories.madrasah import member

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 10, 1, 9, 0, tzinfo=WIB)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def ganjil(madrasah):
    return f.semester(madrasah, 2026, "ganjil")


@pytest.fixture
def cycle(kepala, ganjil):
    return f.cycle(owner=kepala, semester=ganjil, instrument=f.planning_version(ganjil.madrasah, ganjil.academic_year))


def activity_data(**overrides) -> dict:
    data = {
        "what": "IHT penyusunan modul ajar",
        "who": "Waka Kurikulum dan narasumber KKM",
        "start_date": "2026-08-10",
        "end_date": "2026-08-11",
        "planned_cost": "Rp 1.500.000",
        "spent": "0",
        "funding_source": FundingSource.DIPA_BOS,
        "rkam_activity": "Pengembangan profesi guru",
        "status": ActivityStatus.PLANNED,
    }
    data.update(overrides)
    return data


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


# --- activities -----------------------------------------------------------------------------------------


def test_the_kepala_adds_activities_funded_by_bos_and_the_business_unit(login, kepala, cycle):
    client = login(kepala)
    url = reverse("mutu:activity-create", args=[cycle.pk])

    assert client.post(url, activity_data()).status_code == 302
    client.post(
        url,
        activity_data(
            what="Kelas menulis modul", planned_cost="500.000", funding_source=FundingSource.BUSINESS, rkam_activity=""
        ),
    )

    bos, business = cycle.activities.order_by("pk")
    assert (bos.planned_cost, bos.funding_source, bos.rkam_activity) == (
        Decimal(1500000),
        "dipa_bos",
        "Pengembangan profesi guru",
    )
    assert (business.planned_cost, business.funding_source) == (Decimal(500000), "unit_usaha")
    assert list(cycle.events.values_list("action", "note")) == [
        ("activity_added", "IHT penyusunan modul ajar"),
        ("activity_added", "Kelas menulis modul"),
    ]
    page = client.get(cycle.get_absolute_url())
    funding = {row["source"]: row for row in page.context["funding"]}
    assert funding["dipa_bos"]["planned_shown"] == "Rp 1.500.000" and funding["dipa_bos"]["share_shown"] == "75,00%"
    assert funding["unit_usaha"]["share_shown"] == "25,00%"
    assert 'data-testid="funding-table"' in page.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": "2026-06-30"}, "start_date"),  # before the semester
        ({"end_date": "2027-01-02"}, "end_date"),  # after it
        ({"start_date": "2026-08-12", "end_date": "2026-08-11"}, "end_date"),
        ({"planned_cost": "-5.000"}, "planned_cost"),
        ({"spent": "-1"}, "spent"),
        ({"planned_cost": "banyak"}, "planned_cost"),
        ({"what": "  "}, "what"),
    ],
)
def test_a_bad_activity_is_refused_at_its_field(login, kepala, cycle, overrides, field):
    response = login(kepala).post(reverse("mutu:activity-create", args=[cycle.pk]), activity_data(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert Activity.objects.count() == 0 and CycleEvent.objects.count() == 0


def test_a_year_cycle_takes_activities_all_year(login, kepala, ganjil):
    cycle = f.cycle(owner=kepala, academic_year=ganjil.academic_year, indicator="rata_jp_pkb", target=20)
    response = login(kepala).post(
        reverse("mutu:activity-create", args=[cycle.pk]), activity_data(start_date="2027-03-01", end_date="2027-03-02")
    )
    assert response.status_code == 302 and cycle.activities.count() == 1


def test_changing_an_activity_logs_what_changed(login, kepala, cycle):
    activity = f.activity(cycle, planned=100000)

    login(kepala).post(
        reverse("mutu:activity-update", args=[activity.pk]),
        activity_data(what=activity.what, start_date="2026-07-31", end_date="2026-07-31", planned_cost="250000"),
    )

    activity.refresh_from_db()
    assert activity.planned_cost == Decimal(250000)
    event = cycle.events.get(action="activity_changed")
    assert {"what": "activity.planned_cost", "from": "Rp 100.000", "to": "Rp 250.000"} in event.changes


def test_an_activity_with_progress_is_cancelled_not_deleted(login, kepala, cycle):
    empty, logged = f.activity(cycle), f.activity(cycle, what="Sudah berjalan")
    f.progress(logged, author=kepala)
    client = login(kepala)

    client.post(reverse("mutu:activity-delete", args=[empty.pk]))
    client.post(reverse("mutu:activity-delete", args=[logged.pk]))

    assert list(cycle.activities.values_list("what", flat=True)) == ["Sudah berjalan"]
    assert cycle.events.get(action="activity_deleted").note == empty.what


def test_teachers_and_the_pengawas_do_not_change_activities(login, guru, pengawas, cycle):
    cycle.team.add(guru.staff)
    for persona in (guru, pengawas):
        assert login(persona).post(reverse("mutu:activity-create", args=[cycle.pk]), activity_data()).status_code == 403
    assert Activity.objects.count() == 0


# --- progress -----------------------------------------------------------------------------------------


def test_progress_is_logged_from_do_with_evidence(
    login, kepala, waka, guru, pengawas, guru_lain, outsider, cycle, media
):
    cycle.stage = Stage.DO
    cycle.save()
    cycle.team.add(guru.staff)
    activity = f.activity(cycle)
    client = login(waka)
    upload = SimpleUploadedFile("daftar hadir.pdf", PDF, content_type="application/pdf")

    response = client.post(
        reverse("mutu:activity-progress", args=[activity.pk]),
        {"note": "IHT hari pertama: 18 guru hadir.", "evidence": upload, "status": ActivityStatus.RUNNING},
    )

    assert response.status_code == 302
    entry = activity.progress.get()
    assert (entry.author, entry.evidence_name) == (waka.user, "daftar hadir.pdf")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RUNNING
    event = cycle.events.get(action="progress_logged")
    assert event.changes == [{"what": "activity.status", "from": "Terjadwal", "to": "Berjalan"}]
    url = reverse("mutu:progress-evidence", args=[entry.pk])
    for persona, expected in ((kepala, 200), (pengawas, 200), (guru, 200), (guru_lain, 403), (outsider, 404)):
        download = login(persona).get(url)
        assert download.status_code == expected, persona
        if expected == 200:
            assert b"".join(download.streaming_content) == PDF
            assert download["Content-Type"] == "application/pdf"


def test_progress_is_not_logged_in_plan(login, kepala, cycle):
    activity = f.activity(cycle)
    login(kepala).post(reverse("mutu:activity-progress", args=[activity.pk]), {"note": "Terlalu awal"})
    assert not ActivityProgress.objects.exists()


def test_a_renamed_program_is_refused_as_evidence(login, kepala, cycle, media):
    cycle.stage = Stage.DO
    cycle.save()
    activity = f.activity(cycle)
    fake = SimpleUploadedFile("foto.pdf", b"MZ\x90\x00\x03 program", content_type="application/pdf")

    response = login(kepala).post(
        reverse("mutu:activity-progress", args=[activity.pk]), {"note": "Foto kegiatan", "evidence": fake}
    )

    assert response.status_code == 200 and "evidence" in response.context["form"].errors
    assert not ActivityProgress.objects.exists() and stored_files(media) == []


def test_progress_points_at_leadership_encouragement_of_this_madrasah(login, kepala, waka, guru, cycle, ganjil):
    cycle.stage = Stage.DO
    cycle.save()
    activity = f.activity(cycle)
    observation = f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="70")
    coaching = f.follow_up(observation, deadline=dt.date(2026, 10, 15))
    note = AppreciationNote.objects.create(
        madrasah=ganjil.madrasah, teacher=guru.staff, author=kepala.user, text="Modul ajar Bapak rapi."
    )
    practice = GoodPractice.objects.create(
        madrasah=ganjil.madrasah, teacher=guru.staff, title="Kuis kartu", body="…", status="terbit", published_at=NOW
    )
    client = login(kepala)

    response = client.post(
        reverse("mutu:activity-progress", args=[activity.pk]),
        {"note": "Pendampingan", "coaching": coaching.pk, "appreciation": note.pk, "good_practice": practice.pk},
    )

    assert response.status_code == 302
    entry = activity.progress.get()
    assert (entry.coaching, entry.appreciation, entry.good_practice) == (coaching, note, practice)
    page = client.get(cycle.get_absolute_url()).content.decode()
    assert "Kuis kartu" in page and guru.staff.full_name in page


def test_a_team_teacher_does_not_see_whom_a_coaching_was_for(login, kepala, waka, guru, guru_lain, cycle, ganjil):
    cycle.team.add(guru_lain.staff)
    observation = f.final_result(semester=ganjil, teacher=guru, supervisor=waka, percentage="70")
    f.progress(f.activity(cycle), author=kepala, coaching=f.follow_up(observation, deadline=dt.date(2026, 10, 15)))

    page = login(guru_lain).get(cycle.get_absolute_url()).content.decode()

    assert guru.staff.full_name not in page
    assert guru.staff.nip not in page


def test_forged_links_of_another_madrasah_or_unpublished_are_refused(
    login, kepala, waka, guru, outsider, cycle, ganjil
):
    cycle.stage = Stage.DO
    cycle.save()
    activity = f.activity(cycle)
    other = outsider.madrasah
    other_semester = other.semesters.get()
    other_waka = member(madrasah=other, roles=["waka", "guru"])
    other_teacher = member(madrasah=other, roles=["guru"])
    foreign = f.follow_up(
        f.final_result(semester=other_semester, teacher=other_teacher, supervisor=other_waka, percentage="70"),
        deadline=dt.date(2026, 10, 15),
    )
    draft = GoodPractice.objects.create(madrasah=ganjil.madrasah, teacher=guru.staff, title="Draf", body="…")
    client = login(kepala)
    url = reverse("mutu:activity-progress", args=[activity.pk])

    by_coaching = client.post(url, {"note": "x", "coaching": foreign.pk})
    by_practice = client.post(url, {"note": "x", "good_practice": draft.pk})

    assert "coaching" in by_coaching.context["form"].errors
    assert "good_practice" in by_practice.context["form"].errors
    assert not ActivityProgress.objects.exists()
    # The service refuses them as well, whatever form sends them.
    for data, field in (
        (services.ProgressData(note="x", coaching_id=foreign.pk), "coaching"),
        (services.ProgressData(note="x", good_practice_id=draft.pk), "good_practice"),
    ):
        with pytest.raises(ApplicationError) as refused:
            services.activity_progress_record(activity=activity, user=kepala.user, data=data)
        assert refused.value.field == field
    assert not ActivityProgress.objects.exists()


def test_the_progress_form_comes_as_an_htmx_partial(login, kepala, cycle):
    cycle.stage = Stage.DO
    cycle.save()
    activity = f.activity(cycle)
    client = login(kepala)

    partial = client.get(reverse("mutu:activity-progress", args=[activity.pk]), HTTP_HX_REQUEST="true")
    full = client.get(reverse("mutu:activity-progress", args=[activity.pk]))

    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert 'data-testid="progress-form"' in partial.content.decode()
    assert "<html" in full.content.decode()
    assert f'id="progress-{activity.pk}-note"' in partial.content.decode()
