"""The bulk planner with a timetable (issue 19 item 5): every observation lands in a lesson the teacher
teaches — at the period's start, with its class and subject — with a supervisor who is not teaching
then, outside blocked weeks and the Ramadan timetable, on the madrasah's school days, and never in the
past (nor earlier today); without a timetable it keeps its fixed slots, never in the past either."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from madrasah.models import Lesson, RamadanPeriod, SchoolWeek, Subject
from tests.factories import supervision, timetable
from tests.factories.madrasah import member

WIB = ZoneInfo("Asia/Jakarta")
# Monday 20 July 2026, 09.00: periods 1-3 of Monday (from 07.30) are over, periods 4 (09.45) and 5 remain.
NOW = dt.datetime(2026, 7, 20, 9, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=WIB)


@pytest.fixture
def school(madrasah, kepala, waka, guru, guru_lain, pengawas):
    """The team is the Waka and `tim`, who teaches Matematika like guru_lain; guru teaches IPA."""
    semester = supervision.active_semester(madrasah)
    tim = member(madrasah=madrasah, roles=["guru"])
    math, ipa = Subject.objects.get(code="matematika"), Subject.objects.get(code="ipa")
    tim.staff.subjects.set([math])
    guru_lain.staff.subjects.set([math])
    guru.staff.subjects.set([ipa])
    supervision.team(madrasah=madrasah, members=[waka, tim])
    timetable.bells(madrasah)
    classes = timetable.classes(semester)

    def lesson(person, weekday, number, class_name, subject=None):
        timetable.lesson(
            semester,
            teacher=person.staff,
            weekday=weekday,
            number=number,
            school_class=classes[class_name],
            subject=subject,
        )

    lesson(kepala, 2, 1, "VIII-A")  # Wednesday 07.00
    lesson(waka, 0, 4, "VII-A")  # Monday 09.45
    lesson(waka, 1, 1, "VII-B")  # Tuesday 07.00
    lesson(tim, 0, 4, "VIII-A", math)  # Monday 09.45
    lesson(tim, 3, 1, "VII-A", math)  # Thursday 07.00
    lesson(guru, 0, 2, "VII-B", ipa)  # Monday 08.10: already over
    lesson(guru, 0, 5, "VII-B", ipa)  # Monday 10.25
    lesson(guru_lain, 0, 5, "VIII-A", math)  # Monday 10.25
    lesson(guru_lain, 1, 2, "VII-A", math)  # Tuesday 07.40
    version = supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    return {"semester": semester, "tim": tim, "version": version, "programme": programme, "math": math, "ipa": ipa}


def bulk(client, school, **overrides):
    data = {"instruments": [school["version"].pk], "start_date": "2026-07-06", "slots_per_day": "8", **overrides}
    url = reverse("kompetensi:programme-bulk-create", args=[school["programme"].pk])
    return client.post(url, data, follow=True)


def placed(school) -> dict[int, tuple]:
    return {
        row.teacher_id: (timezone.localtime(row.planned_at), row.class_name, row.subject_id, row.supervisor_id)
        for row in school["programme"].rows.all()
    }


def test_every_row_lands_in_a_lesson_of_its_teacher_with_a_free_supervisor(
    client, school, kepala, waka, guru, guru_lain, pengawas, django_assert_max_num_queries
):
    client.force_login(waka.user)
    page = client.get(reverse("kompetensi:programme-bulk-create", args=[school["programme"].pk]))
    assert 'data-testid="timetable-aware"' in page.content.decode()
    assert "first_time" not in page.context["form"].fields  # the lessons give the times

    with django_assert_max_num_queries(60):
        response = bulk(client, school)

    assert "5 supervisi telah direncanakan." in [str(m) for m in response.context["messages"]]
    tim = school["tim"]
    assert placed(school) == {
        # guru's Monday 08.10 lesson is over: their 10.25 lesson, with the Waka (free then).
        guru.staff_id: (at("2026-07-20", "10:25"), "VII-B", school["ipa"].pk, waka.user_id),
        # a team member shares Matematika and is free at 10.25.
        guru_lain.staff_id: (at("2026-07-20", "10:25"), "VIII-A", school["math"].pk, tim.user_id),
        # the team is supervised by the Kepala: the Waka at 09.45 …
        waka.staff_id: (at("2026-07-20", "09:45"), "VII-A", None, kepala.user_id),
        # … so tim's 09.45 lesson finds the Kepala busy: their Thursday lesson.
        tim.staff_id: (at("2026-07-23", "07:00"), "VII-A", school["math"].pk, kepala.user_id),
        kepala.staff_id: (at("2026-07-22", "07:00"), "VIII-A", None, pengawas.user_id),
    }


def test_the_rows_respect_lessons_blocked_weeks_ramadan_and_the_school_week(
    client, school, madrasah, waka, guru, guru_lain
):
    supervision.blocked_period(
        semester=school["semester"], start_date=dt.date(2026, 7, 20), end_date=dt.date(2026, 7, 20)
    )
    RamadanPeriod.objects.create(madrasah=madrasah, start_date="2026-07-21", end_date="2026-07-22")
    SchoolWeek.objects.create(madrasah=madrasah, days=[0, 1, 2, 4, 5])  # closed on Thursday
    client.force_login(waka.user)
    bulk(client, school)

    lessons = {
        (lesson.teacher_id, lesson.weekday, lesson.number): lesson.school_class.name
        for lesson in Lesson.objects.select_related("school_class")
    }
    starts = {(0, 2): "08:10", (0, 4): "09:45", (0, 5): "10:25", (1, 1): "07:00", (1, 2): "07:40", (2, 1): "07:00"}
    starts |= {(3, 1): "07:00"}
    rows = list(school["programme"].rows.all())
    assert len(rows) == 5
    for row in rows:
        local = timezone.localtime(row.planned_at)
        assert local > NOW
        assert local.date() >= dt.date(2026, 7, 23) and local.weekday() != 3
        number = next(n for (w, n), time in starts.items() if w == local.weekday() and time == f"{local:%H:%M}")
        assert lessons[(row.teacher_id, local.weekday(), number)] == row.class_name
    assert timezone.localtime(placed(school)[guru.staff_id][0]) == at("2026-07-27", "08:10")


def test_teachers_without_a_lesson_are_named_and_left_for_hand_planning(client, school, madrasah, waka, operator):
    extra = member(madrasah=madrasah, roles=["guru"])
    client.force_login(waka.user)
    response = bulk(client, school)
    messages = [str(m) for m in response.context["messages"]]
    assert any(extra.staff.full_name in m and "tidak memiliki jam pelajaran" in m for m in messages)
    assert not school["programme"].rows.filter(teacher=extra.staff).exists()


def test_a_teacher_whose_every_lesson_clashes_with_their_supervisors_is_not_placed(client, school, waka, guru):
    # The IPA teacher's supervisors are the Waka, then the Kepala: both teach at 10.25 every Monday now.
    Lesson.objects.filter(teacher=guru.staff, number=2).delete()
    semester = school["semester"]
    timetable.lesson(semester, teacher=waka.staff, weekday=0, number=5)
    kepala_staff = school["programme"].madrasah.staff.get(membership__roles__role="kepala")
    timetable.lesson(semester, teacher=kepala_staff, weekday=0, number=5)
    client.force_login(waka.user)
    response = bulk(client, school)
    assert not school["programme"].rows.filter(teacher=guru.staff).exists()
    assert "1 guru tidak mendapat jadwal sebelum semester berakhir." in [str(m) for m in response.context["messages"]]


def test_without_a_timetable_the_fixed_slots_never_fall_in_the_past(client, madrasah, kepala, waka, guru, pengawas):
    supervision.team(madrasah=madrasah, members=[waka])
    semester = supervision.active_semester(madrasah)
    version = supervision.supervision_version(madrasah=madrasah, academic_year=semester.academic_year)
    programme = supervision.programme(madrasah=madrasah, created_by=waka)
    client.force_login(waka.user)
    data = {
        "instruments": [version.pk],
        "start_date": "2026-07-06",  # two weeks ago
        "first_time": "07:30",
        "slot_minutes": "120",
        "slots_per_day": "2",
    }
    client.post(reverse("kompetensi:programme-bulk-create", args=[programme.pk]), data)
    times = sorted(timezone.localtime(r.planned_at) for r in programme.rows.all())
    # 07.30 today is over: 09.30 today, then tomorrow's two slots.
    assert times == [at("2026-07-20", "09:30"), at("2026-07-21", "07:30"), at("2026-07-21", "09:30")]
