"""The timetable's settings (issue 19 item 5): the school week, bell times (a Monday ceremony, a short
Friday, the Ramadan set), Ramadan ranges and the class list — kept by the operator, read by the Waka,
refused to other roles (403) and to another madrasah (404)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madrasah.models import BellPeriod, RamadanPeriod, SchoolClass, SchoolWeek, TeacherCode
from tests.factories import timetable
from tests.factories.madrasah import StaffFactory


@pytest.fixture
def semester(madrasah):
    return madrasah.semesters.get()


def test_the_operator_sets_a_school_week_closed_on_friday(login, operator, madrasah):
    client = login(operator)
    assert client.get("/jadwal/hari-sekolah/").status_code == 200
    response = client.post("/jadwal/hari-sekolah/", {"days": ["0", "1", "2", "3", "5", "6"]})
    assert response.status_code == 302
    assert SchoolWeek.objects.get(madrasah=madrasah).days == [0, 1, 2, 3, 5, 6]
    page = client.get("/jadwal/jam-bel/").content.decode()
    assert "Minggu" in page and 'name="day_4"' not in page


def test_a_school_week_without_a_day_is_refused(login, operator, madrasah):
    response = login(operator).post("/jadwal/hari-sekolah/", {"days": []})
    assert response.status_code == 400
    assert not SchoolWeek.objects.filter(madrasah=madrasah).exists()


def test_a_day_the_timetable_uses_cannot_be_closed(login, operator, madrasah, semester, time_machine):
    time_machine.move_to("2026-08-03 08:00 +07:00")
    timetable.bells(madrasah)
    classes = timetable.classes(semester)
    timetable.lesson(
        semester, teacher=StaffFactory(madrasah=madrasah), weekday=4, number=1, school_class=classes["VII-A"]
    )
    response = login(operator).post("/jadwal/hari-sekolah/", {"days": ["0", "1", "2", "3", "5"]})
    assert response.status_code == 400
    assert "Jadwal pelajaran masih berisi pelajaran pada hari Jumat" in response.content.decode()


def test_bell_times_with_a_monday_ceremony_and_a_short_friday(login, operator, madrasah):
    client = login(operator)
    data = {f"day_{d}": timetable.WEEKDAY for d in range(6)}
    data["day_0"] = timetable.MONDAY
    data["day_4"] = timetable.FRIDAY
    response = client.post("/jadwal/jam-bel/", data)
    assert response.status_code == 302
    monday = list(BellPeriod.objects.filter(madrasah=madrasah, bell_set="biasa", weekday=0))
    assert [(p.kind, p.number, p.start_time) for p in monday[:3]] == [
        ("upacara", None, dt.time(6, 45)),
        ("jp", 1, dt.time(7, 30)),
        ("jp", 2, dt.time(8, 10)),
    ]
    assert BellPeriod.objects.filter(madrasah=madrasah, weekday=4, kind="jp").count() == 3
    page = client.get("/jadwal/jam-bel/").content.decode()
    assert "06.45-07.30 Upacara" in page  # the page gives the text back to edit


def test_bell_time_mistakes_are_listed_by_day_and_line_and_nothing_is_saved(login, operator, madrasah):
    timetable.bells(madrasah)
    before = BellPeriod.objects.count()
    data = {f"day_{d}": timetable.WEEKDAY for d in range(6)}
    data["day_0"] = "07.00-07.40\n07.40-07.30\n01.00-01.40\nsetengah delapan\n07.50-08.30 Senam"
    data["day_2"] = "07.00-07.40\n07.30-08.10"
    response = login(operator).post("/jadwal/jam-bel/", data)
    assert response.status_code == 400
    assert [str(e) for e in response.context["errors"]] == [
        "Senin: Baris 2: jam selesai harus sesudah jam mulai.",
        "Senin: Baris 3: hari sekolah berlangsung antara 05.00 dan 18.00 (tulis 13.00, bukan 01.00).",
        "Senin: Baris 4: tulis seperti 07.00-07.40, diikuti Upacara atau Istirahat bila bukan jam pelajaran.",
        "Senin: Baris 5: Senam tidak dikenali: kosongkan untuk jam pelajaran, atau tulis Upacara atau Istirahat.",
        "Rabu: Baris 2: dimulai sebelum baris di atasnya selesai.",
    ]
    assert BellPeriod.objects.count() == before


def test_the_ramadan_bell_times_are_their_own_set(login, operator, madrasah):
    client = login(operator)
    data = {f"day_{d}": timetable.RAMADAN for d in range(6)}
    assert client.post("/jadwal/jam-bel-ramadan/", data).status_code == 302
    assert BellPeriod.objects.filter(madrasah=madrasah, bell_set="ramadan").count() == 18
    assert not BellPeriod.objects.filter(madrasah=madrasah, bell_set="biasa").exists()
    assert "07.30–08.00" in client.get("/jadwal/").content.decode()


def test_the_operator_records_and_removes_a_ramadan_range(login, operator, madrasah):
    client = login(operator)
    assert client.post("/jadwal/ramadan/", {"start_date": "2027-02-08", "end_date": "2027-03-09"}).status_code == 302
    period = RamadanPeriod.objects.get(madrasah=madrasah)
    assert (period.start_date, period.end_date) == (dt.date(2027, 2, 8), dt.date(2027, 3, 9))
    response = client.post("/jadwal/ramadan/", {"start_date": "2027-03-01", "end_date": "2027-03-20"}, follow=True)
    assert "Tanggal ini bertumpang tindih dengan jadwal Ramadan yang sudah dicatat." in response.content.decode()
    response = client.post("/jadwal/ramadan/", {"start_date": "2028-01-01", "end_date": "2028-04-01"}, follow=True)
    assert "Ramadan berlangsung 29 atau 30 hari" in response.content.decode()
    assert client.post(f"/jadwal/ramadan/{period.pk}/hapus/").status_code == 302
    assert not RamadanPeriod.objects.exists()


def test_the_class_list_is_typed_once_and_a_class_in_use_stays(login, operator, madrasah, semester):
    client = login(operator)
    response = client.post("/jadwal/kelas/", {"names": "VII-A, VII-B\nVIII-A\nIX-A, IX-B, IX-C, IX-D"})
    assert response.status_code == 302
    names = list(SchoolClass.objects.filter(academic_year=semester.academic_year).values_list("name", flat=True))
    assert names == ["VII-A", "VII-B", "VIII-A", "IX-A", "IX-B", "IX-C", "IX-D"]
    used = SchoolClass.objects.get(name="IX-D")
    timetable.lesson(semester, teacher=StaffFactory(madrasah=madrasah), weekday=0, number=1, school_class=used)
    response = client.post("/jadwal/kelas/", {"names": "VII-A, VII-B, VIII-A"})
    assert response.status_code == 400
    assert "IX-D dipakai dalam jadwal pelajaran dan tetap ada" in response.content.decode()
    response = client.post("/jadwal/kelas/", {"names": "VII-A, VII-A, =SUM(A1)"})
    assert "VII-A tertulis dua kali." in response.content.decode()
    assert "=SUM(A1) bukan nama kelas." in response.content.decode()
    assert SchoolClass.objects.count() == 7


def test_the_waka_reads_the_timetable_but_changes_nothing(login, waka, madrasah, semester):
    timetable.bells(madrasah)
    classes = timetable.classes(semester)
    teacher = StaffFactory(madrasah=madrasah, name="Ani Rahmawati")
    timetable.lesson(semester, teacher=teacher, weekday=1, number=2, school_class=classes["VII-B"])
    client = login(waka)
    page = client.get("/jadwal/")
    assert page.status_code == 200
    assert "Ani Rahmawati" in page.content.decode() and "VII-B" in page.content.decode()
    assert 'href="/jadwal/impor/"' not in page.content.decode()
    for url in ("/jadwal/impor/", "/jadwal/kelas/", "/jadwal/jam-bel/", "/jadwal/hari-sekolah/", "/jadwal/templat/"):
        assert client.get(url).status_code == 403, url
    assert client.post("/jadwal/ramadan/", {"start_date": "2027-02-08", "end_date": "2027-03-09"}).status_code == 403


def test_a_teacher_gets_nothing(login, guru):
    client = login(guru)
    for url in ("/jadwal/", "/jadwal/impor/", "/jadwal/kelas/"):
        assert client.get(url).status_code == 403


def test_another_madrasahs_operator_cannot_remove_our_ramadan_range_or_code(login, madrasah, outsider):
    period = RamadanPeriod.objects.create(madrasah=madrasah, start_date="2027-02-08", end_date="2027-03-09")
    code = TeacherCode.objects.create(madrasah=madrasah, code="AR", staff=StaffFactory(madrasah=madrasah))
    client = login(outsider)
    assert client.post(f"/jadwal/ramadan/{period.pk}/hapus/").status_code == 404
    assert client.post(f"/jadwal/kode-guru/{code.pk}/hapus/").status_code == 404
    assert RamadanPeriod.objects.filter(pk=period.pk).exists() and TeacherCode.objects.filter(pk=code.pk).exists()


def test_the_operator_forgets_a_code_and_finds_the_page_from_home(login, operator, madrasah):
    code = TeacherCode.objects.create(madrasah=madrasah, code="AR", staff=StaffFactory(madrasah=madrasah))
    client = login(operator)
    assert 'href="/jadwal/"' in client.get("/beranda/operator/").content.decode()
    assert client.post(f"/jadwal/kode-guru/{code.pk}/hapus/").status_code == 302
    assert not TeacherCode.objects.exists()


def test_the_timetable_page_costs_the_same_queries_for_one_lesson_or_a_week(
    login, operator, madrasah, semester, django_assert_num_queries
):
    timetable.bells(madrasah)
    classes = timetable.classes(semester)
    teachers = [StaffFactory(madrasah=madrasah) for _ in range(3)]
    timetable.lesson(semester, teacher=teachers[0], weekday=0, number=1, school_class=classes["VII-A"])
    client = login(operator)
    client.get("/jadwal/")  # the session and the menu's caches warm up
    with CaptureQueriesContext(connection) as one:
        assert client.get("/jadwal/").status_code == 200
    for weekday in range(6):
        for number in range(1, 4):
            for index, name in enumerate(("VII-A", "VII-B", "VIII-A")):
                if (weekday, number, index) != (0, 1, 0):
                    timetable.lesson(
                        semester, teacher=teachers[index], weekday=weekday, number=number, school_class=classes[name]
                    )
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/jadwal/").status_code == 200
